"""An architecture diagram (Mermaid) and the list of cross-region links, read from a plan.

Nothing here is drawn by hand: domains per region come from the resources'
``component`` and ``region``, and two regions are linked by every resource
whose inputs are built from a resource in the other region, or that replicates
itself into other regions (``replicas[].region``). A link is listed once per
pair of regions and resource type, the primary region (or the earlier one)
first. ``make plan`` writes both next to the plan JSON.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Flow:
    """A resource that ties two regions together: replication, peering or a reference."""

    source_region: str
    """The primary region, or the one listed first in the stack."""
    target_region: str
    kind: str
    """The resource type that carries it, e.g. ``aws:kms/replicaKey:ReplicaKey``."""


def _short_type(token: str) -> str:
    return token.rsplit(":", 1)[-1]


def cross_region_flows(document: Mapping[str, Any]) -> list[Flow]:
    """Every distinct cross-region link in the plan, sorted."""
    resources = document["resources"]
    region_of = {r["urn"]: r["region"] for r in resources}
    order = {region: index for index, region in enumerate(document["regions"]["all"])}
    flows: set[Flow] = set()

    def link(one: str, other: str, kind: str) -> None:
        first, second = sorted((one, other), key=lambda region: order.get(region, len(order)))
        flows.add(Flow(first, second, kind))

    for resource in resources:
        if not resource["custom"] or resource["type"].startswith("pulumi:providers:"):
            continue
        here = resource["region"]
        for urns in resource["propertyDependencies"].values():
            for urn in urns:
                there = region_of.get(urn)
                if there not in (None, "global", here):
                    link(str(there), here, resource["type"])
        for replica in resource["inputs"].get("replicas") or []:
            target = replica.get("region") if isinstance(replica, dict) else None
            if target and target != here:
                link(here, target, resource["type"])
    return sorted(flows)


def _node(region: str, component: str) -> str:
    return re.sub(r"[^a-zA-Z0-9]", "_", f"{region}_{component}")


def mermaid(document: Mapping[str, Any]) -> str:
    """A flowchart: one box per region with its domains, arrows for cross-region flows."""
    resources = [
        r
        for r in document["resources"]
        if r["custom"] and not r["type"].startswith("pulumi:providers:")
    ]
    counts = Counter((r["region"], r["component"]) for r in resources)
    regions = list(document["regions"]["all"]) + (
        ["global"] if any(region == "global" for region, _ in counts) else []
    )
    primary = document["regions"]["primary"]
    lines = ["flowchart LR"]
    for region in regions:
        label = f"{region} (primary)" if region == primary else region
        lines.append(f'  subgraph {_node(region, "region")}["{label}"]')
        for (where, component), count in sorted(counts.items()):
            if where == region:
                lines.append(f'    {_node(region, component)}["{component}: {count} resources"]')
        lines.append("  end")
    edges: Counter[tuple[str, str, str]] = Counter()
    for flow in cross_region_flows(document):
        source = _component_of(resources, flow, flow.source_region)
        target = _component_of(resources, flow, flow.target_region)
        edges[(source, target, _short_type(flow.kind))] += 1
    for (source, target, kind), _ in sorted(edges.items()):
        lines.append(f"  {source} ---|{kind}| {target}")
    return "\n".join(lines) + "\n"


def _component_of(resources: Iterable[Mapping[str, Any]], flow: Flow, region: str) -> str:
    component = next(
        (r["component"] for r in resources if r["type"] == flow.kind and r["region"] == region),
        None,
    )
    if component is None:  # replicated in place: the flow ends at the same domain
        component = next(r["component"] for r in resources if r["type"] == flow.kind)
    return _node(region, component)


def flows_table(document: Mapping[str, Any]) -> str:
    """The cross-region links as a Markdown table, for the data-residency record."""
    rows = ["| between | and | carried by |", "| --- | --- | --- |"]
    rows += [
        f"| {f.source_region} | {f.target_region} | `{f.kind}` |"
        for f in cross_region_flows(document)
    ]
    return "\n".join(rows) + "\n"
