"""An architecture diagram (Mermaid) and the list of cross-region links, read from a plan.

Nothing here is drawn by hand: domains per region come from the resources'
``component`` and ``region``, and two regions are linked by every resource
whose inputs are built from a resource in the other region, or that replicates
itself into other regions (``replicas[].region`` or ``regionName``). A link is listed once per
pair of regions and resource type, the primary region (or the earlier one)
first. ``make plan`` writes both next to the plan JSON.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
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
    source_component: str = ""
    """Domain of the resource on the source side."""
    target_component: str = ""
    """Domain of the resource on the target side."""


KEY_TYPES = frozenset({"aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey"})


def _short_type(token: str) -> str:
    return token.rsplit(":", 1)[-1]


def cross_region_flows(document: Mapping[str, Any]) -> list[Flow]:
    """Every distinct cross-region link in the plan, sorted."""
    resources = document["resources"]
    by_urn = {r["urn"]: r for r in resources}
    order = {region: index for index, region in enumerate(document["regions"]["all"])}
    flows: set[Flow] = set()

    def link(one: tuple[str, str], other: tuple[str, str], kind: str) -> None:
        first, second = sorted((one, other), key=lambda side: order.get(side[0], len(order)))
        flows.add(Flow(first[0], second[0], kind, first[1], second[1]))

    for resource in resources:
        if not resource["custom"] or resource["type"].startswith("pulumi:providers:"):
            continue
        here = (resource["region"], resource["component"])
        for urns in resource["propertyDependencies"].values():
            for urn in urns:
                source = by_urn.get(urn)
                if source is None or source["region"] in ("global", here[0]):
                    continue
                # Naming another region's key is how replication encrypts there; the
                # replication itself is the link worth listing.
                if source["type"] in KEY_TYPES and resource["type"] not in KEY_TYPES:
                    continue
                link((source["region"], source["component"]), here, resource["type"])
        for replica in resource["inputs"].get("replicas") or []:
            target = (
                (replica.get("region") or replica.get("regionName"))
                if isinstance(replica, dict)
                else None
            )
            if target and target != here[0]:
                link(here, (target, here[1]), resource["type"])
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
    edges = sorted(
        {
            (
                _node(flow.source_region, flow.source_component),
                _node(flow.target_region, flow.target_component),
                _short_type(flow.kind),
            )
            for flow in cross_region_flows(document)
        }
    )
    for source, target, kind in edges:
        lines.append(f"  {source} ---|{kind}| {target}")
    return "\n".join(lines) + "\n"


def flows_table(document: Mapping[str, Any]) -> str:
    """The cross-region links as a Markdown table, for the data-residency record."""
    rows = ["| between | and | carried by |", "| --- | --- | --- |"]
    rows += [
        f"| {f.source_region} ({f.source_component}) | {f.target_region} ({f.target_component}) "
        f"| `{f.kind}` |"
        for f in cross_region_flows(document)
    ]
    return "\n".join(rows) + "\n"
