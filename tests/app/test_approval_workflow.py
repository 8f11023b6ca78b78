"""The approval state machine, run by moto's Step Functions interpreter with the real handlers.

moto interprets the ASL definition when ``stepfunctions.execute_state_machine``
is on. Its Lambda backend without Docker would answer every invoke with a
canned response, so :func:`_run_handlers_in_process` makes it call the
platform's own handlers in this process instead; SQS, DynamoDB, SNS and
EventBridge integrations run against moto's backends as they are.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.awslambda_simple.models import LambdaSimpleBackend

from app.fraud_scorer import handler as scorer
from app.transaction_processor import handler as processor
from infra.workflow_definition import (
    LEDGER_ENTRY_SORT_VALUE,
    ApprovalWorkflowInputs,
    approval_definition,
    to_json,
)
from tests.app.flow_fixtures import (
    BUS,
    REGION,
    TABLE,
    TABLE_KEY,
    TABLE_SORT_KEY,
    FakeContext,
    create_flow_resources,
    lambda_zip,
)

APPROVE_BELOW, REJECT_FROM = 30, 80
HANDLERS = {"processor": processor.handler, "scorer": scorer.handler}

BASE: dict[str, Any] = {
    "accountId": "acct-001",
    "amount": "25.00",
    "currency": "USD",
    "merchant": {"id": "m-1", "categoryCode": "5411", "country": "US"},
    "card": {"last4": "1111", "country": "US", "fingerprint": "f"},
    "channel": "pos",
    "submittedAt": "2025-03-01T14:00:00Z",
    "context": {"averageAmount": 30, "accountAgeDays": 2000, "transactionsLast24h": 1},
    "notify": {"channels": ["sms"]},
}
LOW_RISK = BASE
HIGH_RISK = {
    **BASE,
    "amount": "4800.00",
    "channel": "ecommerce",
    "submittedAt": "2025-03-01T03:00:00Z",
    "merchant": {"id": "m-2", "categoryCode": "7995", "country": "SG"},
    "context": {"averageAmount": 40, "accountAgeDays": 3, "transactionsLast24h": 12},
}
MIDDLE_BAND = {
    **BASE,
    "amount": "600.00",
    "channel": "ecommerce",
    "merchant": {"id": "m-3", "categoryCode": "5999", "country": "GB"},
    "context": {"averageAmount": 60, "accountAgeDays": 90, "transactionsLast24h": 3},
}


def _run_handlers_in_process(
    self: LambdaSimpleBackend, function_name: str, qualifier: Any, body: Any, *_: Any
) -> bytes:
    name = function_name.rsplit(":", 1)[-1]
    result = HANDLERS[name](json.loads(body), FakeContext(function_name=name))
    return json.dumps(result).encode()


@pytest.fixture
def workflow(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The state machine and everything it calls, in moto, with the real handlers."""
    monkeypatch.setattr(LambdaSimpleBackend, "invoke", _run_handlers_in_process)
    config = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
    with mock_aws(config=config):  # type: ignore[arg-type]
        resources = create_flow_resources()
        for key, value in resources.environment.items():
            monkeypatch.setenv(key, value)
        iam = boto3.client("iam", region_name=REGION)
        role = iam.create_role(RoleName="functions", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        lam = boto3.client("lambda", region_name=REGION)
        arns = {
            name: lam.create_function(
                FunctionName=name,
                Runtime="python3.13",
                Role=role,
                Handler="handler.handler",
                Code={"ZipFile": lambda_zip()},
            )["FunctionArn"]
            for name in HANDLERS
        }
        sns = boto3.client("sns", region_name=REGION)
        definition = approval_definition(
            ApprovalWorkflowInputs(
                processor_function_arn=arns["processor"],
                scorer_function_arn=arns["scorer"],
                review_queue_url=resources.review_queue_url,
                transactions_table=TABLE,
                transactions_table_key=TABLE_KEY,
                transactions_table_sort_key=TABLE_SORT_KEY,
                notifications_topic_arn=sns.create_topic(Name="notifications")["TopicArn"],
                alerts_topic_arn=sns.create_topic(Name="alerts")["TopicArn"],
                event_bus_name=BUS,
                approve_below=APPROVE_BELOW,
                reject_from=REJECT_FROM,
                scorer_timeout_seconds=2,
                review_timeout_seconds=600,
                review_heartbeat_seconds=60,
            )
        )
        machine = boto3.client("stepfunctions", region_name=REGION).create_state_machine(
            name="approval", definition=to_json(definition), roleArn=role
        )["stateMachineArn"]
        yield {"stateMachineArn": machine, "reviewQueueUrl": resources.review_queue_url}


def _key(key: str) -> dict[str, dict[str, str]]:
    return {TABLE_KEY: {"S": key}, TABLE_SORT_KEY: {"S": LEDGER_ENTRY_SORT_VALUE}}


def _start(workflow: dict[str, str], key: str, payment: dict[str, Any]) -> str:
    boto3.client("dynamodb", region_name=REGION).put_item(
        TableName=TABLE, Item={**_key(key), "status": {"S": "RECEIVED"}}
    )
    return boto3.client("stepfunctions", region_name=REGION).start_execution(
        stateMachineArn=workflow["stateMachineArn"],
        name=key,
        input=json.dumps({"transactionId": key, "payment": {**payment, "idempotencyKey": key}}),
    )["executionArn"]


def _wait(execution_arn: str, timeout_seconds: float = 20) -> dict[str, Any]:
    sfn = boto3.client("stepfunctions", region_name=REGION)
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.05)
    raise AssertionError(f"{execution_arn} still running after {timeout_seconds} s")


