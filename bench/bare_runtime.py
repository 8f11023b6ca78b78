"""The baseline: Pulumi's mock runtime registering resources with empty inputs.

``python -m bench.bare_runtime TYPES_FILE`` reads one type token per line (the
plan's resources, in order), loads the provider SDK class of each type, as any
program that uses them must, and registers one resource per line with every
property the class declares present and empty (``--no-sdk`` skips the SDK and
registers resources with no properties at all), waiting for every RPC as the
plan does.
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


def property_names(type_token: str) -> list[str]:
    """Load the SDK class behind ``type_token`` and list the properties it declares.

    The SDK's modules load lazily, so this is also where their import cost is paid.
    """
    package = type_token.split(":", 1)[0]
    if package not in ("aws", "aws-native"):
        return []
    fqn, class_name = sdk_classes(package)[type_token]
    cls = getattr(importlib.import_module(fqn), class_name)
    return [name for name, value in vars(cls).items() if isinstance(value, property)]


def register(types: list[str], shapes: dict[str, list[str]]) -> None:
    """Register one resource per type token, every property it declares left empty."""
    for index, type_token in enumerate(types):
        props = dict.fromkeys(shapes.get(type_token, ()))
        pulumi.CustomResource(type_token, f"r{index}", props)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("types_file", type=Path)
    parser.add_argument("--no-sdk", action="store_true")
    options = parser.parse_args()
    types = options.types_file.read_text().split()
    shapes = {} if options.no_sdk else {t: property_names(t) for t in sorted(set(types))}
    set_mocks(EchoMocks(), project="bench", stack="bench", preview=True)
    _sync_await(run_pulumi_func(lambda: register(types, shapes)))
    sys.stdout.flush()
    # Skip interpreter teardown: the SDK's thread event loops complain when collected.
    os._exit(0)


if __name__ == "__main__":
    main()
