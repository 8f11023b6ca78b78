"""The pulumi-policy pack reaches the same verdicts as the offline plan."""

from __future__ import annotations

from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    StackValidationArgs,
)

from infra.policy.catalog import ALL_RULES
from infra.policy.pack import policies, to_planned
from tests.support import Plan


def policy_resources(plan: Plan) -> list[PolicyResource]:
    """The plan's resources as the engine hands them to a policy pack."""
    providers = {
        r.id: PolicyProviderResource(r.type, r.inputs, r.urn, r.name)
        for r in plan.registrations
        if r.type.startswith("pulumi:providers:")
    }
    by_urn: dict[str, PolicyResource] = {}
    for record in plan.registrations:
        if not record.custom or record.type.startswith("pulumi:providers:"):
            continue
        by_urn[record.urn] = PolicyResource(
            resource_type=record.type,
            props=record.inputs,
            urn=record.urn,
            name=record.name,
            opts=PolicyResourceOptions(
                record.protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), []
            ),
            provider=providers.get((record.provider or "").rsplit("::", 1)[-1]),
            parent=None,
            dependencies=[],
            property_dependencies={},
        )
    for record in plan.registrations:
        if record.urn in by_urn:
            by_urn[record.urn].property_dependencies = {
                key: [by_urn[u] for u in urns if u in by_urn]
                for key, urns in record.property_dependencies.items()
            }
    return list(by_urn.values())


def run_pack(resources: list[PolicyResource]) -> list[tuple[str, str, str | None]]:
    found: list[tuple[str, str, str | None]] = []
    for policy in policies():
        args = StackValidationArgs(resources)

        def report(message: str, urn: str | None = None, _name: str = policy.name) -> None:
            found.append((_name, message, urn))

        policy.validate(args, report)
    return found


def test_every_rule_is_a_policy_with_its_enforcement_level():
    pack = policies()
    assert [p.name for p in pack] == [r.id for r in ALL_RULES]
    assert all(p.enforcement_level == EnforcementLevel.MANDATORY for p in pack)


def test_the_pack_passes_the_prod_plan(prod_plan: Plan):
    assert run_pack(policy_resources(prod_plan)) == []


def test_the_pack_reports_what_the_plan_would_report(prod_plan: Plan):
    resources = policy_resources(prod_plan)
    log_group = next(r for r in resources if r.resource_type == "aws:cloudwatch/logGroup:LogGroup")
    props: dict[str, Any] = dict(log_group.props)
    props.pop("kmsKeyId")
    log_group.props = props
    found = run_pack(resources)
    assert [(name, urn) for name, _, urn in found] == [("log-group-cmk", log_group.urn)]
    assert "PCI-DSS 3.5.1" in found[0][1]


def test_provider_default_tags_count_for_the_tag_rule(prod_plan: Plan):
    vpc = next(r for r in policy_resources(prod_plan) if r.resource_type == "aws:ec2/vpc:Vpc")
    planned = to_planned(vpc)
    assert planned.taggable and planned.default_tags["Compliance"] == "PCI-DSS"
