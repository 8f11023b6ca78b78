"""A mock monitor that records every registration request as the engine would see it.

Pulumi's ``MockMonitor`` hands mocks only the inputs; the plan also needs the
parent, the provider, the explicit and property dependencies and the resource
options, so this subclass keeps the whole request. It also refuses what the
real engine would get wrong later: an AWS resource on a default provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor, MockResourceArgs
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from infra.plan.mocks import PlanMocks

SECRET_PLACEHOLDER = "[secret]"
PACKAGES_WITHOUT_DEFAULT_PROVIDER = ("aws", "aws-native")


class DefaultProviderError(Exception):
    """An AWS resource was registered without a regional provider."""


@dataclass
class Registration:
    """One registration request, with secrets already redacted from ``inputs``."""

    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    provider: str | None
    providers: dict[str, str]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    inputs: dict[str, Any]
    protect: bool
    retain_on_delete: bool
    id: str | None = None


def redact(value: Any) -> Any:
    """Replace every secret with ``[secret]`` and every asset or archive with its source."""
    if rpc.is_rpc_secret(value):
        return SECRET_PLACEHOLDER
    if isinstance(value, pulumi.FileArchive | pulumi.FileAsset):
        return {"path": value.path}
    if isinstance(value, pulumi.Archive | pulumi.Asset):
        return {"asset": type(value).__name__}
    if isinstance(value, dict):
        return {key: redact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def _plain(value: Any) -> Any:
    """Unwrap secrets and turn assets into something JSON can hold."""
    if rpc.is_rpc_secret(value):
        return _plain(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


class RecordingMonitor(MockMonitor):
    """Keeps each registration in order; the plan and the tests read ``registrations``."""

    def __init__(self, mocks: PlanMocks) -> None:
        super().__init__(mocks)
        self.plan_mocks = mocks
        self.registrations: list[Registration] = []

    def reset(self) -> None:
        """Forget earlier runs, so one process can plan several configurations."""
        self.registrations.clear()
        self.resources.clear()

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        _ensure_event_loop()
        package = request.type.split(":", 1)[0]
        if request.custom and package in PACKAGES_WITHOUT_DEFAULT_PROVIDER and not request.provider:
            raise DefaultProviderError(
                f"{request.type} {request.name!r} has no explicit provider; pass the regional "
                f"provider made at the top (ResourceOptions(provider=...)) or a parent that has it"
            )
        raw_inputs = rpc.deserialize_properties(request.object)
        resource_id, state = self.plan_mocks.new_resource(
            MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=_plain(raw_inputs),
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom or False,
            )
        )
        self.registrations.append(
            Registration(
                urn=urn,
                type=request.type,
                name=request.name,
                parent=request.parent or None,
                custom=bool(request.custom),
                provider=request.provider or None,
                providers=dict(request.providers),
                dependencies=list(request.dependencies),
                property_dependencies={
                    key: list(deps.urns) for key, deps in request.propertyDependencies.items()
                },
                inputs=redact(raw_inputs),
                protect=bool(request.protect),
                retain_on_delete=bool(request.retainOnDelete),
                id=resource_id,
            )
        )
        obj_proto = _sync_await(rpc.serialize_properties(state, {}))
        self.resources[urn] = MockMonitor.ResourceRegistration(urn, resource_id or "", state)
        return resource_pb2.RegisterResourceResponse(
            urn=urn, id=resource_id or "", object=obj_proto
        )
