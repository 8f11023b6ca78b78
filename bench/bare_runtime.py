"""The baseline: Pulumi's mock runtime registering resources with empty inputs.

``python -m bench.bare_runtime TYPES_FILE`` reads one type token per line (the
plan's resources, in order), loads the provider SDK class of each type, as any
program that uses them must, and registers one resource per line through that
class's own constructor with empty inputs (``--no-sdk`` skips the SDK and
registers plain resources with no properties at all), waiting for every RPC as
the plan does.
No program logic, no validation, no policy and no report: what is left is the
runtime's own cost.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import re
import sys
from pathlib import Path

import pulumi
from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks, set_mocks
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from infra.policy.taggable import sdk_classes


class EchoMocks(Mocks):
    """Returns the name as the id and no outputs; counts what it registered."""

    def __init__(self) -> None:
        self.registered = 0

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict]:
        if not args.typ.startswith("pulumi:providers:"):
            self.registered += 1
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


_MISSING = re.compile(r"Missing required property '(\w+)'")


def empty_value(annotation: object) -> object:
    """The empty value of an input's declared type: "", 0, False, [] or {}."""
    text = str(annotation)
    for marker, value in (("Sequence", []), ("Mapping", {}), ("bool", False), ("int", 0)):
        if marker in text:
            return value
    if "float" in text:
        return 0.0
    return "" if "str" in text else {}


def register(types: list[str], classes: dict[str, type[pulumi.CustomResource] | None]) -> None:
    """Register one resource per type token through its SDK class, with empty inputs.

    Optional inputs are left out; a required one gets the empty value of its type,
    found the way a program would: the constructor names what is missing before
    it registers anything.
    """
    required: dict[str, dict[str, object]] = {}
    for index, type_token in enumerate(types):
        cls = classes.get(type_token)
        if cls is None:
            pulumi.CustomResource(type_token, f"r{index}", {})
            continue
        kwargs = required.setdefault(type_token, {})
        while True:
            try:
                cls(f"r{index}", **kwargs)  # type: ignore[call-arg]
                break
            except TypeError as error:
                missing = _MISSING.search(str(error))
                if missing is None:
                    raise
                parameter = inspect.signature(cls._internal_init).parameters[missing.group(1)]  # type: ignore[attr-defined]
                kwargs[missing.group(1)] = empty_value(parameter.annotation)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("types_file", type=Path)
    parser.add_argument("--no-sdk", action="store_true")
    options = parser.parse_args()
    types = options.types_file.read_text().split()
    classes = {} if options.no_sdk else {t: sdk_class(t) for t in sorted(set(types))}
    mocks = EchoMocks()
    set_mocks(mocks, project="bench", stack="bench", preview=True)
    _sync_await(run_pulumi_func(lambda: register(types, classes)))
    print(json.dumps({"registered": mocks.registered}))
    sys.stdout.flush()
    # Skip interpreter teardown: the SDK's thread event loops complain when collected.
    os._exit(0)


if __name__ == "__main__":
    main()
