"""Transform the records Firehose reads from the transaction stream before they reach S3.

Every record comes back with its ``recordId`` and one of the results Firehose
expects, so none is lost and the count always matches:

``Ok``
    a JSON object, with every PAN-like number masked (defence in depth: the
    processor never emits a PAN, but a partner-supplied free-text field might
    carry one), written as one JSON line.
``Dropped``
    a heartbeat or a JSON value that is not an event object; nothing to keep.
``ProcessingFailed``
    bytes that are not UTF-8 JSON. Firehose writes such records to the
    bucket's ``processing-failed/`` prefix; see docs/limitations.md.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Literal, TypedDict

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from app.common.pan import mask_value

logger = Logger(service="firehose-transformer")

Result = Literal["Ok", "Dropped", "ProcessingFailed"]
DROPPED_TYPES = frozenset({"Heartbeat", "Test"})


class FirehoseRecord(TypedDict):
    """One record of a Firehose transformation request."""

    recordId: str
    data: str


class FirehoseEvent(TypedDict):
    """The transformation request (fields the transformer reads)."""

    invocationId: str
    records: list[FirehoseRecord]


class TransformedRecord(TypedDict):
    """One record of the response."""

    recordId: str
    result: Result
    data: str


class FirehoseResponse(TypedDict):
    """The response Firehose expects: one entry per request record."""

    records: list[TransformedRecord]


def _encode(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def transform(record: FirehoseRecord) -> TransformedRecord:
    """The result for one record; never raises for bad data."""
    record_id = record["recordId"]
    try:
        text = base64.b64decode(record["data"], validate=True).decode("utf-8")
        value = json.loads(text)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return TransformedRecord(recordId=record_id, result="ProcessingFailed", data=record["data"])
    if not isinstance(value, dict) or value.get("type") in DROPPED_TYPES:
        return TransformedRecord(recordId=record_id, result="Dropped", data=record["data"])
    masked = json.dumps(mask_value(value), separators=(",", ":"), sort_keys=True)
    return TransformedRecord(recordId=record_id, result="Ok", data=_encode(masked + "\n"))


def transform_all(records: Sequence[FirehoseRecord]) -> FirehoseResponse:
    """Transform a whole batch, one response record per request record, in order."""
    return FirehoseResponse(records=[transform(record) for record in records])


@logger.inject_lambda_context(log_event=False)
def handler(event: FirehoseEvent, context: LambdaContext) -> FirehoseResponse:
    """Entry point for Firehose's Lambda processor."""
    logger.set_correlation_id(event.get("invocationId"))
    response = transform_all(event["records"])
    counts: dict[str, int] = {}
    for record in response["records"]:
        counts[record["result"]] = counts.get(record["result"], 0) + 1
    logger.info("batch transformed", extra={"records": len(event["records"]), "results": counts})
    return response
