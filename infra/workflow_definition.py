"""The transaction-approval state machine as Amazon States Language. Pure: no resources.

:func:`approval_definition` builds the definition from plain names and ARNs;
the workflow component serialises it at plan time, and the tests run the same
document in moto's Step Functions interpreter. The path (REQUIREMENTS 3.18):

    validate -> score fraud -> route by risk
        low     -> approve
        middle  -> manual review (task token, timeout, heartbeat) -> approve | decline
        high    -> decline
    -> record the decision in the ledger (once) -> publish the decision event
    -> notify the customer

Every Task retries its transient errors with exponential backoff and jitter
and catches everything else: a failure anywhere before the decision goes to
the alerting path and ends the execution failed; after the decision,
publishing and notifying are best effort and never undo it. A scorer that
cannot answer sends the payment to a human, never to automatic approval.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

State = dict[str, Any]

LAMBDA_TRANSIENT_ERRORS = (
    "Lambda.AWSLambdaException",
    "Lambda.ServiceException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
)
DYNAMODB_TRANSIENT_ERRORS = (
    "DynamoDB.InternalServerErrorException",
    "DynamoDB.ProvisionedThroughputExceededException",
    "DynamoDB.RequestLimitExceeded",
    "DynamoDB.ThrottlingException",
)
SNS_TRANSIENT_ERRORS = (
    "SNS.InternalErrorException",
    "SNS.ThrottledException",
    "SNS.SdkClientException",
)
SQS_TRANSIENT_ERRORS = ("SQS.SdkClientException", "SQS.AmazonSQSException")
EVENTS_TRANSIENT_ERRORS = ("EventBridge.InternalException", "EventBridge.ThrottlingException")
TIMEOUT_ERRORS = ("States.Timeout", "States.HeartbeatTimeout")

DECISION_SOURCE = "bank.payments"
DECISION_DETAIL_TYPE = "Payment Decided"


LEDGER_ENTRY_SORT_VALUE = "PAYMENT"
"""Sort key value of a payment's ledger entry in the transactions table; the processor gets it
through its environment, so the two always agree."""


@dataclass(frozen=True)
class ApprovalWorkflowInputs:
    """What the definition refers to; plain strings, resolved before serialising."""

    processor_function_arn: str
    """Function that re-validates the payment (``{"action": "validate"}``)."""
    scorer_function_arn: str
    """Scorer to invoke: its ``live`` alias where one exists."""
    review_queue_url: str
    """FIFO queue reviewers read; each message carries the task token."""
    transactions_table: str
    transactions_table_key: str
    """Partition key attribute of the transactions table; holds the idempotency key."""
    transactions_table_sort_key: str
    """Sort key attribute; a payment's ledger entry has ``LEDGER_ENTRY_SORT_VALUE`` there."""
    notifications_topic_arn: str
    alerts_topic_arn: str
    event_bus_name: str
    approve_below: int
    reject_from: int
    scorer_timeout_seconds: int
    review_timeout_seconds: int
    review_heartbeat_seconds: int


def _retry(errors: Sequence[str], *, attempts: int = 3, interval: int = 1) -> list[State]:
    return [
        {
            "ErrorEquals": list(errors),
            "IntervalSeconds": interval,
            "BackoffRate": 2.0,
            "MaxAttempts": attempts,
            "MaxDelaySeconds": 20,
            "JitterStrategy": "FULL",
        }
    ]


def _catch(next_state: str, *, errors: Sequence[str] = ("States.ALL",)) -> State:
    return {"ErrorEquals": list(errors), "ResultPath": "$.error", "Next": next_state}


def _decision(status: str, reason: str) -> State:
    return {
        "Type": "Pass",
        "Result": {"status": status, "reason": reason},
        "ResultPath": "$.decision",
        "Next": "RecordDecision",
    }


def _lambda_task(
    function_arn: str, payload: Mapping[str, Any], selector: Mapping[str, str]
) -> State:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": function_arn, "Payload": dict(payload)},
        "ResultSelector": dict(selector),
    }


def _validation_states(inputs: ApprovalWorkflowInputs) -> dict[str, State]:
    return {
        "ValidatePayment": {
            **_lambda_task(
                inputs.processor_function_arn,
                {"action": "validate", "payment.$": "$.payment"},
                {"valid.$": "$.Payload.valid", "reasons.$": "$.Payload.reasons"},
            ),
            "ResultPath": "$.validation",
            "TimeoutSeconds": 10,
            "Retry": _retry(LAMBDA_TRANSIENT_ERRORS),
            "Catch": [_catch("HandleFailure")],
            "Next": "IsPaymentValid",
        },
        "IsPaymentValid": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.validation.valid", "BooleanEquals": False, "Next": "DeclineInvalid"}
            ],
            "Default": "ScoreFraud",
        },
        "DeclineInvalid": _decision("REJECTED", "validation-failed"),
    }


