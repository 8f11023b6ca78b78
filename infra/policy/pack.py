"""The policy rules as a pulumi-policy pack, enforced at ``pulumi preview`` and ``pulumi up``.

Each rule becomes one stack validation policy: the pack converts the
engine's view of every resource into the same :class:`PlannedResource` the
offline plan builds, then runs the same check. ``policy-pack/__main__.py``
serves the pack; this module holds the conversion so it can be tested here.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from infra.policy.catalog import ALL_RULES
from infra.policy.rules import PlannedResource, Rule, provider_default_tags
from infra.policy.taggable import is_taggable

LEVELS = {"mandatory": EnforcementLevel.MANDATORY, "advisory": EnforcementLevel.ADVISORY}


def to_planned(resource: PolicyResource) -> PlannedResource:
    """The rules' view of one resource as the engine reports it."""
    props: dict[str, Any] = dict(resource.props)
    # At preview the provider has computed tagsAll (default tags merged in).
    if "tagsAll" in props and "tags" not in props:
        props["tags"] = props["tagsAll"]
    return PlannedResource(
        urn=resource.urn,
        type=resource.resource_type,
        name=resource.name,
        inputs=props,
        taggable=is_taggable(resource.resource_type),
        default_tags=provider_default_tags(resource.provider.props) if resource.provider else {},
        property_dependencies={
            key: [dep.urn for dep in deps] for key, deps in resource.property_dependencies.items()
        },
        protect=bool(getattr(resource.opts, "protect", False)),
        retain_on_delete=bool(getattr(resource.opts, "retain_on_delete", False)),
    )


def policy_for(rule: Rule) -> StackValidationPolicy:
    """One rule as a stack validation policy."""

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        planned = [to_planned(resource) for resource in args.resources]
        for urn, message in rule.check(planned):
            report_violation(f"{message} (PCI-DSS {rule.pci_dss})", urn)

    return StackValidationPolicy(
        name=rule.id,
        description=rule.description,
        validate=validate,
        enforcement_level=LEVELS[rule.severity],
    )


def policies() -> list[StackValidationPolicy]:
    """Every rule of the catalogue, in order."""
    return [policy_for(rule) for rule in ALL_RULES]
