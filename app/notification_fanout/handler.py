"""Fan a payment-decision notification out to the channels the customer chose.

The approval workflow publishes one message per decision to the regional
customer-notifications topic; SNS invokes this function asynchronously. For
each channel listed in the message (sms, email, push) it puts one
``Customer Notification Requested`` event on the regional bus, where the
channel delivery services pick them up. Messages carry the card's last four
digits only; any PAN-like number is masked again before it leaves.

A failed put raises, so Lambda retries the invocation and, after its retries,
sends it to the function's on-failure destination.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from app.common.clients import client
from app.common.pan import mask_value

logger = Logger(service="notification-fanout")

SOURCE = "bank.notifications"
DETAIL_TYPE = "Customer Notification Requested"
TEMPLATES: Mapping[str, str] = {
    "APPROVED": "payment-approved",
    "REJECTED": "payment-declined",
    "IN_REVIEW": "payment-in-review",
}
EVENTS_PER_CALL = 10


class FanoutError(Exception):
    """Some notification requests could not be put on the bus; the invocation is retried."""


class SnsMessage(TypedDict):
    """The part of an SNS record the function reads."""

    Message: str


class SnsRecord(TypedDict):
    """One SNS record."""

    Sns: SnsMessage


def requests_for(notification: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One notification request per channel of a decision notification."""
    status = str(notification.get("status", ""))
    template = TEMPLATES.get(status)
    if template is None:
        raise ValueError(f"notification status {status!r} has no template; expected {TEMPLATES}")
    parameters = {
        key: notification[key]
        for key in ("amount", "currency", "cardLast4", "merchantId")
        if key in notification
    }
    return [
        mask_value(
            {
                "transactionId": notification["transactionId"],
                "accountId": notification.get("accountId"),
                "channel": channel,
                "template": template,
                "parameters": parameters,
            }
        )
        for channel in sorted(set(notification.get("channels") or []))
    ]


def put_requests(requests: Sequence[dict[str, Any]], bus_name: str) -> None:
    """Put the requests on the bus in batches; raise if any entry failed."""
    failed = 0
    for start in range(0, len(requests), EVENTS_PER_CALL):
        result = client("events").put_events(
            Entries=[
                {
                    "Source": SOURCE,
                    "DetailType": DETAIL_TYPE,
                    "Detail": json.dumps(request),
                    "EventBusName": bus_name,
                }
                for request in requests[start : start + EVENTS_PER_CALL]
            ]
        )
        failed += int(result.get("FailedEntryCount", 0))
    if failed:
        raise FanoutError(f"{failed} of {len(requests)} notification requests were not accepted")


@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: Mapping[str, Sequence[SnsRecord]], context: LambdaContext) -> dict[str, int]:
    """Entry point for the SNS subscription."""
    requests: list[dict[str, Any]] = []
    for record in event["Records"]:
        notification = json.loads(record["Sns"]["Message"])
        logger.set_correlation_id(str(notification.get("transactionId", "")))
        requests += requests_for(notification)
    put_requests(requests, os.environ["EVENT_BUS_NAME"])
    logger.info("notification requests sent", extra={"requests": len(requests)})
    return {"requests": len(requests)}
