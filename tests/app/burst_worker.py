"""A consumer process for the burst test: hands SQS-shaped batches to the real handler.

Runs in its own (spawned) process, pointed at the moto server by
``AWS_ENDPOINT_URL``, as one concurrent Lambda execution environment would.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any


def consume(
    endpoint: str, environment: dict[str, str], batches: Sequence[list[dict[str, Any]]]
) -> dict[str, int]:
    """Process every batch through the handler; returns what this worker saw."""
    os.environ.update(environment)
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "POWERTOOLS_LOG_LEVEL": "ERROR",
        }
    )
    from tests.app.flow_fixtures import run_batch  # noqa: PLC0415 - after the environment

    stats = {"batches": 0, "records": 0, "failures": 0}
    for batch in batches:
        response = run_batch(batch)
        stats["batches"] += 1
        stats["records"] += len(batch)
        stats["failures"] += len(response["batchItemFailures"])
    return stats
