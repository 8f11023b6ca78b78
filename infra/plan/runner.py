"""``make plan``: run the Pulumi program under the mock runtime and report what it would build.

Reads ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml``, loads their config into the
runtime exactly as the Pulumi CLI would hand it to the program, registers the
mocks and the recording monitor, runs :func:`infra.program.main`, evaluates
the policy rules and writes ``build/plan/<stack>.json``.

Exit codes: 0 planned with no mandatory violation; 1 mandatory violations;
2 invalid configuration or program error (nothing is reported as planned).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import config as runtime_config
from pulumi.runtime import mocks as runtime_mocks
from pulumi.runtime import settings
from pulumi.runtime.stack import run_pulumi_func, wait_for_rpcs
from pulumi.runtime.sync_await import _sync_await

from infra.plan import diagram
from infra.plan.mocks import PlanMocks
from infra.plan.monitor import SECRET_PLACEHOLDER, RecordingMonitor
from infra.plan.report import build_document

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class PlanResult:
    """Everything one offline plan produced."""

    stack: str
    document: dict[str, Any]
    """The content of ``build/plan/<stack>.json``."""
    mandatory_violations: int
    warnings: list[str]


class PlanError(Exception):
    """The plan could not be produced; the message is for the person running it."""


def read_stack_config(stack: str, root: Path = REPO_ROOT) -> tuple[str, dict[str, Any]]:
    """The project name and the stack's config, keys as written (``project:key``)."""
    project_file = root / "Pulumi.yaml"
    stack_file = root / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        stacks = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in root.glob("Pulumi.*.yaml"))
        raise PlanError(f"no stack file {stack_file.name}; known stacks: {', '.join(stacks)}")
    project = yaml.safe_load(project_file.read_text())["name"]
    config = (yaml.safe_load(stack_file.read_text()) or {}).get("config") or {}
    return project, {_qualify(key, project): value for key, value in config.items()}


