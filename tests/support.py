"""Queries over a plan, so tests read as statements about resources."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from infra.plan.monitor import Registration


@dataclass
class Plan:
    """A plan document with the raw registrations behind it."""

    document: dict[str, Any]
    registrations: list[Registration]

    @property
    def resources(self) -> list[dict[str, Any]]:
        return self.document["resources"]

    def of_type(self, type_token: str, region: str | None = None) -> list[dict[str, Any]]:
        """Resources of one type, optionally in one region."""
        return [
            r
            for r in self.resources
            if r["type"] == type_token and (region is None or r["region"] == region)
        ]

    def in_component(self, component: str, type_token: str) -> list[dict[str, Any]]:
        """Resources of one type that belong to one domain."""
        return [r for r in self.of_type(type_token) if r["component"] == component]

    def one(self, type_token: str, region: str | None = None) -> dict[str, Any]:
        """The single resource of a type (in a region); fails naming what was found."""
        found = self.of_type(type_token, region)
        assert len(found) == 1, f"expected one {type_token} in {region}, found {len(found)}"
        return found[0]

    def by_urn(self, urn: str) -> dict[str, Any]:
        return next(r for r in self.resources if r["urn"] == urn)

    def children_of(self, urn: str) -> Iterator[dict[str, Any]]:
        return (r for r in self.resources if r["parent"] == urn)

    def depends(self, resource: dict[str, Any], prop: str, target: dict[str, Any]) -> bool:
        """Whether ``resource``'s input ``prop`` is built from ``target``."""
        return target["urn"] in resource["propertyDependencies"].get(prop, [])

    @property
    def violations(self) -> list[dict[str, Any]]:
        return self.document["policy"]["violations"]


def policy_document(resource: dict[str, Any], key: str = "policy") -> dict[str, Any]:
    """The IAM document held in one of a resource's inputs."""
    return json.loads(resource["inputs"][key])
