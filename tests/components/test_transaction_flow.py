"""Transaction flow in the prod plan: what every region builds (REQUIREMENTS 3.17-3.23, 3.26)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from infra.workflow_definition import task_states
from tests.support import Plan, policy_document

PROD_REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-1")
PRIMARY = PROD_REGIONS[0]
QUEUE = "aws:sqs/queue:Queue"
FUNCTION = "aws:lambda/function:Function"
FUNCTIONS = ("transaction-processor", "fraud-scorer", "firehose-transformer", "notification-fanout")


def _named(plan: Plan, type_token: str, region: str, suffix: str) -> dict[str, Any]:
    found = [r for r in plan.of_type(type_token, region) if r["inputs"]["name"].endswith(suffix)]
    assert len(found) == 1, f"expected one {type_token} named *{suffix} in {region}: {found}"
    return found[0]


def _policy_of(plan: Plan, role: dict[str, Any]) -> dict[str, Any]:
    policies = [
        p for p in plan.of_type("aws:iam/rolePolicy:RolePolicy") if plan.depends(p, "role", role)
    ]
    assert len(policies) == 1, f"{role['urn']} has {len(policies)} inline policies"
    return policy_document(policies[0])


def _function_role(plan: Plan, function: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in plan.of_type("aws:iam/role:Role") if plan.depends(function, "role", r))


@pytest.mark.parametrize("region", PROD_REGIONS)
@pytest.mark.parametrize("role", ["transactions", "manual-review"])
def test_fifo_queues_deduplicate_by_content_and_redrive_to_a_fifo_dead_letter_queue(
    prod_plan: Plan, region: str, role: str
):
    queue = _named(prod_plan, QUEUE, region, f"-{role}.fifo")
    dead_letter = _named(prod_plan, QUEUE, region, f"-{role}-dlq.fifo")
    key = prod_plan.document["outputs"]["keyArns"]["messaging"][region]

    assert queue["inputs"]["fifoQueue"] and queue["inputs"]["contentBasedDeduplication"]
    assert dead_letter["inputs"]["fifoQueue"]
    assert json.loads(queue["inputs"]["redrivePolicy"])["deadLetterTargetArn"] == (
        f"arn:aws:sqs:{region}:123456789012:{dead_letter['inputs']['name']}"
    )
    assert queue["inputs"]["kmsMasterKeyId"] == dead_letter["inputs"]["kmsMasterKeyId"] == key
    allow = next(
        r
        for r in prod_plan.of_type("aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", region)
        if prod_plan.depends(r, "queueUrl", dead_letter)
    )
    assert json.loads(allow["inputs"]["redriveAllowPolicy"])["redrivePermission"] == "byQueue"


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_the_transaction_stream_is_encrypted_with_the_messaging_key(prod_plan: Plan, region: str):
    stream = prod_plan.one("aws:kinesis/stream:Stream", region)

    assert stream["inputs"]["encryptionType"] == "KMS"
    assert (
        stream["inputs"]["kmsKeyId"]
        == (prod_plan.document["outputs"]["keyArns"]["messaging"][region])
    )
    assert stream["inputs"]["streamModeDetails"]["streamMode"] == "ON_DEMAND"


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_firehose_reads_the_stream_transforms_with_the_lambda_and_writes_gzip_under_kms(
    prod_plan: Plan, region: str
):
    delivery = prod_plan.one("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", region)
    stream = prod_plan.one("aws:kinesis/stream:Stream", region)
    transformer = _named(prod_plan, FUNCTION, region, "-firehose-transformer")
    s3 = delivery["inputs"]["extendedS3Configuration"]
    processor = s3["processingConfiguration"]["processors"][0]
    lambda_arn = next(p for p in processor["parameters"] if p["parameterName"] == "LambdaArn")

    assert prod_plan.depends(delivery, "kinesisSourceConfiguration", stream)
    assert processor["type"] == "Lambda"
    assert lambda_arn["parameterValue"].endswith(transformer["inputs"]["name"])
    assert s3["compressionFormat"] == "GZIP"
    assert s3["kmsKeyArn"] == prod_plan.document["outputs"]["keyArns"]["data"][region]
    assert s3["bucketArn"].startswith("arn:aws:s3:::bank-prod-")


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_every_bus_has_an_encrypted_archive(prod_plan: Plan, region: str):
    bus = prod_plan.one("aws:cloudwatch/eventBus:EventBus", region)
    archive = prod_plan.one("aws:cloudwatch/eventArchive:EventArchive", region)

    assert prod_plan.depends(archive, "eventSourceArn", bus)
    assert archive["inputs"]["retentionDays"] == 365
    assert archive["inputs"]["kmsKeyIdentifier"] == bus["inputs"]["kmsKeyIdentifier"]


@pytest.mark.parametrize("region", PROD_REGIONS[1:])
def test_replica_buses_forward_to_the_primary_bus_with_a_role_scoped_to_it(
    prod_plan: Plan, region: str
):
    primary_bus = prod_plan.one("aws:cloudwatch/eventBus:EventBus", PRIMARY)
    target = next(
        t
        for t in prod_plan.of_type("aws:cloudwatch/eventTarget:EventTarget", region)
        if t["inputs"].get("roleArn")
    )
    role = next(
        r for r in prod_plan.of_type("aws:iam/role:Role") if prod_plan.depends(target, "roleArn", r)
    )

    assert prod_plan.depends(target, "arn", primary_bus)
    assert _policy_of(prod_plan, role)["Statement"] == [
        {
            "Sid": "PutOnPrimaryBus",
            "Effect": "Allow",
            "Action": ["events:PutEvents"],
            "Resource": [
                f"arn:aws:events:{PRIMARY}:123456789012:event-bus/{primary_bus['inputs']['name']}"
            ],
        }
    ]
    trust = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "events.amazonaws.com"}


def test_the_primary_bus_forwards_nowhere(prod_plan: Plan):
    targets = prod_plan.of_type("aws:cloudwatch/eventTarget:EventTarget", PRIMARY)
    assert not [t for t in targets if t["inputs"].get("roleArn")]


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_alert_and_notification_topics_are_encrypted_and_the_fanout_subscribes(
    prod_plan: Plan, region: str
):
    key = prod_plan.document["outputs"]["keyArns"]["messaging"][region]
    alerts = _named(prod_plan, "aws:sns/topic:Topic", region, "-alerts")
    notifications = _named(prod_plan, "aws:sns/topic:Topic", region, "-customer-notifications")
    fanout = _named(prod_plan, FUNCTION, region, "-notification-fanout")
    subscription = next(
        s
        for s in prod_plan.of_type("aws:sns/topicSubscription:TopicSubscription", region)
        if prod_plan.depends(s, "topic", notifications)
    )

    assert alerts["inputs"]["kmsMasterKeyId"] == notifications["inputs"]["kmsMasterKeyId"] == key
    assert subscription["inputs"]["protocol"] == "lambda"
    assert prod_plan.depends(subscription, "endpoint", fanout)


def test_subscriptions_from_config_apply_in_every_region_and_lambda_in_its_own(
    run_plan: Callable[[dict[str, Any]], Plan], stack_configs: dict[str, Any]
):
    config = copy.deepcopy(stack_configs["dev"])
    config["banking-platform:regions"] = [
        {"region": "us-east-1", "vpcCidr": "10.29.0.0/16"},
        {"region": "eu-west-1", "vpcCidr": "10.30.0.0/16"},
    ]
    config["banking-platform:messaging"] = {
        "subscriptions": [
            {"topic": "alerts", "protocol": "email", "endpoint": "oncall@bank.example"},
            {"topic": "alerts", "protocol": "sms", "endpoint": "+14155550100"},
            {
                "topic": "customer-notifications",
                "protocol": "lambda",
                "endpoint": "arn:aws:lambda:eu-west-1:123456789012:function:partner-push",
            },
        ]
    }
    plan = run_plan(config)

    def protocols(region: str) -> list[str]:
        subs = plan.of_type("aws:sns/topicSubscription:TopicSubscription", region)
        return sorted(s["inputs"]["protocol"] for s in subs)

    assert protocols("us-east-1") == ["email", "lambda", "sms"]  # lambda: the platform's fan-out
    assert protocols("eu-west-1") == ["email", "lambda", "lambda", "sms"]
    permission = [
        p
        for p in plan.of_type("aws:lambda/permission:Permission", "eu-west-1")
        if p["inputs"]["function"].endswith("partner-push")
    ]
    assert len(permission) == 1


@pytest.mark.parametrize("region", PROD_REGIONS)
@pytest.mark.parametrize("role", FUNCTIONS)
def test_the_four_functions_ship_their_archives_traced_on_arm64_with_a_failure_path(
    prod_plan: Plan, region: str, role: str
):
    function = _named(prod_plan, FUNCTION, region, f"-{role}")
    inputs = function["inputs"]

    assert inputs["architectures"] == ["arm64"]
    assert inputs["runtime"].startswith("python3.")
    assert inputs["tracingConfig"]["mode"] == "Active"
    assert inputs["deadLetterConfig"]["targetArn"]
    assert inputs["reservedConcurrentExecutions"] > 0
    assert (
        inputs["sourceCodeHash"]
        and inputs["handler"] == f"app.{role.replace('-', '_')}.handler.handler"
    )
    assert set(inputs["environment"]["variables"]) >= {"POWERTOOLS_SERVICE_NAME"}


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_only_the_processor_runs_in_the_vpc_because_only_it_reaches_the_ledger(
    prod_plan: Plan, region: str
):
    in_vpc = sorted(
        r["inputs"]["name"].split("-", 3)[-1]
        for r in prod_plan.of_type(FUNCTION, region)
        if (r["inputs"].get("vpcConfig") or {}).get("subnetIds")
        and not r["inputs"]["name"].endswith("secret-rotation")
    )
    assert in_vpc == ["transaction-processor"]


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_the_processor_role_grants_exactly_what_the_code_calls(prod_plan: Plan, region: str):
    processor = _named(prod_plan, FUNCTION, region, "-transaction-processor")
    machine = prod_plan.one("aws:sfn/stateMachine:StateMachine", region)
    document = _policy_of(prod_plan, _function_role(prod_plan, processor))
    grants = {s["Sid"]: (s["Action"], s["Resource"]) for s in document["Statement"]}

    assert grants["StartApproval"] == (
        ["states:StartExecution"],
        [f"arn:aws:states:{region}:123456789012:stateMachine:{machine['inputs']['name']}"],
    )
    assert grants["RecordPaymentsOnce"][0] == [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    ]
    assert all("*" not in action for actions, _ in grants.values() for action in actions)
    env = processor["inputs"]["environment"]["variables"]
    assert env["STATE_MACHINE_ARN"] == grants["StartApproval"][1][0]
    # Names, ARNs and URLs only; the fingerprint key itself is read from Secrets Manager.
    assert set(env) == {
        "POWERTOOLS_SERVICE_NAME",
        "TRANSACTIONS_TABLE",
        "TRANSACTIONS_TABLE_KEY",
        "TRANSACTIONS_TABLE_SORT_KEY",
        "LEDGER_ENTRY_SORT_VALUE",
        "STATE_MACHINE_ARN",
        "EVENT_STREAM_NAME",
        "EVENT_BUS_NAME",
        "DEAD_LETTER_QUEUE_URL",
        "PAN_FINGERPRINT_SECRET_ID",
    }
    assert env["PAN_FINGERPRINT_SECRET_ID"] == "bank-prod-card-fingerprint-key"


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_the_scorer_is_served_warm_from_a_live_alias_in_prod(prod_plan: Plan, region: str):
    alias = prod_plan.one("aws:lambda/alias:Alias", region)
    warm = prod_plan.one(
        "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", region
    )
    machine = prod_plan.one("aws:sfn/stateMachine:StateMachine", region)
    score = task_states(json.loads(machine["inputs"]["definition"]))["ScoreFraud"]

    assert alias["inputs"]["name"] == "live"
    assert warm["inputs"]["provisionedConcurrentExecutions"] == 10
    assert score["Parameters"]["FunctionName"].endswith(":live")


def test_dev_has_no_provisioned_concurrency(dev_plan: Plan):
    assert not dev_plan.of_type(
        "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig"
    )


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_the_state_machine_is_encrypted_logged_at_all_without_data_and_traced(
    prod_plan: Plan, region: str
):
    machine = prod_plan.one("aws:sfn/stateMachine:StateMachine", region)
    logging = machine["inputs"]["loggingConfiguration"]
    group = next(
        g
        for g in prod_plan.of_type("aws:cloudwatch/logGroup:LogGroup", region)
        if prod_plan.depends(machine, "loggingConfiguration", g)
    )
    keys = prod_plan.document["outputs"]["keyArns"]

    assert logging["level"] == "ALL" and logging["includeExecutionData"] is False
    assert group["inputs"]["kmsKeyId"] == keys["logs"][region]
    assert machine["inputs"]["tracingConfiguration"]["enabled"] is True
    assert machine["inputs"]["encryptionConfiguration"]["kmsKeyId"] == keys["messaging"][region]


def test_the_fraud_detector_backend_creates_its_resources_with_aws_native(
    run_plan: Callable[[dict[str, Any]], Plan], stack_configs: dict[str, Any]
):
    config = copy.deepcopy(stack_configs["dev"])
    config["banking-platform:fraud"] = {"backend": "frauddetector"}
    plan = run_plan(config)
    types = {r["type"] for r in plan.resources if r["type"].startswith("aws-native:")}

    assert types == {
        f"aws-native:frauddetector:{kind}"
        for kind in ("EntityType", "EventType", "Variable", "Label", "Outcome", "Detector")
    }
    detector = plan.one("aws-native:frauddetector:Detector")
    assert [rule["ruleId"] for rule in detector["inputs"]["rules"]] == [
        "block_high_risk",
        "review_unusual",
        "approve_rest",
    ]
    scorer = next(r for r in plan.of_type(FUNCTION) if r["inputs"]["name"].endswith("fraud-scorer"))
    assert scorer["inputs"]["environment"]["variables"]["SCORER_BACKEND"] == "frauddetector"
    assert plan.violations == []


def test_the_default_backend_creates_no_fraud_detector_resources(prod_plan: Plan):
    assert not [r for r in prod_plan.resources if r["type"].startswith("aws-native:")]
