"""Test harness: the plan's mocks and monitor, registered once for the whole process.

A second ``set_mocks`` would replace the first, so every test that runs the
program goes through the ``plan`` fixture, which reuses this one monitor.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import hypothesis  # noqa: F401 - see below
import pytest

from infra.plan import runner
from infra.plan.monitor import RecordingMonitor, Registration
from tests.support import Plan

# hypothesis is imported here, at the start, on purpose: its pytest plugin imports it at the
# end of a session otherwise, and CPython 3.11.7's parser can then fail with "AST constructor
# recursion depth mismatch" while pytest rewrites it (a CPython bug fixed in later 3.11
# releases), failing a run whose tests all passed.
MONITOR: RecordingMonitor = runner.install_mocks("banking-platform", "test")


@pytest.fixture(scope="session")
def stack_configs() -> dict[str, dict[str, Any]]:
    """The config of the repository's stack files, keyed by stack name."""
    return {stack: runner.read_stack_config(stack)[1] for stack in ("dev", "prod")}


@pytest.fixture(scope="session")
def run_plan() -> Callable[[dict[str, Any]], Plan]:
    """Plan an arbitrary configuration (full ``project:key`` names) and return the result."""

    def run(config: dict[str, Any]) -> Plan:
        result = runner.execute(MONITOR, "test", copy.deepcopy(config))
        return Plan(result.document, list(MONITOR.registrations))

    return run


@pytest.fixture(scope="session")
def prod_plan(run_plan: Callable[[dict[str, Any]], Plan], stack_configs: dict[str, Any]) -> Plan:
    """The prod stack's plan, computed once per session."""
    return run_plan(stack_configs["prod"])


@pytest.fixture(scope="session")
def dev_plan(run_plan: Callable[[dict[str, Any]], Plan], stack_configs: dict[str, Any]) -> Plan:
    """The dev stack's plan, computed once per session."""
    return run_plan(stack_configs["dev"])


@pytest.fixture
def run_in_runtime() -> Callable[[Callable[[], object]], list[Registration]]:
    """Run ``fn`` under the shared mock runtime; return what it registered."""

    def run(fn: Callable[[], object]) -> list[Registration]:
        runner.run_program(MONITOR, fn)
        return list(MONITOR.registrations)

    return run
