"""Rotate a platform secret in the four steps Secrets Manager drives.

Every secret the platform stores is a JSON object with a ``rotationStrategy``:

``generated``
    an application secret (signing or webhook key) under ``value``; consumers
    read it at run time, so a new random value is all rotation needs.
``aurora-master``
    the Aurora master credentials under ``password``; ``setSecret`` applies the
    new password to ``dbClusterIdentifier`` through the RDS API.

Steps are idempotent: Secrets Manager retries them, so each one checks whether
its work is already done before doing it.
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypedDict

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from app.common.clients import client

logger = Logger(service="secret-rotation")

PASSWORD_LENGTH = 32
# Characters RDS refuses in a master password, plus quotes and backslash for safe JSON/shell use.
EXCLUDED_CHARACTERS = "/@\"' \\`"
STRATEGIES = ("generated", "aurora-master")
ROTATED_FIELD = {"generated": "value", "aurora-master": "password"}


class RotationEvent(TypedDict):
    """The event Secrets Manager sends for each rotation step."""

    SecretId: str
    ClientRequestToken: str
    Step: Literal["createSecret", "setSecret", "testSecret", "finishSecret"]


class RotationError(Exception):
    """A rotation step cannot proceed; the message says why and what to check."""


@logger.inject_lambda_context(log_event=False)
def handler(event: RotationEvent, context: LambdaContext) -> None:
    """Entry point: dispatch to the step Secrets Manager asks for."""
    secret_id, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    logger.append_keys(secret_id=secret_id, rotation_token=token, step=step)
    if not _is_pending_version(secret_id, token):
        return
    steps = {
        "createSecret": create_secret,
        "setSecret": set_secret,
        "testSecret": test_secret,
        "finishSecret": finish_secret,
    }
    if step not in steps:
        raise RotationError(f"unknown rotation step {step!r}; expected one of {sorted(steps)}")
    steps[step](secret_id, token)
    logger.info("rotation step completed")


def _is_pending_version(secret_id: str, token: str) -> bool:
    metadata = client("secretsmanager").describe_secret(SecretId=secret_id)
    if not metadata.get("RotationEnabled"):
        raise RotationError(f"secret {secret_id} does not have rotation enabled")
    stages = metadata.get("VersionIdsToStages", {}).get(token)
    if stages is None:
        raise RotationError(f"version {token} of {secret_id} has no stage to rotate")
    if "AWSCURRENT" in stages:
        logger.info("version is already current; nothing to do")
        return False
    if "AWSPENDING" not in stages:
        raise RotationError(f"version {token} of {secret_id} is not marked AWSPENDING")
    return True


def _value(secret_id: str, *, stage: str, token: str | None = None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"SecretId": secret_id, "VersionStage": stage}
    if token is not None:
        kwargs["VersionId"] = token
    raw = client("secretsmanager").get_secret_value(**kwargs)["SecretString"]
    value = json.loads(raw)
    strategy = value.get("rotationStrategy")
    if strategy not in STRATEGIES:
        raise RotationError(
            f"secret {secret_id} has rotationStrategy {strategy!r}; expected one of {STRATEGIES}"
        )
    return value


def create_secret(secret_id: str, token: str) -> None:
    """Store a new value under the pending version unless one is already there."""
    current = _value(secret_id, stage="AWSCURRENT")
    try:
        _value(secret_id, stage="AWSPENDING", token=token)
        logger.info("pending value already exists")
        return
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
    field = ROTATED_FIELD[current["rotationStrategy"]]
    password = client("secretsmanager").get_random_password(
        PasswordLength=PASSWORD_LENGTH, ExcludeCharacters=EXCLUDED_CHARACTERS
    )["RandomPassword"]
    pending = {**current, field: password}
    client("secretsmanager").put_secret_value(
        SecretId=secret_id,
        ClientRequestToken=token,
        SecretString=json.dumps(pending),
        VersionStages=["AWSPENDING"],
    )
    logger.info("pending value created")


def set_secret(secret_id: str, token: str) -> None:
    """Apply the pending value where the credential is checked."""
    pending = _value(secret_id, stage="AWSPENDING", token=token)
    if pending["rotationStrategy"] != "aurora-master":
        return
    cluster = pending.get("dbClusterIdentifier")
    if not cluster:
        raise RotationError(
            f"secret {secret_id} names no dbClusterIdentifier to set the password on"
        )
    client("rds").modify_db_cluster(
        DBClusterIdentifier=cluster, MasterUserPassword=pending["password"], ApplyImmediately=True
    )
    logger.info("master password applied", extra={"db_cluster": cluster})


def test_secret(secret_id: str, token: str) -> None:
    """Check the pending value is complete and, for Aurora, that the cluster took it."""
    pending = _value(secret_id, stage="AWSPENDING", token=token)
    current = _value(secret_id, stage="AWSCURRENT")
    missing = sorted(set(current) - set(pending))
    if missing:
        raise RotationError(f"pending value of {secret_id} lacks fields {missing}")
    field = ROTATED_FIELD[pending["rotationStrategy"]]
    if len(str(pending[field])) < PASSWORD_LENGTH:
        raise RotationError(f"pending {field} of {secret_id} is shorter than {PASSWORD_LENGTH}")
    if pending["rotationStrategy"] == "aurora-master":
        # A login test needs a PostgreSQL driver in the package; the cluster's
        # state through the RDS API is checked instead (docs/limitations.md).
        clusters = client("rds").describe_db_clusters(
            DBClusterIdentifier=pending["dbClusterIdentifier"]
        )["DBClusters"]
        status = clusters[0]["Status"] if clusters else "missing"
        if status not in ("available", "modifying", "resetting-master-credentials"):
            raise RotationError(f"cluster {pending['dbClusterIdentifier']} is {status}")


def finish_secret(secret_id: str, token: str) -> None:
    """Move AWSCURRENT to the pending version; the old one becomes AWSPREVIOUS."""
    metadata = client("secretsmanager").describe_secret(SecretId=secret_id)
    current_version = next(
        (
            version
            for version, stages in metadata["VersionIdsToStages"].items()
            if "AWSCURRENT" in stages
        ),
        None,
    )
    if current_version == token:
        return
    client("secretsmanager").update_secret_version_stage(
        SecretId=secret_id,
        VersionStage="AWSCURRENT",
        MoveToVersionId=token,
        RemoveFromVersionId=current_version,
    )
    logger.info("rotation finished", extra={"previous_version": current_version})