def _scoring_states(inputs: ApprovalWorkflowInputs) -> dict[str, State]:
    return {
        "ScoreFraud": {
            **_lambda_task(
                inputs.scorer_function_arn,
                {"transactionId.$": "$.transactionId", "payment.$": "$.payment"},
                {
                    "score.$": "$.Payload.score",
                    "reasons.$": "$.Payload.reasons",
                    "modelVersion.$": "$.Payload.modelVersion",
                },
            ),
            "ResultPath": "$.risk",
            "TimeoutSeconds": inputs.scorer_timeout_seconds,
            "Retry": _retry([*LAMBDA_TRANSIENT_ERRORS, "States.Timeout"], attempts=2),
            "Catch": [_catch("ScorerUnavailable")],
            "Next": "RouteByRisk",
        },
        "ScorerUnavailable": {
            "Type": "Pass",
            "Result": {"score": None, "reasons": [{"feature": "scorer-unavailable"}]},
            "ResultPath": "$.risk",
            "Next": "RequestManualReview",
        },
        "RouteByRisk": {
            "Type": "Choice",
            "Choices": [
                {
                    "Variable": "$.risk.score",
                    "NumericLessThan": inputs.approve_below,
                    "Next": "Approve",
                },
                {
                    "Variable": "$.risk.score",
                    "NumericGreaterThanEquals": inputs.reject_from,
                    "Next": "DeclineHighRisk",
                },
            ],
            "Default": "RequestManualReview",
        },
        "Approve": _decision("APPROVED", "low-risk"),
        "DeclineHighRisk": _decision("REJECTED", "high-risk"),
    }


def _review_states(inputs: ApprovalWorkflowInputs) -> dict[str, State]:
    return {
        "RequestManualReview": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {
                "QueueUrl": inputs.review_queue_url,
                "MessageGroupId.$": "$.payment.accountId",
                "MessageBody": {
                    "taskToken.$": "$$.Task.Token",
                    "transactionId.$": "$.transactionId",
                    "risk.$": "$.risk",
                    "amount.$": "$.payment.amount",
                    "currency.$": "$.payment.currency",
                    "merchant.$": "$.payment.merchant",
                    "cardLast4.$": "$.payment.card.last4",
                },
            },
            "ResultPath": "$.review",
            "TimeoutSeconds": inputs.review_timeout_seconds,
            "HeartbeatSeconds": inputs.review_heartbeat_seconds,
            "Retry": _retry(SQS_TRANSIENT_ERRORS),
            "Catch": [
                _catch("DeclineReviewTimedOut", errors=TIMEOUT_ERRORS),
                _catch("HandleFailure"),
            ],
            "Next": "ReviewOutcome",
        },
        "ReviewOutcome": {
            "Type": "Choice",
            "Choices": [
                {
                    "Variable": "$.review.decision",
                    "StringEquals": "APPROVED",
                    "Next": "ApproveAfterReview",
                }
            ],
            "Default": "DeclineAfterReview",
        },
        "ApproveAfterReview": _decision("APPROVED", "manual-review"),
        "DeclineAfterReview": _decision("REJECTED", "manual-review"),
        "DeclineReviewTimedOut": _decision("REJECTED", "review-timed-out"),
    }


