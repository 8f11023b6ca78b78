"""The notification fan-out: one request per channel on the bus, nothing readable of a card."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from app.notification_fanout import handler
from tests.app.flow_fixtures import BUS, REGION, FakeContext


def _sns_event(notification: dict[str, object]) -> dict[str, list[handler.SnsRecord]]:
    message = handler.SnsMessage(Message=json.dumps(notification))
    return {"Records": [handler.SnsRecord(Sns=message)]}


def test_one_request_per_chosen_channel_with_the_decision_template():
    requests = handler.requests_for(
        {
            "transactionId": "pay-1",
            "accountId": "acct-1",
            "status": "REJECTED",
            "amount": "12.00",
            "currency": "EUR",
            "cardLast4": "1111",
            "channels": ["sms", "email", "sms"],
        }
    )

    assert [(r["channel"], r["template"]) for r in requests] == [
        ("email", "payment-declined"),
        ("sms", "payment-declined"),
    ]


def test_a_pan_smuggled_into_a_notification_is_masked():
    requests = handler.requests_for(
        {
            "transactionId": "pay-1",
            "status": "APPROVED",
            "merchantId": "4111 1111 1111 1111",
            "channels": ["push"],
        }
    )

    assert "4111 1111 1111 1111" not in json.dumps(requests)


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="no template"):
        handler.requests_for({"transactionId": "pay-1", "status": "MAYBE", "channels": ["sms"]})


def test_the_handler_puts_the_requests_on_the_regional_bus(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("EVENT_BUS_NAME", BUS)
    with mock_aws():
        boto3.client("events", region_name=REGION).create_event_bus(Name=BUS)
        result = handler.handler(
            _sns_event(
                {"transactionId": "pay-1", "status": "APPROVED", "channels": ["sms", "email"]}
            ),
            FakeContext(),
        )

    assert result == {"requests": 2}
