"""The fraud scorer: deterministic scores with named reasons, and the optional backend."""

from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from app.fraud import train
from app.fraud.features import FEATURES
from app.fraud.model import MODEL_FILE, LogisticModel
from app.fraud_scorer import handler
from tests.app.flow_fixtures import FakeContext

ORDINARY: dict[str, Any] = {
    "idempotencyKey": "pay-000001",
    "accountId": "acct-001",
    "amount": "25.00",
    "currency": "USD",
    "merchant": {"id": "m-1", "categoryCode": "5411", "country": "US"},
    "card": {"last4": "1111", "country": "US", "fingerprint": "f"},
    "channel": "pos",
    "submittedAt": "2025-03-01T14:00:00Z",
    "context": {"averageAmount": 30, "accountAgeDays": 2000, "transactionsLast24h": 1},
}
SUSPICIOUS: dict[str, Any] = {
    **ORDINARY,
    "amount": "4800.00",
    "channel": "ecommerce",
    "submittedAt": "2025-03-01T03:00:00Z",
    "merchant": {"id": "m-2", "categoryCode": "7995", "country": "SG"},
    "context": {"averageAmount": 40, "accountAgeDays": 3, "transactionsLast24h": 12},
}


def _score(payment: dict[str, Any]) -> dict[str, Any]:
    return dict(handler.handler({"transactionId": "t-1", "payment": payment}, FakeContext()))


def test_the_same_payment_always_gets_the_same_score_and_reasons():
    first = [_score(copy.deepcopy(SUSPICIOUS)) for _ in range(50)]

    assert all(result == first[0] for result in first)
    assert first[0] == LogisticModel.load().score(SUSPICIOUS), "a fresh model load agrees"


def test_scores_lie_between_0_and_100_and_rank_risk():
    ordinary, suspicious = _score(ORDINARY), _score(SUSPICIOUS)

    assert 0 <= ordinary["score"] < 30
    assert 80 <= suspicious["score"] <= 100
    assert ordinary["reasons"] == [], "nothing pushed an ordinary payment up"


def test_reasons_name_the_features_that_drove_the_score():
    result = _score(SUSPICIOUS)
    named = [reason["feature"] for reason in result["reasons"]]

    assert named and set(named) <= set(FEATURES)
    assert named[0] == "amount_vs_average", "the spike against the usual amount leads"
    contributions = [reason["contribution"] for reason in result["reasons"]]
    assert contributions == sorted(contributions, reverse=True)


def test_raising_one_feature_makes_it_a_reason():
    night_abroad = {
        **ORDINARY,
        "merchant": {"id": "m", "categoryCode": "6051", "country": "GB"},
    }

    named = [reason["feature"] for reason in _score(night_abroad)["reasons"]]

    assert "high_risk_merchant" in named
    assert "foreign_merchant" in named


def test_the_shipped_parameters_are_what_the_training_script_produces():
    retrained = train.render(train.train(*train.generate()))

    assert MODEL_FILE.read_text() == retrained, "run python -m app.fraud.train and commit"


def test_the_model_refuses_parameters_trained_on_other_features():
    raw = LogisticModel.load().__dict__ | {"features": ["only_one"]}

    with pytest.raises(ValueError, match="retrain"):
        LogisticModel.from_dict(raw)


def test_the_fraud_detector_backend_maps_rule_outcomes_to_a_score(
    monkeypatch: pytest.MonkeyPatch,
):
    # moto has no Fraud Detector, so this test stubs the one call the backend makes.
    monkeypatch.setenv("SCORER_BACKEND", "frauddetector")
    monkeypatch.setenv("FRAUD_DETECTOR_ID", "bank_test_use1_payments")
    monkeypatch.setenv("FRAUD_DETECTOR_EVENT_TYPE", "bank_test_use1_payment")
    monkeypatch.setenv("FRAUD_DETECTOR_ENTITY_TYPE", "bank_test_use1_customer")
    fraud_detector = boto3.client("frauddetector", region_name="us-east-1")
    monkeypatch.setattr(handler, "client", lambda service: fraud_detector)
    stub = Stubber(fraud_detector)
    stub.add_response(
        "get_event_prediction",
        {"ruleResults": [{"ruleId": "review_unusual", "outcomes": ["review"]}]},
        {
            "detectorId": "bank_test_use1_payments",
            "eventId": "t-1",
            "eventTypeName": "bank_test_use1_payment",
            "eventTimestamp": SUSPICIOUS["submittedAt"],
            "entities": [{"entityType": "bank_test_use1_customer", "entityId": "acct-001"}],
            "eventVariables": {
                "amount": "4800.00",
                "currency": "USD",
                "merchant_category": "7995",
                "foreign_merchant": "true",
                "card_not_present": "true",
            },
        },
    )

    with stub:
        result = _score(SUSPICIOUS)

    stub.assert_no_pending_responses()
    assert result["score"] == handler.OUTCOME_SCORES["review"]
    assert [reason["feature"] for reason in result["reasons"]] == ["rule:review_unusual"]