def _outcome_states(inputs: ApprovalWorkflowInputs) -> dict[str, State]:
    return {
        # The processor created the entry; the decision is written once, conditionally, so a
        # retried or replayed execution cannot overwrite it.
        "RecordDecision": {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:updateItem",
            "Parameters": {
                "TableName": inputs.transactions_table,
                "Key": {
                    inputs.transactions_table_key: {"S.$": "$.transactionId"},
                    inputs.transactions_table_sort_key: {"S": LEDGER_ENTRY_SORT_VALUE},
                },
                "UpdateExpression": "SET #status = :status, decisionReason = :reason, "
                "decidedAt = :decidedAt",
                "ConditionExpression": "#status = :received",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {
                    ":status": {"S.$": "$.decision.status"},
                    ":reason": {"S.$": "$.decision.reason"},
                    ":decidedAt": {"S.$": "$$.State.EnteredTime"},
                    ":received": {"S": "RECEIVED"},
                },
            },
            "ResultPath": None,
            "Retry": _retry(DYNAMODB_TRANSIENT_ERRORS),
            "Catch": [
                {
                    "ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                    "ResultPath": "$.alreadyRecorded",
                    "Next": "PublishDecision",
                },
                _catch("HandleFailure"),
            ],
            "Next": "PublishDecision",
        },
        "PublishDecision": {
            "Type": "Task",
            "Resource": "arn:aws:states:::events:putEvents",
            "Parameters": {
                "Entries": [
                    {
                        "EventBusName": inputs.event_bus_name,
                        "Source": DECISION_SOURCE,
                        "DetailType": DECISION_DETAIL_TYPE,
                        "Detail": {
                            "transactionId.$": "$.transactionId",
                            "accountId.$": "$.payment.accountId",
                            "status.$": "$.decision.status",
                            "reason.$": "$.decision.reason",
                        },
                    }
                ]
            },
            "ResultPath": None,
            "Retry": _retry(EVENTS_TRANSIENT_ERRORS),
            "Catch": [_catch("WantsNotification")],
            "Next": "WantsNotification",
        },
        "WantsNotification": {
            "Type": "Choice",
            "Choices": [
                {
                    "And": [
                        {"Variable": "$.payment.notify.channels[0]", "IsPresent": True},
                        {"Variable": "$.payment.card.last4", "IsPresent": True},
                    ],
                    "Next": "NotifyCustomer",
                }
            ],
            "Default": "Done",
        },
        "NotifyCustomer": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish",
            "Parameters": {
                "TopicArn": inputs.notifications_topic_arn,
                "Message": {
                    "transactionId.$": "$.transactionId",
                    "accountId.$": "$.payment.accountId",
                    "status.$": "$.decision.status",
                    "amount.$": "$.payment.amount",
                    "currency.$": "$.payment.currency",
                    "cardLast4.$": "$.payment.card.last4",
                    "merchantId.$": "$.payment.merchant.id",
                    "channels.$": "$.payment.notify.channels",
                },
            },
            "ResultPath": None,
            "Retry": _retry(SNS_TRANSIENT_ERRORS),
            "Catch": [_catch("Done")],
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    }


def _failure_states(inputs: ApprovalWorkflowInputs) -> dict[str, State]:
    return {
        "HandleFailure": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish",
            "Parameters": {
                "TopicArn": inputs.alerts_topic_arn,
                "Subject": "Payment approval failed",
                "Message.$": "States.Format('Payment {} stopped in the approval workflow: {}', "
                "$.transactionId, $.error.Error)",
            },
            "ResultPath": None,
            "Retry": _retry(SNS_TRANSIENT_ERRORS),
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": None, "Next": "PaymentFailed"}],
            "Next": "PaymentFailed",
        },
        "PaymentFailed": {
            "Type": "Fail",
            "Error": "PaymentApprovalFailed",
            "Cause": "A step failed after its retries; the alerts topic has the details",
        },
    }


def approval_definition(inputs: ApprovalWorkflowInputs) -> dict[str, Any]:
    """The state machine definition as a dictionary."""
    if not 0 < inputs.approve_below < inputs.reject_from <= 100:
        raise ValueError(
            f"risk thresholds must satisfy 0 < approve_below < reject_from <= 100, got "
            f"{inputs.approve_below} and {inputs.reject_from}"
        )
    if inputs.review_heartbeat_seconds >= inputs.review_timeout_seconds:
        raise ValueError(
            f"review heartbeat ({inputs.review_heartbeat_seconds} s) must be shorter than the "
            f"review timeout ({inputs.review_timeout_seconds} s)"
        )
    states: dict[str, State] = {
        **_validation_states(inputs),
        **_scoring_states(inputs),
        **_review_states(inputs),
        **_outcome_states(inputs),
        **_failure_states(inputs),
    }
    return {
        "Comment": "Transaction approval: validate, score, route by risk, decide, record, notify",
        "StartAt": "ValidatePayment",
        "States": states,
    }


def to_json(definition: Mapping[str, Any]) -> str:
    """Serialise with sorted keys, so an unchanged definition plans no update."""
    return json.dumps(definition, sort_keys=True, separators=(",", ":"))


def task_states(definition: Mapping[str, Any]) -> dict[str, State]:
    """The Task states of a definition, by name."""
    return {name: s for name, s in definition["States"].items() if s["Type"] == "Task"}
