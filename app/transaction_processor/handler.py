"""Consume payments from the FIFO transaction queue; record each exactly once; start approval.

For every SQS record the processor

1. validates the payment (:mod:`.validation`); a malformed one goes to the
   queue's dead-letter queue with its rejection reason (PANs masked) and is
   acknowledged, so it never blocks its message group;
2. claims the idempotency key with a conditional write to the transactions
   table: the first delivery creates the ledger entry, every later delivery
   of the same payment finds it and stops, so one payment gives one entry;
3. starts the approval workflow with the key as execution name (Step
   Functions refuses a second execution of that name), then emits the
   ``Payment Received`` event to Kinesis and EventBridge;
4. marks the entry dispatched. A delivery that crashed between 2 and 4 leaves
   the entry claimed; once its lease expires, the redelivery resumes at 3.

Failures are reported per record (``ReportBatchItemFailures``); after one
failure every later record of the same message group is reported too, so FIFO
order holds. The workflow's validation step calls the same function with
``{"action": "validate", "payment": ...}``.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypedDict

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from app.common.clients import client
from app.common.pan import mask_text
from app.transaction_processor.validation import (
    AcceptedPayment,
    PaymentRejectedError,
    Rejection,
    accept,
    recheck,
)

logger = Logger(service="transaction-processor")

LEASE_SECONDS = 60
"""How long a claim protects a delivery in flight; longer than the function timeout."""
SECRET_CACHE_SECONDS = 300
EVENT_SOURCE = "bank.payments"
RECEIVED_DETAIL_TYPE = "Payment Received"
EVENTS_PER_CALL = 10

Claim = Literal["new", "resume", "duplicate", "conflict"]


class SqsRecord(TypedDict):
    """The fields of an SQS record the processor reads."""

    messageId: str
    body: str
    attributes: dict[str, str]


class BatchResponse(TypedDict):
    """Partial batch response: the records SQS must deliver again."""

    batchItemFailures: list[dict[str, str]]


class ValidationResult(TypedDict):
    """Answer to the workflow's validation step."""

    valid: bool
    reasons: list[str]


@dataclass(frozen=True)
class Settings:
    """Names and ARNs from the environment; no secret is ever in it."""

    table: str
    table_key: str
    """Partition key attribute: holds the idempotency key."""
    table_sort_key: str
    """Sort key attribute: holds ``ledger_sort_value`` on a payment's ledger entry."""
    ledger_sort_value: str
    state_machine_arn: str
    stream_name: str
    bus_name: str
    dead_letter_queue_url: str
    fingerprint_secret_id: str

    @classmethod
    def from_env(cls) -> Settings:
        """Read the function's environment."""
        env = os.environ
        return cls(
            table=env["TRANSACTIONS_TABLE"],
            table_key=env["TRANSACTIONS_TABLE_KEY"],
            table_sort_key=env["TRANSACTIONS_TABLE_SORT_KEY"],
            ledger_sort_value=env["LEDGER_ENTRY_SORT_VALUE"],
            state_machine_arn=env["STATE_MACHINE_ARN"],
            stream_name=env["EVENT_STREAM_NAME"],
            bus_name=env["EVENT_BUS_NAME"],
            dead_letter_queue_url=env["DEAD_LETTER_QUEUE_URL"],
            fingerprint_secret_id=env["PAN_FINGERPRINT_SECRET_ID"],
        )


_secret_cache: dict[str, tuple[float, bytes]] = {}


def fingerprint_key(secret_id: str) -> bytes:
    """The HMAC key for card fingerprints, read from Secrets Manager and cached briefly."""
    cached = _secret_cache.get(secret_id)
    if cached is not None and time.monotonic() - cached[0] < SECRET_CACHE_SECONDS:
        return cached[1]
    raw = client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    key = str(json.loads(raw)["value"]).encode()
    _secret_cache[secret_id] = (time.monotonic(), key)
    return key


@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: Mapping[str, Any], context: LambdaContext) -> BatchResponse | ValidationResult:
    """Entry point for the SQS event source and for the workflow's validation step."""
    if event.get("action") == "validate":
        return validate_step(event.get("payment") or {})
    return process_batch(event["Records"], Settings.from_env())


def validate_step(payment: Mapping[str, Any]) -> ValidationResult:
    """Re-check an accepted payment for the workflow."""
    logger.set_correlation_id(str(payment.get("idempotencyKey", "")))
    problems = recheck(payment)
    logger.info("payment re-checked", extra={"valid": not problems, "reasons": problems})
    return ValidationResult(valid=not problems, reasons=problems)


