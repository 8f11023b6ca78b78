"""The baseline: Pulumi's mock runtime registering resources with empty inputs.

``python -m bench.bare_runtime TYPES_FILE`` reads one type token per line (the
plan's resources, in order), loads the provider SDK class of each type, as any
program that uses them must, and registers one resource per line, an instance
of that class with every property it declares present and empty (``--no-sdk``
skips the SDK and registers plain resources with no properties at all),
waiting for every RPC as the plan does.
No program logic, no validation, no policy and no report: what is left is the
runtime's own cost.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

import pulumi
from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks, set_mocks
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from infra.policy.taggable import sdk_classes


class EchoMocks(Mocks):
    """Returns the name as the id and no outputs."""

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict]:
        return f"{args.name}-id", {}

    def call(self, args: MockCallArgs) -> tuple[dict, list]:
        return {}, []


def sdk_class(type_token: str) -> type[pulumi.CustomResource] | None:
    """Load the SDK class behind ``type_token``; None for types without one here.

    The SDK's modules load lazily, so this is also where their import cost is paid.
    """
    package = type_token.split(":", 1)[0]
    if package not in ("aws", "aws-native"):
        return None
    fqn, class_name = sdk_classes(package)[type_token]
    return getattr(importlib.import_module(fqn), class_name)


def register(types: list[str], classes: dict[str, type[pulumi.CustomResource] | None]) -> None:
    """Register one resource per type token with empty inputs.

    A resource of a type with an SDK class is an instance of that class, so the
    runtime translates and types its properties as it does in a program; the
    class's own constructor is bypassed only because it refuses missing required
    arguments. Every property the class declares is present and empty.
    """
    for index, type_token in enumerate(types):
        cls = classes.get(type_token)
        if cls is None:
            pulumi.CustomResource(type_token, f"r{index}", {})
            continue
        names = [name for name, value in vars(cls).items() if isinstance(value, property)]
        resource = cls.__new__(cls)
        pulumi.CustomResource.__init__(resource, type_token, f"r{index}", dict.fromkeys(names))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("types_file", type=Path)
    parser.add_argument("--no-sdk", action="store_true")
    options = parser.parse_args()
    types = options.types_file.read_text().split()
    classes = {} if options.no_sdk else {t: sdk_class(t) for t in sorted(set(types))}
    set_mocks(EchoMocks(), project="bench", stack="bench", preview=True)
    _sync_await(run_pulumi_func(lambda: register(types, classes)))
    sys.stdout.flush()
    # Skip interpreter teardown: the SDK's thread event loops complain when collected.
    os._exit(0)


if __name__ == "__main__":
    main()
