"""The transaction-flow benchmark reports real measurements (small runs, for speed)."""

from __future__ import annotations

from bench import flow


def test_scorer_latency_reports_ordered_percentiles():
    result = flow.scorer_latency(calls=300)

    assert result["calls"] == 300
    assert 0 < float(result["p50_ms"]) <= float(result["p99_ms"]) <= float(result["max_ms"])  # type: ignore[arg-type]


def test_processor_throughput_processes_every_payment_without_failure():
    result = flow.processor_throughput(payments=20)

    assert result["failures"] == 0
    assert float(result["payments_per_second"]) > 0  # type: ignore[arg-type]


def test_the_machine_is_named():
    assert {"processor", "cores"} <= set(flow.machine())
