"""The transaction processor against moto: exactly-once recording, rejection, dispatch."""

from __future__ import annotations

import io
import json
import multiprocessing
import random
from typing import Any

import boto3
import pytest

from app.transaction_processor import handler
from app.transaction_processor.validation import MAX_PAYLOAD_BYTES
from tests.app import burst_worker
from tests.app.flow_fixtures import (
    REGION,
    STREAM,
    TABLE,
    FakeContext,
    FlowResources,
    create_flow_resources,
    payment,
    run_batch,
    sqs_record,
)

UNIQUE_PAYMENTS = 1000
DUPLICATES = 250  # a fifth of the 1,250 deliveries
WORKERS = 4


def _scan(ddb: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in ddb.get_paginator("scan").paginate(TableName=TABLE):
        items += page["Items"]
    return items


def _stream_records(kinesis: Any) -> list[dict[str, Any]]:
    shard = kinesis.list_shards(StreamName=STREAM)["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(
        StreamName=STREAM, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records: list[dict[str, Any]] = []
    while True:
        page = kinesis.get_records(ShardIterator=iterator, Limit=10000)
        records += page["Records"]
        if not page["Records"]:
            return records
        iterator = page["NextShardIterator"]


@pytest.mark.moto_server
def test_burst_with_a_fifth_duplicates_records_each_payment_exactly_once(moto_server: str):
    resources = create_flow_resources(moto_server)
    rng = random.Random(4)
    bodies = [json.dumps(payment(i)) for i in range(UNIQUE_PAYMENTS)]
    # Redeliveries and client retries past the queue's deduplication window: the same body
    # arrives again, often while its first delivery runs in another execution environment.
    deliveries = bodies + [rng.choice(bodies) for _ in range(DUPLICATES)]
    rng.shuffle(deliveries)
    records = [
        sqs_record(body, message_id=f"msg-{n}", group=json.loads(body)["accountId"])
        for n, body in enumerate(deliveries)
    ]
    batches = [records[i : i + 10] for i in range(0, len(records), 10)]
    per_worker = [batches[w::WORKERS] for w in range(WORKERS)]

    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        stats = pool.starmap(
            burst_worker.consume,
            [(moto_server, resources.environment, work) for work in per_worker],
        )

    ddb = boto3.client("dynamodb", region_name=REGION, endpoint_url=moto_server)
    items = _scan(ddb)
    keys = [item["idempotencyKey"]["S"] for item in items]
    expected = {json.loads(body)["idempotencyKey"] for body in bodies}
    assert sum(s["records"] for s in stats) == len(deliveries), f"not all delivered: {stats}"
    assert sum(s["failures"] for s in stats) == 0, stats
    assert len(keys) == len(set(keys)) == UNIQUE_PAYMENTS, "a payment has several ledger entries"
    assert set(keys) == expected, f"lost payments: {sorted(expected - set(keys))[:5]}"
    assert {item["stage"]["S"] for item in items} == {"DISPATCHED"}
    sfn = boto3.client("stepfunctions", region_name=REGION, endpoint_url=moto_server)
    executions = [
        e["name"]
        for page in sfn.get_paginator("list_executions").paginate(
            stateMachineArn=resources.state_machine_arn
        )
        for e in page["executions"]
    ]
    assert sorted(executions) == sorted(expected), "one approval workflow per payment"
    kinesis = boto3.client("kinesis", region_name=REGION, endpoint_url=moto_server)
    streamed = [json.loads(r["Data"])["transactionId"] for r in _stream_records(kinesis)]
    assert sorted(streamed) == sorted(expected), "one stream event per payment"


def _malformed() -> dict[str, tuple[str, str]]:
    """Name -> (body, expected rejection reason)."""
    missing = payment(1)
    del missing["merchant"]
    return {
        "missing-field": (json.dumps(missing), "missing-field"),
        "negative-amount": (json.dumps(payment(2, amount="-5.00")), "invalid-amount"),
        "zero-amount": (json.dumps(payment(3, amount=0)), "invalid-amount"),
        "non-numeric-amount": (json.dumps(payment(4, amount="ten euros")), "invalid-amount"),
        "boolean-amount": (json.dumps(payment(5, amount=True)), "invalid-amount"),
        "unknown-currency": (json.dumps(payment(6, currency="XYZ")), "unknown-currency"),
        "oversized": (
            json.dumps(payment(7, memo="x" * (MAX_PAYLOAD_BYTES + 1))),
            "oversized",
        ),
        "not-json": ("{card: 4111111111111111", "not-json"),
        "bad-card-number": (
            json.dumps(payment(8, card={"pan": "4111111111111112", "country": "FR"})),
            "invalid-card",
        ),
    }


def test_malformed_payments_go_to_the_dead_letter_queue_with_a_reason_not_the_ledger(
    flow: FlowResources, monkeypatch: pytest.MonkeyPatch
):
    log_stream = io.StringIO()
    monkeypatch.setattr(handler.logger.registered_handler, "stream", log_stream)
    cases = _malformed()
    records = [
        sqs_record(body, message_id=name, group=f"g-{index}")
        for index, (name, (body, _)) in enumerate(cases.items())
    ]

    response = run_batch(records)

    assert response["batchItemFailures"] == [], "rejections are acknowledged, not retried"
    sqs = boto3.client("sqs", region_name=REGION)
    received: dict[str, tuple[str, str]] = {}
    for _ in range(5):
        for message in sqs.receive_message(
            QueueUrl=flow.dead_letter_url,
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
        ).get("Messages", []):
            attrs = message["MessageAttributes"]
            received[message["Body"]] = (
                attrs["RejectionReason"]["StringValue"],
                attrs["RejectionDetail"]["StringValue"],
            )
    reasons = sorted(reason for reason, _ in received.values())
    assert reasons == sorted(reason for _, reason in cases.values())
    assert all(detail for _, detail in received.values()), "every rejection says why"
    assert not any("4111111111111111" in body for body in received), "PAN left in the DLQ"
    ddb = boto3.client("dynamodb", region_name=REGION)
    assert _scan(ddb) == [], "a malformed payment reached the ledger"
    logs = log_stream.getvalue()
    assert "4111111111111111" not in logs, "a PAN was logged"
    rejected = [json.loads(line) for line in logs.splitlines() if '"payment rejected"' in line]
    assert {line["reason"] for line in rejected} == {reason for _, reason in cases.values()}


def test_a_reused_key_with_another_payload_is_rejected_and_the_first_entry_kept(
    flow: FlowResources,
):
    first = json.dumps(payment(10))
    reused = json.dumps(payment(10, amount="999.00"))

    run_batch([sqs_record(first, "m-1", "acct-010")])
    response = run_batch([sqs_record(reused, "m-2", "acct-010")])

    assert response["batchItemFailures"] == []
    items = _scan(boto3.client("dynamodb", region_name=REGION))
    assert [item["amount"]["S"] for item in items] == ["20.10"]
    messages = boto3.client("sqs", region_name=REGION).receive_message(
        QueueUrl=flow.dead_letter_url, MessageAttributeNames=["All"]
    )["Messages"]
    assert messages[0]["MessageAttributes"]["RejectionReason"]["StringValue"] == (
        "idempotency-conflict"
    )


def test_the_ledger_entry_keeps_no_card_number(flow: FlowResources):
    handler.handler(
        {"Records": [sqs_record(json.dumps(payment(0)), "m-1", "acct-000")]}, FakeContext()
    )

    item = _scan(boto3.client("dynamodb", region_name=REGION))[0]
    assert item["cardLast4"]["S"] == "1111"
    assert "4111111111111111" not in json.dumps(item)


def test_a_delivery_that_stopped_before_dispatch_is_resumed_after_its_lease(
    flow: FlowResources, monkeypatch: pytest.MonkeyPatch
):
    body = json.dumps(payment(20))
    accepted = handler.accept(
        body, handler.fingerprint_key(flow.environment["PAN_FINGERPRINT_SECRET_ID"])
    )
    settings = handler.Settings.from_env()
    assert handler.claim_payment(accepted, settings) == "new"  # then the first delivery "crashed"

    assert handler.claim_payment(accepted, settings) == "duplicate", "lease still held"
    real_time = handler.time.time
    monkeypatch.setattr(handler.time, "time", lambda: real_time() + handler.LEASE_SECONDS + 1)
    response = run_batch([sqs_record(body, "m-2", "acct-020")])

    assert response["batchItemFailures"] == []
    item = _scan(boto3.client("dynamodb", region_name=REGION))[0]
    assert item["stage"]["S"] == "DISPATCHED"
    executions = boto3.client("stepfunctions", region_name=REGION).list_executions(
        stateMachineArn=flow.state_machine_arn
    )["executions"]
    assert [e["name"] for e in executions] == ["pay-000020"]


def test_a_failed_record_fails_the_rest_of_its_message_group(
    flow: FlowResources, monkeypatch: pytest.MonkeyPatch
):
    from botocore.exceptions import ClientError  # noqa: PLC0415

    original = handler.claim_payment

    def flaky(payment_: Any, settings: Any) -> Any:
        if payment_["idempotencyKey"] == "pay-000030":
            raise ClientError({"Error": {"Code": "InternalServerError", "Message": "x"}}, "PutItem")
        return original(payment_, settings)

    monkeypatch.setattr(handler, "claim_payment", flaky)
    records = [
        sqs_record(json.dumps(payment(30, accountId="a")), "m-30", "a"),
        sqs_record(json.dumps(payment(31, accountId="a")), "m-31", "a"),
        sqs_record(json.dumps(payment(32, accountId="b")), "m-32", "b"),
    ]

    response = run_batch(records)

    assert [f["itemIdentifier"] for f in response["batchItemFailures"]] == ["m-30", "m-31"]


def test_the_workflow_validation_step_reports_problems_by_name(flow: FlowResources):
    result = handler.handler(
        {"action": "validate", "payment": {"idempotencyKey": "k", "currency": "XYZ"}}, FakeContext()
    )

    assert result == {
        "valid": False,
        "reasons": [
            "missing-field:accountId",
            "missing-field:amount",
            "missing-field:merchant",
            "missing-field:card",
            "unknown-currency",
            "invalid-amount",
        ],
    }
