"""Speed of the transaction flow's code: scorer latency in process, processor throughput on moto.

``run()`` returns the figures; ``make bench`` prints and records them with the
rest of the benchmark. Run alone with ``python -m bench.flow``.

* Scorer: the real handler (feature extraction, the shipped model, reasons and
  its structured log line) called in process; p50 and p99 over
  :data:`SCORER_CALLS` calls on a mix of ordinary and suspicious payments.
  The target is p99 under 5 ms.
* Processor: the real handler against in-process moto (DynamoDB conditional
  writes, Step Functions, Kinesis, EventBridge), batches of 10 as the SQS event
  source delivers them. moto's own cost dominates, so the figure is a floor for
  the code, not a forecast of AWS throughput.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import statistics
import time
from collections.abc import Iterator
from typing import Any, cast

SCORER_CALLS = 10_000
PROCESSOR_PAYMENTS = 500
SCORER_P99_TARGET_MS = 5.0
REGION = "us-east-1"


def _context() -> Any:
    """A Lambda context with the attributes Powertools reads."""
    from aws_lambda_powertools.utilities.typing import LambdaContext  # noqa: PLC0415

    context = LambdaContext()
    context._function_name = "bench"
    context._memory_limit_in_mb = 512
    context._invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:bench"
    context._aws_request_id = "bench"
    return context


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    return {
        "processor": platform.processor() or platform.machine(),
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def _payment(index: int) -> dict[str, Any]:
    suspicious = index % 10 == 0
    return {
        "idempotencyKey": f"bench-{index:06d}",
        "accountId": f"acct-{index % 50:03d}",
        "amount": "4800.00" if suspicious else f"{10 + index % 300}.00",
        "currency": "USD",
        "merchant": {
            "id": f"m-{index % 13}",
            "categoryCode": "7995" if suspicious else "5411",
            "country": "SG" if suspicious else "US",
        },
        "card": {"pan": "4111111111111111", "country": "US"},
        "channel": "ecommerce" if index % 3 == 0 else "pos",
        "submittedAt": f"2025-03-01T{index % 24:02d}:00:00Z",
        "context": {"averageAmount": 60, "accountAgeDays": 30 + index % 900},
    }


@contextlib.contextmanager
def _quiet(logger: Any) -> Iterator[None]:
    """Keep the handler's log lines (their cost is measured) off the terminal."""
    handler = logger.registered_handler
    original = handler.stream
    handler.stream = io.StringIO()
    try:
        yield
    finally:
        handler.stream = original


def _percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def scorer_latency(calls: int = SCORER_CALLS) -> dict[str, object]:
    """p50/p99/max of the scorer handler in process, in milliseconds."""
    from app.fraud_scorer import handler  # noqa: PLC0415 - keep import cost out of module load

    requests = []
    for i in range(100):
        payment = _payment(i)
        payment["card"] = {"last4": "1111", "country": "US", "fingerprint": "f"}
        requests.append({"transactionId": payment["idempotencyKey"], "payment": payment})
    context = _context()
    timings: list[float] = []
    with _quiet(handler.logger):
        for request in requests:  # warm-up: first calls pay for imports and caches
            handler.handler(request, context)
        for i in range(calls):
            start = time.perf_counter()
            handler.handler(requests[i % len(requests)], context)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p99 = _percentile(timings, 0.99)
    return {
        "calls": calls,
        "p50_ms": round(_percentile(timings, 0.50), 4),
        "p99_ms": round(p99, 4),
        "max_ms": round(timings[-1], 4),
        "mean_ms": round(statistics.fmean(timings), 4),
        "target_p99_ms": SCORER_P99_TARGET_MS,
        "meets_target": p99 < SCORER_P99_TARGET_MS,
    }


def _create_processor_resources() -> dict[str, str]:
    import boto3  # noqa: PLC0415

    ddb = boto3.client("dynamodb", region_name=REGION)
    ddb.create_table(
        TableName="bench-transactions",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    sqs = boto3.client("sqs", region_name=REGION)
    dead_letter = sqs.create_queue(
        QueueName="bench-dlq.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    boto3.client("kinesis", region_name=REGION).create_stream(StreamName="bench", ShardCount=1)
    boto3.client("events", region_name=REGION).create_event_bus(Name="bench")
    boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name="bench-key", SecretString=json.dumps({"value": "bench-fingerprint-key"})
    )
    role = boto3.client("iam", region_name=REGION).create_role(
        RoleName="bench", AssumeRolePolicyDocument="{}"
    )["Role"]["Arn"]
    machine_arn = boto3.client("stepfunctions", region_name=REGION).create_state_machine(
        name="bench",
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
        roleArn=role,
    )["stateMachineArn"]
    return {
        "TRANSACTIONS_TABLE": "bench-transactions",
        "TRANSACTIONS_TABLE_KEY": "pk",
        "TRANSACTIONS_TABLE_SORT_KEY": "sk",
        "LEDGER_ENTRY_SORT_VALUE": "PAYMENT",
        "STATE_MACHINE_ARN": machine_arn,
        "EVENT_STREAM_NAME": "bench",
        "EVENT_BUS_NAME": "bench",
        "DEAD_LETTER_QUEUE_URL": dead_letter,
        "PAN_FINGERPRINT_SECRET_ID": "bench-key",
    }


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def processor_throughput(payments: int = PROCESSOR_PAYMENTS) -> dict[str, object]:
    """Payments per second through the processor handler against in-process moto."""
    from moto import mock_aws  # noqa: PLC0415

    from app.common.clients import client  # noqa: PLC0415
    from app.transaction_processor import handler  # noqa: PLC0415

    credentials = {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }
    with _environment(credentials), mock_aws():
        client.cache_clear()
        with _environment(_create_processor_resources()), _quiet(handler.logger):
            records = [
                {
                    "messageId": f"m-{i}",
                    "body": json.dumps(_payment(i)),
                    "attributes": {"MessageGroupId": _payment(i)["accountId"]},
                }
                for i in range(payments)
            ]
            batches = [records[i : i + 10] for i in range(0, len(records), 10)]
            start = time.perf_counter()
            failures = sum(
                len(cast(Any, handler.handler({"Records": batch}, _context()))["batchItemFailures"])
                for batch in batches
            )
            elapsed = time.perf_counter() - start
        client.cache_clear()
    return {
        "payments": payments,
        "batch_size": 10,
        "seconds": round(elapsed, 3),
        "payments_per_second": round(payments / elapsed, 1),
        "failures": failures,
        "backend": "moto in process (mock_aws)",
    }


def run() -> dict[str, object]:
    """Every transaction-flow figure, with the machine it ran on."""
    return {
        "machine": machine(),
        "fraud_scorer": scorer_latency(),
        "transaction_processor": processor_throughput(),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
