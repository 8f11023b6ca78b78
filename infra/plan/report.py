"""Turn the recorded registrations into the plan document and evaluate the policy on it."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from infra.plan.mocks import PlanMocks
from infra.plan.monitor import Registration
from infra.policy import rules as policy_rules
from infra.policy.catalog import ALL_RULES
from infra.policy.taggable import is_taggable

PLATFORM_TYPE = "bank:platform:Platform"
GLOBAL = "global"


def planned_resources(records: Sequence[Registration]) -> list[policy_rules.PlannedResource]:
    """The policy's view of each custom resource."""
    by_id = {r.id: r for r in records if r.type.startswith("pulumi:providers:")}
    planned = []
    for record in records:
        if not record.custom or record.type.startswith("pulumi:providers:"):
            continue
        provider = by_id.get((record.provider or "").rsplit("::", 1)[-1])
        planned.append(
            policy_rules.PlannedResource(
                urn=record.urn,
                type=record.type,
                name=record.name,
                inputs=record.inputs,
                taggable=is_taggable(record.type),
                default_tags=policy_rules.provider_default_tags(provider.inputs)
                if provider
                else {},
                property_dependencies=record.property_dependencies,
                protect=record.protect,
                retain_on_delete=record.retain_on_delete,
            )
        )
    return planned


def _domains_and_regions(
    records: Sequence[Registration], mocks: PlanMocks
) -> tuple[dict[str, str], dict[str, str]]:
    by_urn = {r.urn: r for r in records}
    domain: dict[str, str] = {}
    region: dict[str, str] = {}
    for record in records:  # parents register before their children
        parent = by_urn.get(record.parent or "")
        if record.type == PLATFORM_TYPE or parent is None:
            domain[record.urn] = "platform"
        elif parent.type == PLATFORM_TYPE:
            domain[record.urn] = (
                "platform" if not record.type.startswith("bank:") else record.type.split(":")[1]
            )
        else:
            domain[record.urn] = domain[parent.urn]
        own = mocks.region_of(record.provider or record.providers.get("aws"))
        if own is None and record.type.startswith("pulumi:providers:"):
            own = record.inputs.get("region")
        region[record.urn] = own or (region[parent.urn] if parent else GLOBAL)
    return domain, region


def build_document(
    stack: str,
    config: dict[str, Any],
    outputs: dict[str, Any],
    records: Sequence[Registration],
    mocks: PlanMocks,
) -> dict[str, Any]:
    """The JSON plan: stack, regions, outputs, resources and policy results."""
    domain, region = _domains_and_regions(records, mocks)
    violations = policy_rules.evaluate(planned_resources(records), ALL_RULES)
    all_regions = list(outputs.get("regions") or [])
    resources = [
        {
            "urn": r.urn,
            "type": r.type,
            "name": r.name,
            "parent": r.parent,
            "region": region[r.urn],
            "component": domain[r.urn],
            "custom": r.custom,
            "id": r.id,
            "protect": r.protect,
            "retainOnDelete": r.retain_on_delete,
            "inputs": r.inputs,
            "dependencies": sorted(set(r.dependencies).union(*r.property_dependencies.values())),
            "propertyDependencies": r.property_dependencies,
        }
        for r in records
    ]
    return {
        "stack": stack,
        "regions": {
            "primary": all_regions[0] if all_regions else None,
            "replicas": all_regions[1:],
            "all": all_regions,
        },
        "config": config,
        "outputs": outputs,
        "resources": resources,
        "policy": {
            "rules": [
                {
                    "id": rule.id,
                    "severity": rule.severity,
                    "description": rule.description,
                    "pciDss": rule.pci_dss,
                }
                for rule in ALL_RULES
            ],
            "violations": [dataclasses.asdict(v) for v in violations],
        },
    }
