"""Secrets domain: generated secrets, CMK encryption, replication, rotation (REQUIREMENTS 3.4)."""

from __future__ import annotations

import json

import pytest

from tests.support import Plan, policy_document

SECRET = "aws:secretsmanager/secret:Secret"
FUNCTION = "aws:lambda/function:Function"


def rotation_function(plan: Plan) -> dict:
    (function,) = plan.in_component("secrets", FUNCTION)
    return function


def test_database_and_application_secrets_exist_in_the_primary(prod_plan: Plan):
    names = {s["inputs"]["name"] for s in prod_plan.in_component("secrets", SECRET)}
    assert names == {
        "bank-prod-database-master",
        "bank-prod-api-signing-key",
        "bank-prod-partner-webhook-key",
        "bank-prod-card-fingerprint-key",
    }


def test_secrets_use_the_secrets_key_and_replicate_under_each_replica_regions_key(prod_plan: Plan):
    keys = prod_plan.document["outputs"]["keyArns"]["secrets"]
    for secret in prod_plan.in_component("secrets", SECRET):
        assert secret["inputs"]["kmsKeyId"] == keys["us-east-1"], secret["urn"]
        replicas = {r["region"]: r["kmsKeyId"] for r in secret["inputs"]["replicas"]}
        assert replicas == {
            "eu-west-1": keys["eu-west-1"],
            "ap-southeast-1": keys["ap-southeast-1"],
        }


def test_secret_values_never_appear_in_the_plan(prod_plan: Plan):
    versions = prod_plan.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert versions and all(v["inputs"]["secretString"] == "[secret]" for v in versions)
    text = json.dumps(prod_plan.document)
    assert "plan-only-" not in text, "a generated secret leaked into the plan document"


def test_generated_values_are_pulumi_secrets(prod_plan: Plan):
    passwords = prod_plan.in_component("secrets", "random:index/randomPassword:RandomPassword")
    assert len(passwords) == 4
    assert all(p["inputs"]["length"] >= 32 for p in passwords)


def test_every_secret_rotates_through_the_rotation_function(prod_plan: Plan):
    function = rotation_function(prod_plan)
    rotations = prod_plan.of_type("aws:secretsmanager/secretRotation:SecretRotation")
    assert len(rotations) == 4
    for rotation in rotations:
        assert prod_plan.depends(rotation, "rotationLambdaArn", function), rotation["urn"]
        assert rotation["inputs"]["rotationRules"]["automaticallyAfterDays"] == 30


def test_rotation_function_runs_traced_in_private_subnets_with_a_dead_letter_queue(prod_plan: Plan):
    inputs = rotation_function(prod_plan)["inputs"]
    private = {
        s["id"]
        for s in prod_plan.of_type("aws:ec2/subnet:Subnet", "us-east-1")
        if s["inputs"]["tags"]["Tier"] == "private"
    }
    assert set(inputs["vpcConfig"]["subnetIds"]) == private
    assert inputs["tracingConfig"]["mode"] == "Active"
    assert inputs["deadLetterConfig"]["targetArn"].startswith("arn:aws:sqs:us-east-1:")
    assert inputs["architectures"] == ["arm64"]
    assert inputs["reservedConcurrentExecutions"] >= 1
    assert inputs["handler"] == "app.secret_rotation.handler.handler"
    assert "password" not in json.dumps(inputs.get("environment", {})).lower()


def test_rotation_role_touches_only_the_platforms_secrets_key_and_cluster(prod_plan: Plan):
    policy = next(
        r
        for r in prod_plan.of_type("aws:iam/rolePolicy:RolePolicy", "us-east-1")
        if "secrets-rotation" in r["name"]
    )
    statements = {s["Sid"]: s for s in policy_document(policy)["Statement"]}
    secret_arns = statements["RotateOwnSecrets"]["Resource"]
    assert len(secret_arns) == 4
    assert all(":secret:bank-prod-" in arn and arn.endswith("-??????") for arn in secret_arns)
    assert statements["SetAuroraMasterPassword"]["Resource"] == [
        "arn:aws:rds:us-east-1:123456789012:cluster:bank-prod-use1-ledger-db"
    ]
    unscoped = {sid for sid, s in statements.items() if s["Resource"] == "*"}
    assert unscoped == {"GeneratePasswords", "Trace", "ManageVpcInterfaces"}


def test_secrets_manager_may_invoke_the_rotation_function_from_this_account_only(prod_plan: Plan):
    (permission,) = prod_plan.in_component("secrets", "aws:lambda/permission:Permission")
    assert permission["inputs"]["principal"] == "secretsmanager.amazonaws.com"
    assert permission["inputs"]["sourceAccount"] == "123456789012"


@pytest.mark.parametrize(("plan_name", "protected"), [("prod_plan", True), ("dev_plan", False)])
def test_secrets_are_protected_in_prod_only(
    request: pytest.FixtureRequest, plan_name: str, protected: bool
):
    plan: Plan = request.getfixturevalue(plan_name)
    assert all(s["protect"] is protected for s in plan.of_type(SECRET))
