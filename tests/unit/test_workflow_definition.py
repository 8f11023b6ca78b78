"""The approval definition as data: retries, catches, task-token waits, thresholds."""

from __future__ import annotations

import pytest

from infra.workflow_definition import (
    ApprovalWorkflowInputs,
    approval_definition,
    task_states,
    to_json,
)

INPUTS = ApprovalWorkflowInputs(
    processor_function_arn="arn:aws:lambda:us-east-1:123456789012:function:p",
    scorer_function_arn="arn:aws:lambda:us-east-1:123456789012:function:s:live",
    review_queue_url="https://sqs.us-east-1.amazonaws.com/123456789012/r.fifo",
    transactions_table="t",
    transactions_table_key="pk",
    transactions_table_sort_key="sk",
    notifications_topic_arn="arn:aws:sns:us-east-1:123456789012:n",
    alerts_topic_arn="arn:aws:sns:us-east-1:123456789012:a",
    event_bus_name="b",
    approve_below=30,
    reject_from=80,
    scorer_timeout_seconds=2,
    review_timeout_seconds=14400,
    review_heartbeat_seconds=900,
)
DEFINITION = approval_definition(INPUTS)


@pytest.mark.parametrize("name", sorted(task_states(DEFINITION)))
def test_every_task_retries_with_backoff_and_catches_everything(name: str):
    state = task_states(DEFINITION)[name]

    assert state["Retry"], f"{name} has no Retry"
    assert all(r["BackoffRate"] > 1 and r["MaxAttempts"] >= 1 for r in state["Retry"]), name
    assert state["Catch"][-1]["ErrorEquals"] == ["States.ALL"], f"{name} has no catch-all"
    assert all(c["Next"] in DEFINITION["States"] for c in state["Catch"]), name


def test_manual_review_waits_on_a_task_token_with_a_timeout_and_heartbeat():
    review = DEFINITION["States"]["RequestManualReview"]

    assert review["Resource"].endswith(".waitForTaskToken")
    assert review["Parameters"]["MessageBody"]["taskToken.$"] == "$$.Task.Token"
    assert review["TimeoutSeconds"] == 14400 and review["HeartbeatSeconds"] == 900
    assert review["Catch"][0] == {
        "ErrorEquals": ["States.Timeout", "States.HeartbeatTimeout"],
        "ResultPath": "$.error",
        "Next": "DeclineReviewTimedOut",
    }


def test_routing_uses_the_configured_thresholds():
    choices = DEFINITION["States"]["RouteByRisk"]["Choices"]

    assert [
        (c.get("NumericLessThan"), c.get("NumericGreaterThanEquals"), c["Next"]) for c in choices
    ] == [
        (30, None, "Approve"),
        (None, 80, "DeclineHighRisk"),
    ]
    assert DEFINITION["States"]["RouteByRisk"]["Default"] == "RequestManualReview"


def test_a_scorer_failure_goes_to_a_human_never_to_approval():
    assert DEFINITION["States"]["ScoreFraud"]["Catch"][-1]["Next"] == "ScorerUnavailable"
    assert DEFINITION["States"]["ScorerUnavailable"]["Next"] == "RequestManualReview"


def test_every_transition_names_a_state_that_exists():
    states = DEFINITION["States"]
    targets = {s["Next"] for s in states.values() if "Next" in s}
    targets |= {c["Next"] for s in states.values() for c in s.get("Choices", [])}
    targets |= {s["Default"] for s in states.values() if "Default" in s}
    assert targets <= set(states)
    assert DEFINITION["StartAt"] in states


def test_serialisation_is_stable():
    assert to_json(approval_definition(INPUTS)) == to_json(DEFINITION)


def test_inverted_thresholds_are_refused():
    with pytest.raises(ValueError, match="approve_below < reject_from"):
        approval_definition(ApprovalWorkflowInputs(**{**INPUTS.__dict__, "approve_below": 90}))