def _review_task(queue_url: str, timeout_seconds: float = 20) -> dict[str, Any]:
    sqs = boto3.client("sqs", region_name=REGION)
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=queue_url).get("Messages", [])
        if messages:
            return json.loads(messages[0]["Body"])
        time.sleep(0.05)
    raise AssertionError("no manual-review task arrived")


def _ledger_status(key: str) -> dict[str, str]:
    item = boto3.client("dynamodb", region_name=REGION).get_item(TableName=TABLE, Key=_key(key))[
        "Item"
    ]
    return {name: value["S"] for name, value in item.items() if "S" in value}


def test_a_low_risk_payment_is_approved_without_review(workflow: dict[str, str]):
    result = _wait(_start(workflow, "pay-low", LOW_RISK))

    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    assert output["risk"]["score"] < APPROVE_BELOW
    assert output["decision"] == {"status": "APPROVED", "reason": "low-risk"}
    assert _ledger_status("pay-low")["status"] == "APPROVED"


def test_a_high_risk_payment_is_rejected_with_the_scorers_reasons(workflow: dict[str, str]):
    result = _wait(_start(workflow, "pay-high", HIGH_RISK))

    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    assert output["risk"]["score"] >= REJECT_FROM
    assert output["risk"]["reasons"], "the decision carries its reasons"
    assert output["decision"] == {"status": "REJECTED", "reason": "high-risk"}
    assert _ledger_status("pay-high")["status"] == "REJECTED"


def test_the_middle_band_waits_for_a_reviewer_holding_the_task_token(workflow: dict[str, str]):
    execution = _start(workflow, "pay-mid", MIDDLE_BAND)

    task = _review_task(workflow["reviewQueueUrl"])
    assert task["transactionId"] == "pay-mid"
    assert APPROVE_BELOW <= task["risk"]["score"] < REJECT_FROM
    assert _ledger_status("pay-mid")["status"] == "RECEIVED", "no decision before the review"
    boto3.client("stepfunctions", region_name=REGION).send_task_success(
        taskToken=task["taskToken"], output=json.dumps({"decision": "APPROVED"})
    )
    result = _wait(execution)

    assert result["status"] == "SUCCEEDED", result
    assert json.loads(result["output"])["decision"] == {
        "status": "APPROVED",
        "reason": "manual-review",
    }
    assert _ledger_status("pay-mid")["status"] == "APPROVED"


def test_an_invalid_payment_is_declined_by_the_workflows_own_validation(
    workflow: dict[str, str],
):
    broken = {key: value for key, value in LOW_RISK.items() if key != "currency"}

    result = _wait(_start(workflow, "pay-bad", broken))

    assert json.loads(result["output"])["decision"] == {
        "status": "REJECTED",
        "reason": "validation-failed",
    }
