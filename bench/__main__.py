"""``make bench``: how much the platform's plan costs over Pulumi's bare mock runtime.

Measures, in one run and each as a fresh process on the warm ``.venv``:

* ``plan``: ``python -m infra.plan --stack prod`` end to end (config, program,
  policy, report);
* ``bare``: ``bench.bare_runtime`` registering the same resource types, as many,
  with empty inputs, after importing the same provider SDK modules;
* ``bare_no_sdk``: the same without the SDK imports, for reference.

Each is run ``--repeat`` times (default 5) and the fastest run counts, which keeps the
noise of other processes on the machine out of the ratio. The target is
``plan / bare <= 1.5``. Figures go to ``build/bench.json``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.5


def timed(command: list[str], repeat: int) -> tuple[list[float], str]:
    """Wall-clock seconds of each of ``repeat`` runs of ``command``, and its last output."""
    times, output = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=REPO, check=True, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        output = done.stdout
    return times, output


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0],
    }


def plan_speed(repeat: int) -> dict[str, Any]:
    """The prod plan against the bare runtime with the same resources."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        plan_times, _ = timed(
            [sys.executable, "-m", "infra.plan", "--stack", "prod", "--quiet", "--out", str(out)],
            repeat,
        )
        document = json.loads((out / "prod.json").read_text())
        types = [
            r["type"]
            for r in document["resources"]
            if r["custom"] and not r["type"].startswith("pulumi:providers:")
        ]
        types_file = out / "types.txt"
        types_file.write_text("\n".join(types))
        bare = [sys.executable, "-m", "bench.bare_runtime", str(types_file)]
        bare_times, bare_output = timed(bare, repeat)
        bare_no_sdk_times, _ = timed([*bare, "--no-sdk"], repeat)
    registered = json.loads(bare_output.strip().splitlines()[-1])["registered"]
    if registered != len(types):
        raise RuntimeError(f"the baseline registered {registered} resources, the plan {len(types)}")
    plan, base = min(plan_times), min(bare_times)
    return {
        "resources": len(types),
        "bare_registered": registered,
        "plan_seconds": round(plan, 3),
        "bare_seconds": round(base, 3),
        "bare_no_sdk_seconds": round(min(bare_no_sdk_times), 3),
        "ratio": round(plan / base, 2),
        "target_ratio": TARGET_RATIO,
        "runs": repeat,
        "all_plan_seconds": [round(t, 3) for t in plan_times],
        "all_bare_seconds": [round(t, 3) for t in bare_times],
    }


def optional_sections() -> dict[str, Any]:
    """Measurements other modules of ``bench`` contribute (``run() -> dict``)."""
    sections: dict[str, Any] = {}
    for name in ("flow",):
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError:
            continue
        sections[name] = module.run()
    return sections


def main() -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command")
    options = parser.parse_args()
    result: dict[str, Any] = {"machine": machine(), "plan": plan_speed(options.repeat)}
    result.update(optional_sections())
    out = REPO / "build" / "bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")

    speed = result["plan"]
    m = result["machine"]
    print(
        f"machine: {m['processor']}, {m['cores']} cores, Python {m['python']}, "
        f"1-minute load {m['load_average_1min']:.2f}"
    )
    print(f"prod plan, {speed['resources']} resources, fastest of {speed['runs']} runs:")
    print(f"  plan end to end           {speed['plan_seconds']:7.2f} s")
    print(f"  bare runtime, same types  {speed['bare_seconds']:7.2f} s")
    print(f"  bare runtime, no SDK      {speed['bare_no_sdk_seconds']:7.2f} s")
    verdict = "within" if speed["ratio"] <= TARGET_RATIO else "OVER"
    print(
        f"  ratio plan/bare           {speed['ratio']:7.2f}   ({verdict} the {TARGET_RATIO} target)"
    )
    flow = result.get("flow")
    if flow:
        scorer, processor = flow["fraud_scorer"], flow["transaction_processor"]
        print(f"fraud scorer, {scorer['calls']} in-process calls:")
        print(
            f"  p50 {scorer['p50_ms']:.3f} ms, p99 {scorer['p99_ms']:.3f} ms "
            f"(target p99 under {scorer['target_p99_ms']} ms)"
        )
        print(f"transaction processor against {processor['backend']}:")
        print(
            f"  {processor['payments']} payments in {processor['seconds']:.2f} s, "
            f"{processor['payments_per_second']:.0f} payments/s, {processor['failures']} failures"
        )
    print(f"written to {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
