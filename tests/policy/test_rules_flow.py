"""Transaction-flow policy rules: each passes a compliant resource and fails a broken one."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from infra.plan.report import planned_resources
from infra.policy import rules_flow
from infra.policy.rules import PlannedResource, Rule, evaluate
from tests.support import Plan

KEY = "arn:aws:kms:us-east-1:123456789012:key/mrk-1"
RULES = {rule.id: rule for rule in rules_flow.RULES}


def _res(
    urn: str,
    type_token: str,
    inputs: Mapping[str, Any],
    deps: Mapping[str, list[str]] | None = None,
) -> PlannedResource:
    return PlannedResource(
        urn=urn, type=type_token, name=urn, inputs=inputs, property_dependencies=deps or {}
    )


def _violations(rule_id: str, *resources: PlannedResource) -> list[str]:
    rule: Rule = RULES[rule_id]
    return [v.urn for v in evaluate(list(resources), [rule])]


def _role(urn: str, service: str) -> PlannedResource:
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": service}}]}
    return _res(urn, rules_flow.ROLE, {"assumeRolePolicy": json.dumps(trust)})


def _role_policy(urn: str, role: str, actions: list[str]) -> PlannedResource:
    doc = {"Statement": [{"Effect": "Allow", "Action": actions, "Resource": ["arn:x"]}]}
    return _res(urn, rules_flow.ROLE_POLICY, {"policy": json.dumps(doc)}, {"role": [role]})


@pytest.mark.parametrize(
    ("type_token", "key_input"),
    [
        (rules_flow.QUEUE, "kmsMasterKeyId"),
        (rules_flow.TOPIC, "kmsMasterKeyId"),
        (rules_flow.EVENT_BUS, "kmsKeyIdentifier"),
        (rules_flow.EVENT_ARCHIVE, "kmsKeyIdentifier"),
    ],
)
def test_messaging_cmk_needs_a_customer_key(type_token: str, key_input: str):
    assert _violations("messaging-cmk", _res("good", type_token, {key_input: KEY})) == []
    assert _violations("messaging-cmk", _res("none", type_token, {})) == ["none"]
    managed = _res("managed", type_token, {key_input: "alias/aws/sqs"})
    assert _violations("messaging-cmk", managed) == ["managed"]


def test_messaging_cmk_needs_kms_encryption_on_streams():
    good = _res("good", rules_flow.STREAM, {"encryptionType": "KMS", "kmsKeyId": KEY})
    bad = _res("bad", rules_flow.STREAM, {"encryptionType": "NONE", "kmsKeyId": KEY})
    assert _violations("messaging-cmk", good) == []
    assert _violations("messaging-cmk", bad) == ["bad"]


def test_delivery_stream_cmk_checks_the_objects_and_the_source_stream():
    stream = _res("stream", rules_flow.STREAM, {"encryptionType": "KMS", "kmsKeyId": KEY})
    plain = _res("plain", rules_flow.STREAM, {"encryptionType": "NONE"})
    inputs = {"extendedS3Configuration": {"kmsKeyArn": KEY}, "kinesisSourceConfiguration": {}}
    good = _res(
        "good", rules_flow.DELIVERY_STREAM, inputs, {"kinesisSourceConfiguration": ["stream"]}
    )
    from_plain = _res(
        "from-plain", rules_flow.DELIVERY_STREAM, inputs, {"kinesisSourceConfiguration": ["plain"]}
    )
    no_key = _res("no-key", rules_flow.DELIVERY_STREAM, {"serverSideEncryption": {"enabled": True}})
    assert _violations("delivery-stream-cmk", stream, good) == []
    assert _violations("delivery-stream-cmk", plain, from_plain) == ["from-plain"]
    assert _violations("delivery-stream-cmk", no_key) == ["no-key", "no-key"]


def test_lambda_traced_needs_active_tracing():
    good = _res("good", rules_flow.FUNCTION, {"tracingConfig": {"mode": "Active"}})
    bad = _res("bad", rules_flow.FUNCTION, {"tracingConfig": {"mode": "PassThrough"}})
    assert _violations("lambda-traced", good, bad) == ["bad"]


def test_lambda_failure_path_accepts_a_dead_letter_queue_or_an_on_failure_destination():
    with_dlq = _res("dlq", rules_flow.FUNCTION, {"deadLetterConfig": {"targetArn": "arn:q"}})
    with_destination = _res("dest", rules_flow.FUNCTION, {})
    config = _res(
        "config",
        rules_flow.EVENT_INVOKE_CONFIG,
        {"destinationConfig": {"onFailure": {"destination": "arn:q"}}},
        {"functionName": ["dest"]},
    )
    bare = _res("bare", rules_flow.FUNCTION, {})
    assert _violations("lambda-failure-path", with_dlq, with_destination, config, bare) == ["bare"]


def test_lambda_vpc_for_data_fires_only_for_functions_reaching_data_stores():
    role = _role("role", "lambda.amazonaws.com")
    data = _role_policy("policy", "role", ["dynamodb:PutItem"])
    outside = _res("outside", rules_flow.FUNCTION, {}, {"role": ["role"]})
    inside = _res(
        "inside",
        rules_flow.FUNCTION,
        {"vpcConfig": {"subnetIds": ["subnet-1"]}},
        {"role": ["role"]},
    )
    other_role = _role("other", "lambda.amazonaws.com")
    compute = _role_policy("compute", "other", ["events:PutEvents"])
    stateless = _res("stateless", rules_flow.FUNCTION, {}, {"role": ["other"]})
    resources = (role, data, outside, inside, other_role, compute, stateless)
    assert _violations("lambda-vpc-for-data", *resources) == ["outside"]


def test_state_machines_must_log_and_trace():
    good = _res(
        "good",
        rules_flow.STATE_MACHINE,
        {
            "loggingConfiguration": {"level": "ALL", "logDestination": "arn:logs:*"},
            "tracingConfiguration": {"enabled": True},
        },
    )
    silent = _res("silent", rules_flow.STATE_MACHINE, {"loggingConfiguration": {"level": "OFF"}})
    assert _violations("state-machine-logged-traced", good) == []
    assert _violations("state-machine-logged-traced", silent) == ["silent", "silent"]


def test_execution_roles_may_not_hold_wildcard_actions():
    lambda_role = _role("lambda-role", "lambda.amazonaws.com")
    wildcard = _role_policy("wild", "lambda-role", ["s3:*", "kms:GenerateDataKey*"])
    states_role = _role("states-role", "states.amazonaws.com")
    exact = _role_policy("exact", "states-role", ["kms:GenerateDataKey*", "sqs:SendMessage"])
    human = _role("human", "ec2.amazonaws.com")
    human_policy = _role_policy("human-policy", "human", ["s3:*"])
    resources = (lambda_role, wildcard, states_role, exact, human, human_policy)
    assert _violations("execution-role-no-wildcard-action", *resources) == ["lambda-role"]


def test_the_prod_plan_passes_every_flow_rule(prod_plan: Plan):
    flow_rules = {rule.id for rule in rules_flow.RULES}
    assert not [v for v in prod_plan.violations if v["rule"] in flow_rules]


def test_the_vpc_rule_sees_the_planned_processor_through_its_role(prod_plan: Plan):
    planned = planned_resources(prod_plan.registrations)
    processor = next(
        r
        for r in planned
        if r.type == rules_flow.FUNCTION
        and r.inputs["name"] == "bank-prod-use1-transaction-processor"
    )
    detached = PlannedResource(
        urn=processor.urn,
        type=processor.type,
        name=processor.name,
        inputs={k: v for k, v in processor.inputs.items() if k != "vpcConfig"},
        property_dependencies=processor.property_dependencies,
    )
    others = [r for r in planned if r.urn != processor.urn]

    assert _violations("lambda-vpc-for-data", *others, detached) == [processor.urn]