def process_batch(records: Sequence[SqsRecord], settings: Settings) -> BatchResponse:
    """Process one SQS batch; returns the records to deliver again."""
    failed: list[str] = []
    failed_groups: set[str] = set()
    ready: list[tuple[SqsRecord, AcceptedPayment]] = []
    key = fingerprint_key(settings.fingerprint_secret_id)
    for record in records:
        group = record.get("attributes", {}).get("MessageGroupId", "")
        if group in failed_groups:
            failed.append(record["messageId"])
            continue
        try:
            payment = accept(record["body"], key)
            logger.set_correlation_id(payment["idempotencyKey"])
            claim = claim_payment(payment, settings)
            if claim == "conflict":
                reject(
                    record,
                    Rejection("idempotency-conflict", "key reused for another payment"),
                    settings,
                )
            elif claim == "duplicate":
                logger.info("duplicate delivery; the payment is already recorded")
            else:
                ready.append((record, payment))
        except PaymentRejectedError as rejected:
            logger.set_correlation_id(None)
            reject(record, rejected.rejection, settings)
        except ClientError:
            logger.exception("could not record the payment; SQS will deliver it again")
            failed.append(record["messageId"])
            failed_groups.add(group)
    failed += dispatch(ready, settings)
    logger.set_correlation_id(None)
    logger.info("batch processed", extra={"records": len(records), "failed": len(failed)})
    return BatchResponse(batchItemFailures=[{"itemIdentifier": m} for m in failed])


def _payload_hash(payment: AcceptedPayment) -> str:
    return hashlib.sha256(json.dumps(payment, sort_keys=True).encode()).hexdigest()


def ledger_key(idempotency_key: str, settings: Settings) -> dict[str, dict[str, str]]:
    """Primary key of a payment's ledger entry in the transactions table."""
    return {
        settings.table_key: {"S": idempotency_key},
        settings.table_sort_key: {"S": settings.ledger_sort_value},
    }