def _qualify(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _as_config_string(value: Any) -> str:
    # The CLI hands structured values to programs as JSON, scalars as their text.
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def install_mocks(project: str, stack: str) -> RecordingMonitor:
    """Register the plan's mocks and monitor with the runtime; once per process."""
    mocks = PlanMocks()
    monitor = RecordingMonitor(mocks)
    runtime_mocks.set_mocks(mocks, project=project, stack=stack, preview=True, monitor=monitor)
    return monitor


def run_program(monitor: RecordingMonitor, program: Callable[[], object]) -> None:
    """Run ``program`` on an installed monitor, starting from a clean runtime state."""
    monitor.reset()
    # A failed earlier run leaves its exception in the RPC manager; start afresh.
    state: Any = settings.SETTINGS  # the mock settings carry the RPC manager
    state.rpc_manager.clear()
    state.outputs.clear()

    async def wrapped() -> None:
        program()
        # The SDK's final wait re-arms a callback on every pending output each time
        # one of them completes, which grows with the square of the outputs still
        # pending. Waiting for all of them at once first costs one callback each;
        # the SDK's wait then finds nothing left and still re-raises any failure.
        while True:
            await wait_for_rpcs(await_all_outstanding_tasks=False)
            with state.lock:
                pending = [task for task in state.outputs if not task.done()]
            if not pending:
                break
            await asyncio.wait(pending)

    try:
        _sync_await(run_pulumi_func(wrapped))
    except BaseException:
        # The runtime keeps failed outputs to re-raise at exit; the failure is being raised
        # now, so let them go with this run.
        state.outputs.clear()
        state.rpc_manager.clear()
        raise


def execute(monitor: RecordingMonitor, stack: str, config: dict[str, Any]) -> PlanResult:
    """Run the program with ``config`` on an installed monitor and evaluate the policy."""
    runtime_config.set_all_config({key: _as_config_string(v) for key, v in config.items()}, [])
    # Imported here so that importing the runner does not import every component.
    from infra.program import main  # noqa: PLC0415

    try:
        run_program(monitor, main)
    except pulumi.RunError as error:
        if monitor.registrations:
            count = len(monitor.registrations)
            raise PlanError(f"{error}\n(after {count} resources were registered)") from None
        raise PlanError(str(error)) from None

    root = settings.get_root_resource()
    outputs = _resolve_outputs(getattr(root, "outputs", {}))
    document = build_document(stack, config, outputs, monitor.registrations, monitor.plan_mocks)
    violations = document["policy"]["violations"]
    mandatory = sum(1 for v in violations if v["severity"] == "mandatory")
    warnings = [v["message"] for v in violations if v["severity"] != "mandatory"]
    return PlanResult(
        stack=stack, document=document, mandatory_violations=mandatory, warnings=warnings
    )


def run_plan(stack: str, config: dict[str, Any], project: str) -> PlanResult:
    """Install the mocks and plan ``stack`` once: what ``make plan`` does."""
    return execute(install_mocks(project, stack), stack, config)


def _resolve_outputs(outputs: dict[str, Any]) -> dict[str, Any]:
    resolved: dict[str, Any] = {}
    for key, value in outputs.items():
        output = pulumi.Output.from_input(value)
        secret = _sync_await(output.is_secret())
        resolved[key] = SECRET_PLACEHOLDER if secret else _sync_await(output.future())
    return resolved


def summarise(result: PlanResult) -> str:
    """The short, human summary printed by ``make plan``."""
    doc = result.document
    regions = doc["regions"]["all"]
    providers = [r for r in doc["resources"] if r["type"].startswith("pulumi:providers:")]
    resources = [r for r in doc["resources"] if r["custom"] and r not in providers]
    components = [r for r in doc["resources"] if not r["custom"]]
    columns = regions + (["global"] if any(r["region"] == "global" for r in resources) else [])
    lines = [
        f"Offline plan of stack '{result.stack}' (Pulumi mock runtime; nothing is deployed)",
        f"  regions: {regions[0]} (primary)" + "".join(f", {r}" for r in regions[1:]),
        f"  {len(resources)} cloud resources in {len(components)} components, "
        f"{len(providers)} regional providers",
        "",
        f"  {'component':<14}" + "".join(f"{r:>16}" for r in columns) + f"{'total':>8}",
    ]
    counts = Counter((r["component"], r["region"]) for r in resources)
    for component in sorted({c for c, _ in counts}):
        row = [counts.get((component, region), 0) for region in columns]
        lines.append(f"  {component:<14}" + "".join(f"{n:>16}" for n in row) + f"{sum(row):>8}")
    policy = doc["policy"]
    lines += ["", f"  policy: {len(policy['rules'])} rules evaluated"]
    by_rule = Counter(v["rule"] for v in policy["violations"])
    for rule in policy["rules"]:
        status = "pass" if not by_rule[rule["id"]] else f"{by_rule[rule['id']]} violation(s)"
        lines.append(f"    [{rule['severity']:<9}] {rule['id']:<34} {status}")
    for violation in policy["violations"]:
        lines.append(f"    ! {violation['rule']}: {violation['urn']}\n      {violation['message']}")
    lines.append("")
    if result.mandatory_violations:
        lines.append(f"  FAILED: {result.mandatory_violations} mandatory violation(s)")
    else:
        lines.append("  OK: no mandatory violation")
    return "\n".join(lines)


def write_and_report(result: PlanResult, out_dir: Path, *, quiet: bool = False) -> int:
    """Write the plan JSON, print the summary and return the exit code."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{result.stack}.json"
    path.write_text(json.dumps(result.document, indent=1) + "\n")
    (out_dir / f"{result.stack}.mmd").write_text(diagram.mermaid(result.document))
    (out_dir / f"{result.stack}-flows.md").write_text(diagram.flows_table(result.document))
    if not quiet:
        print(summarise(result))
    shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
    print(f"  plan written to {shown}")
    print(f"  diagram: {path.stem}.mmd, cross-region links: {path.stem}-flows.md, beside it")
    return 1 if result.mandatory_violations else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: ``python -m infra.plan [--stack dev] [--out build/plan]``."""
    parser = argparse.ArgumentParser(
        prog="make plan", description="Offline plan of a stack under Pulumi's mock runtime."
    )
    parser.add_argument("--stack", default="dev", help="stack name (Pulumi.<stack>.yaml)")
    parser.add_argument(
        "--project-dir", type=Path, default=REPO_ROOT, help="folder holding the stack files"
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "build" / "plan")
    parser.add_argument("--quiet", action="store_true", help="print only the result line")
    options = parser.parse_args(argv)
    try:
        project, config = read_stack_config(options.stack, options.project_dir)
        result = run_plan(options.stack, config, project)
    except PlanError as error:
        print(f"plan of stack '{options.stack}' stopped: {error}", file=sys.stderr)
        return 2
    return write_and_report(result, options.out, quiet=options.quiet)
