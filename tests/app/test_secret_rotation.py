"""The rotation function against moto's Secrets Manager and RDS.

moto's RotateSecret only drives a rotation function it can run itself (in
Docker), which this machine does not have. The tests therefore play Secrets
Manager's part: they mark the new version AWSPENDING, as RotateSecret does
before calling the function, and then call the four steps in order. Every
call the function makes goes to moto.
"""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any, cast

import boto3
import pytest
from aws_lambda_powertools.utilities.typing import LambdaContext
from moto import mock_aws
from moto.secretsmanager.models import FakeSecret, secretsmanager_backends

from app.common import clients
from app.secret_rotation import handler as rotation

REGION = "us-east-1"
ACCOUNT = "123456789012"
STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")


class FakeContext:
    function_name = "bank-test-use1-secret-rotation"
    memory_limit_in_mb = 256
    invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function_name}"
    aws_request_id = "req-1"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    clients.client.cache_clear()
    with mock_aws():
        yield {
            "secrets": boto3.client("secretsmanager", region_name=REGION),
            "rds": boto3.client("rds", region_name=REGION),
        }
    clients.client.cache_clear()


CONTEXT = cast(LambdaContext, FakeContext())


def run_step(arn: str, token: str, step: str) -> None:
    """Invoke the function as Secrets Manager does for one step."""
    event = {"SecretId": arn, "ClientRequestToken": token, "Step": step}
    rotation.handler(cast(rotation.RotationEvent, event), CONTEXT)


def create_secret(sm: Any, name: str, value: dict[str, Any]) -> str:
    """A secret with rotation turned on, as SecretRotation leaves it."""
    arn = sm.create_secret(Name=name, SecretString=json.dumps(value))["ARN"]
    secret = cast(FakeSecret, secretsmanager_backends[ACCOUNT][REGION].secrets[arn])
    secret.rotation_requested = True
    secret.rotation_enabled = True
    secret.rotation_lambda_arn = FakeContext.invoked_function_arn
    secret.auto_rotate_after_days = 30
    return arn


def mark_pending(arn: str) -> str:
    """What RotateSecret does before invoking the function: a new version staged AWSPENDING."""
    token = str(uuid.uuid4())
    secret = secretsmanager_backends[ACCOUNT][REGION].secrets[arn]
    secret.versions[token] = {
        "version_id": token,
        "version_stages": ["AWSPENDING"],
        "createdate": 0,
    }
    return token


def rotate(arn: str, token: str) -> None:
    for step in STEPS:
        run_step(arn, token, step)


def current(sm: Any, arn: str) -> dict[str, Any]:
    # The stage is named: moto answers an unstaged read from the first version it
    # stored, not from whichever version holds AWSCURRENT as AWS does.
    value = sm.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["SecretString"]
    return json.loads(value)


def test_a_generated_secret_gets_a_new_value_and_keeps_its_shape(aws: dict[str, Any]):
    sm = aws["secrets"]
    arn = create_secret(
        sm, "bank-test-api-signing-key", {"rotationStrategy": "generated", "value": "x" * 64}
    )
    token = mark_pending(arn)
    rotate(arn, token)
    after = current(sm, arn)
    assert after["rotationStrategy"] == "generated"
    assert after["value"] != "x" * 64 and len(after["value"]) == rotation.PASSWORD_LENGTH
    stages = sm.describe_secret(SecretId=arn)["VersionIdsToStages"]
    assert "AWSCURRENT" in stages[token]
    assert any("AWSPREVIOUS" in s for v, s in stages.items() if v != token)


def test_the_aurora_master_password_is_applied_to_the_cluster(aws: dict[str, Any]):
    sm, rds = aws["secrets"], aws["rds"]
    rds.create_db_cluster(
        DBClusterIdentifier="bank-test-use1-ledger-db",
        Engine="aurora-postgresql",
        MasterUsername="bank_admin",
        MasterUserPassword="initial-password-123",
    )
    arn = create_secret(
        sm,
        "bank-test-database-master",
        {
            "rotationStrategy": "aurora-master",
            "username": "bank_admin",
            "password": "initial-password-123",
            "dbClusterIdentifier": "bank-test-use1-ledger-db",
        },
    )
    token = mark_pending(arn)
    rotate(arn, token)
    after = current(sm, arn)
    assert after["password"] != "initial-password-123"
    assert not set(rotation.EXCLUDED_CHARACTERS) & set(after["password"])
    assert after["dbClusterIdentifier"] == "bank-test-use1-ledger-db"


def test_repeating_a_step_does_not_create_a_second_value(aws: dict[str, Any]):
    sm = aws["secrets"]
    arn = create_secret(sm, "bank-test-key", {"rotationStrategy": "generated", "value": "v" * 64})
    token = mark_pending(arn)
    run_step(arn, token, "createSecret")
    first = sm.get_secret_value(SecretId=arn, VersionId=token)["SecretString"]
    run_step(arn, token, "createSecret")
    assert sm.get_secret_value(SecretId=arn, VersionId=token)["SecretString"] == first


def test_a_version_that_is_already_current_is_left_alone(aws: dict[str, Any]):
    sm = aws["secrets"]
    arn = create_secret(sm, "bank-test-key", {"rotationStrategy": "generated", "value": "v" * 64})
    current_version = next(
        v
        for v, s in sm.describe_secret(SecretId=arn)["VersionIdsToStages"].items()
        if "AWSCURRENT" in s
    )
    rotate(arn, current_version)
    assert current(sm, arn)["value"] == "v" * 64


def test_a_secret_without_a_known_strategy_is_refused_with_the_reason(aws: dict[str, Any]):
    sm = aws["secrets"]
    arn = create_secret(sm, "bank-test-odd", {"value": "v" * 64})
    token = mark_pending(arn)
    with pytest.raises(rotation.RotationError, match="rotationStrategy None; expected one of"):
        run_step(arn, token, "createSecret")


def test_a_secret_without_rotation_enabled_is_refused(aws: dict[str, Any]):
    sm = aws["secrets"]
    arn = sm.create_secret(Name="bank-test-off", SecretString="{}")["ARN"]
    with pytest.raises(rotation.RotationError, match="does not have rotation enabled"):
        run_step(arn, "t", "createSecret")


def test_a_token_unknown_to_the_secret_is_refused(aws: dict[str, Any]):
    sm = aws["secrets"]
    arn = create_secret(sm, "bank-test-key", {"rotationStrategy": "generated", "value": "v" * 64})
    with pytest.raises(rotation.RotationError, match="has no stage to rotate"):
        run_step(arn, "nope", "createSecret")


def test_logs_are_json_and_never_hold_the_secret(aws: dict[str, Any]):
    sm = aws["secrets"]
    arn = create_secret(sm, "bank-test-key", {"rotationStrategy": "generated", "value": "v" * 64})
    token = mark_pending(arn)
    handler = rotation.logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        rotate(arn, token)
    finally:
        handler.setStream(previous)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines and all(line["rotation_token"] == token for line in lines)
    new_value = current(sm, arn)["value"]
    assert not any(new_value in json.dumps(line) for line in lines)
