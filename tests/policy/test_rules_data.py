"""Data-tier policy rules: each passes a compliant resource and flags a non-compliant one."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from infra.policy import rules_data
from infra.policy.catalog import ALL_RULES
from infra.policy.rules import PlannedResource, Rule, evaluate

PROD_TAGS = {"Environment": "prod"}
DEV_TAGS = {"Environment": "dev"}
KEY = "arn:aws:kms:us-east-1:123456789012:key/mrk-1"


def resource(
    type_token: str,
    name: str,
    inputs: Mapping[str, Any],
    *,
    deps: Mapping[str, Sequence[str]] | None = None,
    tags: Mapping[str, str] = PROD_TAGS,
) -> PlannedResource:
    return PlannedResource(
        urn=f"urn:pulumi:test::bank::{type_token}::{name}",
        type=type_token,
        name=name,
        inputs=inputs,
        default_tags=tags,
        property_dependencies={k: list(v) for k, v in (deps or {}).items()},
    )


def rule(rule_id: str) -> Rule:
    return next(r for r in rules_data.RULES if r.id == rule_id)


def flagged(rule_id: str, resources: Sequence[PlannedResource]) -> set[str]:
    return {v.urn.rsplit("::", 1)[-1] for v in evaluate(resources, [rule(rule_id)])}


def test_every_data_rule_is_in_the_catalogue():
    assert {r.id for r in rules_data.RULES} <= {r.id for r in ALL_RULES}


# -- data-store-cmk ----------------------------------------------------------------------------


def test_cmk_rule_passes_stores_with_their_keys():
    stores = [
        resource(rules_data.RDS_CLUSTER, "db", {"storageEncrypted": True, "kmsKeyId": KEY}),
        resource(rules_data.RDS_GLOBAL_CLUSTER, "global", {"storageEncrypted": True}),
        resource(
            rules_data.DYNAMODB_TABLE,
            "table",
            {
                "serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY},
                "replicas": [{"regionName": "eu-west-1", "kmsKeyArn": KEY}],
            },
        ),
        resource(rules_data.REPLICATION_GROUP, "cache", {"kmsKeyId": KEY}),
        resource(rules_data.EFS_FILE_SYSTEM, "fs", {"encrypted": True, "kmsKeyId": KEY}),
        resource(rules_data.BACKUP_VAULT, "vault", {"kmsKeyArn": KEY}),
    ]
    assert flagged("data-store-cmk", stores) == set()


def test_cmk_rule_flags_a_store_without_its_key():
    stores = [
        resource(rules_data.RDS_CLUSTER, "db", {"storageEncrypted": True}),
        resource(
            rules_data.DYNAMODB_TABLE,
            "table",
            {
                "serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY},
                "replicas": [{"regionName": "eu-west-1"}],
            },
        ),
        resource(rules_data.EFS_FILE_SYSTEM, "fs", {"encrypted": False}),
        resource(rules_data.BACKUP_VAULT, "vault", {}),
    ]
    assert flagged("data-store-cmk", stores) == {"db", "table", "fs", "vault"}


def _bucket_with_encryption(algorithm: str, key: str | None, *, log_target: bool) -> list[Any]:
    bucket = resource(rules_data.BUCKET, "bucket", {})
    default: dict[str, Any] = {"sseAlgorithm": algorithm}
    if key:
        default["kmsMasterKeyId"] = key
    found = [
        bucket,
        resource(
            rules_data.BUCKET_ENCRYPTION,
            "bucket-sse",
            {"rules": [{"applyServerSideEncryptionByDefault": default}]},
            deps={"bucket": [bucket.urn]},
        ),
    ]
    if log_target:
        found.append(
            resource(
                rules_data.BUCKET_LOGGING,
                "other-logging",
                {},
                deps={"targetBucket": [bucket.urn]},
            )
        )
    return found


def test_cmk_rule_passes_a_kms_bucket_and_an_sse_s3_access_log_bucket():
    assert (
        flagged("data-store-cmk", _bucket_with_encryption("aws:kms", KEY, log_target=False))
        == set()
    )
    assert (
        flagged("data-store-cmk", _bucket_with_encryption("AES256", None, log_target=True)) == set()
    )


def test_cmk_rule_flags_an_sse_s3_bucket_that_is_not_an_access_log_target():
    found = flagged("data-store-cmk", _bucket_with_encryption("AES256", None, log_target=False))
    assert found == {"bucket"}


def test_cmk_rule_flags_a_bucket_without_encryption_configuration():
    assert flagged("data-store-cmk", [resource(rules_data.BUCKET, "bare", {})]) == {"bare"}


# -- data-deletion-protection ------------------------------------------------------------------


def test_deletion_protection_rule_passes_protected_prod_stores():
    stores = [
        resource(rules_data.RDS_CLUSTER, "db", {"deletionProtection": True}),
        resource(
            rules_data.DYNAMODB_TABLE,
            "table",
            {
                "deletionProtectionEnabled": True,
                "replicas": [{"regionName": "eu-west-1", "deletionProtectionEnabled": True}],
            },
        ),
    ]
    assert flagged("data-deletion-protection", stores) == set()


def test_deletion_protection_rule_flags_unprotected_prod_stores_only():
    stores = [
        resource(rules_data.RDS_GLOBAL_CLUSTER, "global", {"deletionProtection": False}),
        resource(
            rules_data.DYNAMODB_TABLE,
            "table",
            {
                "deletionProtectionEnabled": True,
                "replicas": [{"regionName": "eu-west-1", "deletionProtectionEnabled": False}],
            },
        ),
        resource(rules_data.RDS_CLUSTER, "dev-db", {"deletionProtection": False}, tags=DEV_TAGS),
    ]
    assert flagged("data-deletion-protection", stores) == {"global", "table"}


# -- point-in-time-recovery --------------------------------------------------------------------


def test_pitr_rule_passes_tables_and_clusters_with_recovery():
    stores = [
        resource(
            rules_data.DYNAMODB_TABLE,
            "table",
            {
                "pointInTimeRecovery": {"enabled": True},
                "replicas": [{"regionName": "eu-west-1", "pointInTimeRecovery": True}],
            },
        ),
        resource(rules_data.RDS_CLUSTER, "db", {"backupRetentionPeriod": 35.0}),
    ]
    assert flagged("point-in-time-recovery", stores) == set()


def test_pitr_rule_flags_a_replica_without_pitr_and_a_cluster_without_backups():
    stores = [
        resource(
            rules_data.DYNAMODB_TABLE,
            "table",
            {
                "pointInTimeRecovery": {"enabled": True},
                "replicas": [{"regionName": "eu-west-1", "pointInTimeRecovery": False}],
            },
        ),
        resource(rules_data.RDS_CLUSTER, "db", {}),
    ]
    assert flagged("point-in-time-recovery", stores) == {"table", "db"}


# -- no-public-database ------------------------------------------------------------------------


def test_public_database_rule_passes_private_instances():
    instance = resource(rules_data.RDS_INSTANCE, "db-1", {"publiclyAccessible": False})
    assert flagged("no-public-database", [instance]) == set()


def test_public_database_rule_flags_public_or_unstated_instances():
    instances = [
        resource(rules_data.RDS_INSTANCE, "public", {"publiclyAccessible": True}),
        resource(rules_data.RDS_INSTANCE, "unstated", {}),
    ]
    assert flagged("no-public-database", instances) == {"public", "unstated"}


# -- s3-public-access-blocked ------------------------------------------------------------------


def _bucket_with_block(**switches: bool) -> list[PlannedResource]:
    bucket = resource(rules_data.BUCKET, "bucket", {})
    block = resource(
        rules_data.BUCKET_PUBLIC_ACCESS, "block", switches, deps={"bucket": [bucket.urn]}
    )
    return [bucket, block]


def test_public_access_rule_passes_a_fully_blocked_bucket():
    switches = dict.fromkeys(rules_data.PUBLIC_ACCESS_SWITCHES, True)
    assert flagged("s3-public-access-blocked", _bucket_with_block(**switches)) == set()


def test_public_access_rule_flags_a_partly_blocked_or_unblocked_bucket():
    switches = {
        **dict.fromkeys(rules_data.PUBLIC_ACCESS_SWITCHES, True),
        "blockPublicPolicy": False,
    }
    assert flagged("s3-public-access-blocked", _bucket_with_block(**switches)) == {"bucket"}
    assert flagged("s3-public-access-blocked", [resource(rules_data.BUCKET, "open", {})]) == {
        "open"
    }


# -- s3-tls-only -------------------------------------------------------------------------------


def _bucket_with_policy(statement: dict[str, Any]) -> list[PlannedResource]:
    bucket = resource(rules_data.BUCKET, "bucket", {})
    document = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    policy = resource(
        rules_data.BUCKET_POLICY, "policy", {"policy": document}, deps={"bucket": [bucket.urn]}
    )
    return [bucket, policy]


TLS_DENY = {
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": ["s3:*"],
    "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def test_tls_rule_passes_a_bucket_whose_policy_denies_plain_http():
    assert flagged("s3-tls-only", _bucket_with_policy(TLS_DENY)) == set()


def test_tls_rule_flags_a_bucket_whose_policy_allows_instead_of_denying():
    allow = {**TLS_DENY, "Effect": "Allow"}
    assert flagged("s3-tls-only", _bucket_with_policy(allow)) == {"bucket"}
    assert flagged("s3-tls-only", [resource(rules_data.BUCKET, "nopolicy", {})]) == {"nopolicy"}


# -- audit-object-lock -------------------------------------------------------------------------


def _audit_bucket(
    locked: bool, mode: str | None, days: int, tags: Mapping[str, str] = PROD_TAGS
) -> list[PlannedResource]:
    bucket = resource(
        rules_data.BUCKET,
        "audit",
        {"objectLockEnabled": locked, "tags": {"Retention": "audit"}},
        tags=tags,
    )
    found = [bucket]
    if mode:
        found.append(
            resource(
                rules_data.BUCKET_OBJECT_LOCK,
                "audit-lock",
                {"rule": {"defaultRetention": {"mode": mode, "days": float(days)}}},
                deps={"bucket": [bucket.urn]},
                tags=tags,
            )
        )
    return found


def test_object_lock_rule_passes_a_compliance_locked_audit_bucket():
    assert flagged("audit-object-lock", _audit_bucket(True, "COMPLIANCE", 2557)) == set()


def test_object_lock_rule_accepts_governance_outside_prod():
    found = flagged("audit-object-lock", _audit_bucket(True, "GOVERNANCE", 1, tags=DEV_TAGS))
    assert found == set()


@pytest.mark.parametrize(
    ("locked", "mode", "days"),
    [(False, None, 0), (True, None, 0), (True, "GOVERNANCE", 2557), (True, "COMPLIANCE", 365)],
)
def test_object_lock_rule_flags_weak_or_missing_locks_in_prod(
    locked: bool, mode: str | None, days: int
):
    assert flagged("audit-object-lock", _audit_bucket(locked, mode, days)) == {"audit"}


def test_object_lock_rule_ignores_buckets_without_audit_evidence():
    lake = resource(rules_data.BUCKET, "lake", {"objectLockEnabled": False, "tags": {}})
    assert flagged("audit-object-lock", [lake]) == set()


# -- backup-plan-selection ---------------------------------------------------------------------


def test_backup_rule_passes_a_plan_with_a_selection():
    plan = resource(rules_data.BACKUP_PLAN, "plan", {})
    selection = resource(
        rules_data.BACKUP_SELECTION,
        "selection",
        {"resources": ["arn:aws:rds:us-east-1:1:cluster:db"]},
        deps={"planId": [plan.urn]},
    )
    assert flagged("backup-plan-selection", [plan, selection]) == set()


def test_backup_rule_flags_a_plan_without_selection_or_with_an_empty_one():
    plan = resource(rules_data.BACKUP_PLAN, "plan", {})
    empty = resource(
        rules_data.BACKUP_SELECTION, "empty", {"resources": []}, deps={"planId": [plan.urn]}
    )
    assert flagged("backup-plan-selection", [plan]) == {"plan"}
    assert flagged("backup-plan-selection", [plan, empty]) == {"plan"}


# -- cache-encrypted-authenticated -------------------------------------------------------------


PRIMARY_CACHE = {
    "kmsKeyId": KEY,
    "authToken": "[secret]",
    "atRestEncryptionEnabled": "true",
    "transitEncryptionEnabled": True,
    "transitEncryptionMode": "required",
}


def _datastore(primary_inputs: Mapping[str, Any], secondary_inputs: Mapping[str, Any]) -> list[Any]:
    primary = resource(rules_data.REPLICATION_GROUP, "primary", primary_inputs)
    datastore = resource(
        rules_data.GLOBAL_REPLICATION_GROUP,
        "global",
        {},
        deps={"primaryReplicationGroupId": [primary.urn]},
    )
    secondary = resource(
        rules_data.REPLICATION_GROUP,
        "secondary",
        {"globalReplicationGroupId": "ldgnf-x", **secondary_inputs},
        deps={"globalReplicationGroupId": [datastore.urn]},
    )
    return [primary, datastore, secondary]


def test_cache_rule_passes_an_encrypted_authenticated_datastore():
    secondary = {"kmsKeyId": KEY, "authToken": "[secret]"}
    assert flagged("cache-encrypted-authenticated", _datastore(PRIMARY_CACHE, secondary)) == set()


def test_cache_rule_flags_a_primary_without_transit_encryption_and_its_secondaries():
    primary = {**PRIMARY_CACHE, "transitEncryptionEnabled": False}
    secondary = {"kmsKeyId": KEY, "authToken": "[secret]"}
    found = flagged("cache-encrypted-authenticated", _datastore(primary, secondary))
    assert found == {"primary", "secondary"}


def test_cache_rule_flags_a_secondary_without_auth_token():
    found = flagged("cache-encrypted-authenticated", _datastore(PRIMARY_CACHE, {"kmsKeyId": KEY}))
    assert found == {"secondary"}