def claim_payment(payment: AcceptedPayment, settings: Settings) -> Claim:
    """Create the ledger entry once; say what a later delivery of the same key should do."""
    ddb = client("dynamodb")
    now = int(time.time())
    key = ledger_key(payment["idempotencyKey"], settings)
    item = {
        **key,
        "idempotencyKey": {"S": payment["idempotencyKey"]},
        "createdAt": {"S": datetime.fromtimestamp(now, UTC).isoformat()},
        "status": {"S": "RECEIVED"},
        "stage": {"S": "CLAIMED"},
        "claimedAt": {"N": str(now)},
        "accountId": {"S": payment["accountId"]},
        "amount": {"S": payment["amount"]},
        "currency": {"S": payment["currency"]},
        "merchantId": {"S": payment["merchant"]["id"]},
        "cardLast4": {"S": payment["card"]["last4"]},
        "cardFingerprint": {"S": payment["card"]["fingerprint"]},
        "submittedAt": {"S": payment["submittedAt"]},
        "payloadHash": {"S": _payload_hash(payment)},
    }
    try:
        ddb.put_item(
            TableName=settings.table,
            Item=item,
            ConditionExpression="attribute_not_exists(#key)",
            ExpressionAttributeNames={"#key": settings.table_key},
        )
        return "new"
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
    existing = ddb.get_item(TableName=settings.table, Key=key, ConsistentRead=True)["Item"]
    if existing["payloadHash"]["S"] != item["payloadHash"]["S"]:
        return "conflict"
    held_since = int(existing["claimedAt"]["N"])
    if existing["stage"]["S"] != "CLAIMED" or now - held_since < LEASE_SECONDS:
        return "duplicate"
    try:  # the first delivery stopped before dispatching: take over its expired lease
        ddb.update_item(
            TableName=settings.table,
            Key=key,
            UpdateExpression="SET claimedAt = :now",
            ConditionExpression="stage = :claimed AND claimedAt = :held",
            ExpressionAttributeValues={
                ":now": {"N": str(now)},
                ":claimed": {"S": "CLAIMED"},
                ":held": {"N": str(held_since)},
            },
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return "duplicate"
    logger.warning("resuming a payment whose first delivery did not finish")
    return "resume"


def reject(record: SqsRecord, rejection: Rejection, settings: Settings) -> None:
    """Send a refused payment to the dead-letter queue with its reason; PANs masked.

    Messages SQS itself moves there after ``maxReceiveCount`` keep their original body;
    see docs/limitations.md.
    """
    logger.warning(
        "payment rejected",
        extra={"reason": rejection.reason, "detail": mask_text(rejection.detail)},
    )
    client("sqs").send_message(
        QueueUrl=settings.dead_letter_queue_url,
        MessageBody=mask_text(record["body"]),
        MessageGroupId=record.get("attributes", {}).get("MessageGroupId") or "rejected",
        MessageDeduplicationId=record["messageId"],
        MessageAttributes={
            "RejectionReason": {"DataType": "String", "StringValue": rejection.reason},
            "RejectionDetail": {"DataType": "String", "StringValue": mask_text(rejection.detail)},
        },
    )


def received_event(payment: AcceptedPayment) -> dict[str, Any]:
    """The ``Payment Received`` event: what analytics and other services may see."""
    return {
        "type": RECEIVED_DETAIL_TYPE,
        "transactionId": payment["idempotencyKey"],
        "accountId": payment["accountId"],
        "amount": payment["amount"],
        "currency": payment["currency"],
        "merchant": payment["merchant"],
        "cardLast4": payment["card"]["last4"],
        "channel": payment["channel"],
        "submittedAt": payment["submittedAt"],
        "receivedAt": datetime.now(UTC).isoformat(),
    }


def _start_workflow(payment: AcceptedPayment, settings: Settings) -> None:
    try:
        client("stepfunctions").start_execution(
            stateMachineArn=settings.state_machine_arn,
            name=payment["idempotencyKey"],
            input=json.dumps({"transactionId": payment["idempotencyKey"], "payment": payment}),
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
            raise
        logger.info("approval workflow already started for this payment")


def dispatch(ready: Sequence[tuple[SqsRecord, AcceptedPayment]], settings: Settings) -> list[str]:
    """Start each workflow, emit the events, mark the entries; returns failed message ids."""
    failed: set[str] = set()
    started: list[tuple[SqsRecord, AcceptedPayment]] = []
    for record, payment in ready:
        try:
            _start_workflow(payment, settings)
            started.append((record, payment))
        except ClientError:
            logger.exception("could not start the approval workflow")
            failed.add(record["messageId"])
    events = [received_event(payment) for _, payment in started]
    failed |= _emit(started, events, settings)
    for record, payment in started:
        if record["messageId"] in failed:
            continue
        try:
            client("dynamodb").update_item(
                TableName=settings.table,
                Key=ledger_key(payment["idempotencyKey"], settings),
                UpdateExpression="SET stage = :dispatched",
                ExpressionAttributeValues={":dispatched": {"S": "DISPATCHED"}},
            )
        except ClientError:
            logger.exception("could not mark the payment dispatched")
            failed.add(record["messageId"])
    return [record["messageId"] for record, _ in ready if record["messageId"] in failed]


def _emit(
    started: Sequence[tuple[SqsRecord, AcceptedPayment]],
    events: Sequence[dict[str, Any]],
    settings: Settings,
) -> set[str]:
    if not events:
        return set()
    failed: set[str] = set()
    ids = [record["messageId"] for record, _ in started]
    try:
        result = client("kinesis").put_records(
            StreamName=settings.stream_name,
            Records=[
                {"Data": json.dumps(event).encode(), "PartitionKey": event["accountId"]}
                for event in events
            ],
        )
        failed |= {ids[i] for i, r in enumerate(result["Records"]) if r.get("ErrorCode")}
    except ClientError:
        logger.exception("could not write to the transaction stream")
        return set(ids)
    for start in range(0, len(events), EVENTS_PER_CALL):
        chunk = events[start : start + EVENTS_PER_CALL]
        try:
            result = client("events").put_events(
                Entries=[
                    {
                        "Source": EVENT_SOURCE,
                        "DetailType": RECEIVED_DETAIL_TYPE,
                        "Detail": json.dumps(event),
                        "EventBusName": settings.bus_name,
                    }
                    for event in chunk
                ]
            )
            failed |= {
                ids[start + i] for i, r in enumerate(result["Entries"]) if r.get("ErrorCode")
            }
        except ClientError:
            logger.exception("could not put the events on the bus")
            failed |= set(ids[start : start + EVENTS_PER_CALL])
    return failed
