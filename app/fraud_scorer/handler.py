"""Score one payment for fraud risk: 0 (safe) to 100 (certain fraud), with the reasons.

The approval workflow calls this with ``{"transactionId": ..., "payment": ...}``
and routes on ``score``. ``SCORER_BACKEND`` chooses the backend:

``model`` (default)
    the logistic model shipped in :mod:`app.fraud`, loaded once per execution
    environment; works in any account, p99 well under a millisecond in process.
``frauddetector``
    Amazon Fraud Detector's ``GetEventPrediction`` on the detector the fraud
    component created; rule outcomes map to scores. The service closed to new
    customers on 2025-11-07, so only accounts that already use it can pick it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TypedDict

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from app.common.clients import client
from app.fraud.features import FEATURES, extract
from app.fraud.model import LogisticModel, Reason, Score

logger = Logger(service="fraud-scorer")

MODEL = LogisticModel.load()
OUTCOME_SCORES: Mapping[str, int] = {"approve": 5, "review": 55, "block": 95}
"""Score given for each Fraud Detector outcome; the workflow's thresholds then route it."""


class ScoreRequest(TypedDict):
    """What the workflow sends."""

    transactionId: str
    payment: dict[str, Any]


class ScorerError(Exception):
    """The request cannot be scored; the message says which field is wrong."""


@logger.inject_lambda_context(correlation_id_path="transactionId", log_event=False)
def handler(event: ScoreRequest, context: LambdaContext) -> Score:
    """Entry point: score the payment with the configured backend."""
    backend = os.environ.get("SCORER_BACKEND", "model")
    try:
        payment = event["payment"]
    except (KeyError, TypeError) as error:
        raise ScorerError("request has no 'payment' object; send the accepted payment") from error
    result = (
        score_with_fraud_detector(event) if backend == "frauddetector" else MODEL.score(payment)
    )
    logger.info(
        "payment scored",
        extra={"score": result["score"], "reasons": [r["feature"] for r in result["reasons"]]},
    )
    return result


def score_with_fraud_detector(event: ScoreRequest) -> Score:
    """Ask Fraud Detector for the outcomes of the detector's rules and map them to a score."""
    payment = event["payment"]
    x = extract(payment)
    variables = {
        "amount": f"{float(payment['amount']):.2f}",
        "currency": str(payment["currency"]),
        "merchant_category": str(payment["merchant"]["categoryCode"]),
        "foreign_merchant": "true" if x[FEATURES.index("foreign_merchant")] else "false",
        "card_not_present": "true" if x[FEATURES.index("card_not_present")] else "false",
    }
    response = client("frauddetector").get_event_prediction(
        detectorId=os.environ["FRAUD_DETECTOR_ID"],
        eventId=event["transactionId"],
        eventTypeName=os.environ["FRAUD_DETECTOR_EVENT_TYPE"],
        eventTimestamp=str(payment["submittedAt"]),
        entities=[
            {
                "entityType": os.environ["FRAUD_DETECTOR_ENTITY_TYPE"],
                "entityId": str(payment["accountId"]),
            }
        ],
        eventVariables=variables,
    )
    outcomes = [o for rule in response.get("ruleResults", []) for o in rule.get("outcomes", [])]
    score = max((OUTCOME_SCORES.get(o, 50) for o in outcomes), default=50)
    reasons: list[Reason] = [
        Reason(feature=f"rule:{rule['ruleId']}", value=1.0, contribution=0.0)
        for rule in response.get("ruleResults", [])
        if rule.get("outcomes")
    ]
    return Score(score=score, reasons=reasons, modelVersion="frauddetector")
