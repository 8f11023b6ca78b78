"""Policy rules of the data tier (REQUIREMENTS 3.5 to 3.9, 3.33, 6). Pure: no resources.

Each rule reads the planned resources the way the engine receives them
(camelCase inputs, property dependencies between resources), so the same
checks run in ``make plan``, in the tests and in the policy pack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from infra.policy.rules import PlannedResource, Rule, _parse_document, of_type

RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_GLOBAL_CLUSTER = "aws:rds/globalCluster:GlobalCluster"
RDS_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
DYNAMODB_TABLE = "aws:dynamodb/table:Table"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
GLOBAL_REPLICATION_GROUP = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup"
EFS_FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
BACKUP_VAULT = "aws:backup/vault:Vault"
BACKUP_PLAN = "aws:backup/plan:Plan"
BACKUP_SELECTION = "aws:backup/selection:Selection"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_ENCRYPTION = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
)
BUCKET_PUBLIC_ACCESS = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_OBJECT_LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging"

AUDIT_RETENTION_DAYS = 2557
AUDIT_TAG = ("Retention", "audit")
"""Buckets that hold audit evidence carry this tag and must be object-locked."""
PUBLIC_ACCESS_SWITCHES = (
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
)


def _truthy(value: Any) -> bool:
    """Inputs arrive as booleans, or as strings for the provider's nullable booleans."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _is_production(resource: PlannedResource) -> bool:
    environment = str(resource.default_tags.get("Environment", ""))
    return environment == "prod" or environment.startswith("prod-")


def _attached(
    resources: Sequence[PlannedResource], type_token: str, target: PlannedResource, prop: str
) -> list[PlannedResource]:
    """Resources of ``type_token`` whose input ``prop`` is built from ``target``."""
    return [r for r in of_type(resources, type_token) if r.depends_through(prop, target.urn)]


# -- storage encrypted with a customer-managed key -------------------------------------------


def _cluster_key(inputs: Mapping[str, Any]) -> Iterator[str]:
    if not _truthy(inputs.get("storageEncrypted")) or not inputs.get("kmsKeyId"):
        yield "storage_encrypted=True with kms_key_id set to the region's data key"


def _global_cluster_key(inputs: Mapping[str, Any]) -> Iterator[str]:
    if not _truthy(inputs.get("storageEncrypted")):
        yield "storage_encrypted=True"


def _table_keys(inputs: Mapping[str, Any]) -> Iterator[str]:
    sse = inputs.get("serverSideEncryption") or {}
    if not (_truthy(sse.get("enabled")) and sse.get("kmsKeyArn")):
        yield "server_side_encryption with enabled=True and kms_key_arn"
    for replica in inputs.get("replicas") or []:
        if not replica.get("kmsKeyArn"):
            yield f"kms_key_arn on the replica in {replica.get('regionName')}"


def _file_system_key(inputs: Mapping[str, Any]) -> Iterator[str]:
    if not _truthy(inputs.get("encrypted")) or not inputs.get("kmsKeyId"):
        yield "encrypted=True with kms_key_id"


def _key_input(key: str) -> Callable[[Mapping[str, Any]], Iterator[str]]:
    def check(inputs: Mapping[str, Any]) -> Iterator[str]:
        if not inputs.get(key):
            yield f"{key} set to the region's data key"

    return check


STORE_KEY_CHECKS: Mapping[str, Callable[[Mapping[str, Any]], Iterator[str]]] = {
    RDS_CLUSTER: _cluster_key,
    RDS_GLOBAL_CLUSTER: _global_cluster_key,
    DYNAMODB_TABLE: _table_keys,
    REPLICATION_GROUP: _key_input("kmsKeyId"),
    EFS_FILE_SYSTEM: _file_system_key,
    BACKUP_VAULT: _key_input("kmsKeyArn"),
}
"""What each store type needs to be encrypted with a customer-managed key."""


def _bucket_encryption(
    resources: Sequence[PlannedResource], bucket: PlannedResource
) -> Iterator[str]:
    configs = _attached(resources, BUCKET_ENCRYPTION, bucket, "bucket")
    # A server-access-log destination may use SSE-S3, the default encryption AWS
    # documents for it; it holds request metadata, not customer data.
    log_target = bool(_attached(resources, BUCKET_LOGGING, bucket, "targetBucket"))
    if not configs:
        yield "a BucketServerSideEncryptionConfiguration"
        return
    for config in configs:
        for rule in config.inputs.get("rules") or []:
            default = rule.get("applyServerSideEncryptionByDefault") or {}
            algorithm = default.get("sseAlgorithm")
            if algorithm == "AES256" and log_target:
                continue
            if algorithm not in ("aws:kms", "aws:kms:dsse") or not default.get("kmsMasterKeyId"):
                yield f"sse_algorithm 'aws:kms' with kms_master_key_id (got {algorithm!r})"


def _encrypted_with_cmk(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    for resource in of_type(resources, *DATA_STORE_ENCRYPTED_TYPES):
        missing = (
            list(_bucket_encryption(resources, resource))
            if resource.type == BUCKET
            else list(STORE_KEY_CHECKS[resource.type](resource.inputs))
        )
        if missing:
            yield resource.urn, f"not encrypted with a customer-managed key; set {missing[0]}"


# -- deletion protection, PITR, public access --------------------------------------------------


def _deletion_protection(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    for resource in of_type(resources, RDS_CLUSTER, RDS_GLOBAL_CLUSTER):
        if _is_production(resource) and not _truthy(resource.inputs.get("deletionProtection")):
            yield resource.urn, "production database without deletion_protection=True"
    for table in of_type(resources, DYNAMODB_TABLE):
        if not _is_production(table):
            continue
        if not _truthy(table.inputs.get("deletionProtectionEnabled")):
            yield table.urn, "production table without deletion_protection_enabled=True"
        for replica in table.inputs.get("replicas") or []:
            if not _truthy(replica.get("deletionProtectionEnabled")):
                yield (
                    table.urn,
                    f"replica in {replica.get('regionName')} without "
                    f"deletion_protection_enabled=True",
                )


def _point_in_time_recovery(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    for table in of_type(resources, DYNAMODB_TABLE):
        pitr = table.inputs.get("pointInTimeRecovery") or {}
        if not _truthy(pitr.get("enabled")):
            yield table.urn, "table without point_in_time_recovery enabled"
        for replica in table.inputs.get("replicas") or []:
            if not _truthy(replica.get("pointInTimeRecovery")):
                yield (
                    table.urn,
                    f"replica in {replica.get('regionName')} without point_in_time_recovery=True",
                )
    for cluster in of_type(resources, RDS_CLUSTER):
        days = cluster.inputs.get("backupRetentionPeriod")
        if not isinstance(days, int | float) or days < 1:
            yield (
                cluster.urn,
                f"cluster without automated backups (backup_retention_period={days!r}); "
                f"set 1 to 35 days for point-in-time recovery",
            )


def _no_public_database(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    for instance in of_type(resources, RDS_INSTANCE):
        if instance.inputs.get("publiclyAccessible") is not False:
            yield instance.urn, "database instance must set publicly_accessible=False"
    for cluster in of_type(resources, RDS_CLUSTER):
        if _truthy(cluster.inputs.get("publiclyAccessible")):
            yield cluster.urn, "database cluster is publicly accessible"


# -- S3 -------------------------------------------------------------------------------------


def _bucket_public_access(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    for bucket in of_type(resources, BUCKET):
        blocks = _attached(resources, BUCKET_PUBLIC_ACCESS, bucket, "bucket")
        if not blocks:
            yield bucket.urn, "bucket without a BucketPublicAccessBlock"
            continue
        open_switches = [
            switch
            for switch in PUBLIC_ACCESS_SWITCHES
            if not all(_truthy(block.inputs.get(switch)) for block in blocks)
        ]
        if open_switches:
            yield bucket.urn, f"public access not fully blocked; set {open_switches} to True"


def _denies_plain_transport(document: Mapping[str, Any]) -> bool:
    raw = document.get("Statement", [])
    for statement in [raw] if isinstance(raw, Mapping) else raw:
        secure = (statement.get("Condition") or {}).get("Bool", {}).get("aws:SecureTransport")
        principal = statement.get("Principal")
        everyone = principal == "*" or (
            isinstance(principal, Mapping) and principal.get("AWS") == "*"
        )
        if statement.get("Effect") == "Deny" and everyone and str(secure).lower() == "false":
            return True
    return False


def _bucket_tls_only(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    for bucket in of_type(resources, BUCKET):
        policies = _attached(resources, BUCKET_POLICY, bucket, "bucket")
        documents = [_parse_document(policy.inputs.get("policy")) for policy in policies]
        if not any(doc is not None and _denies_plain_transport(doc) for doc in documents):
            yield (
                bucket.urn,
                "bucket policy does not deny requests without TLS; add a Deny for everyone on "
                "aws:SecureTransport = false",
            )


def _audit_object_lock(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    key, value = AUDIT_TAG
    for bucket in of_type(resources, BUCKET):
        if (bucket.inputs.get("tags") or {}).get(key) != value:
            continue
        if not _truthy(bucket.inputs.get("objectLockEnabled")):
            yield bucket.urn, "audit bucket created without object_lock_enabled=True"
            continue
        locks = _attached(resources, BUCKET_OBJECT_LOCK, bucket, "bucket")
        retention = [
            ((lock.inputs.get("rule") or {}).get("defaultRetention") or {}) for lock in locks
        ]
        if not retention:
            yield bucket.urn, "audit bucket without a default Object Lock retention"
            continue
        if not _is_production(bucket):
            continue
        for default in retention:
            days = default.get("days") or 365 * (default.get("years") or 0)
            if default.get("mode") != "COMPLIANCE" or days < AUDIT_RETENTION_DAYS:
                yield (
                    bucket.urn,
                    f"production audit bucket locked in {default.get('mode')!r} for {days} days; "
                    f"use COMPLIANCE for at least {AUDIT_RETENTION_DAYS} days",
                )


# -- backup and cache -----------------------------------------------------------------------


def _backup_plan_selected(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    for plan in of_type(resources, BACKUP_PLAN):
        selections = _attached(resources, BACKUP_SELECTION, plan, "planId")
        if not any(s.inputs.get("resources") or s.inputs.get("selectionTags") for s in selections):
            yield (
                plan.urn,
                "backup plan selects nothing; add an aws.backup.Selection with plan_id=plan.id "
                "naming the resources to back up",
            )


def _redis_protected(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    groups = list(of_type(resources, REPLICATION_GROUP))
    globals_ = list(of_type(resources, GLOBAL_REPLICATION_GROUP))
    for group in groups:
        inputs = group.inputs
        authenticated = bool(inputs.get("authToken") or inputs.get("userGroupIds"))
        if not inputs.get("kmsKeyId") or not authenticated:
            yield group.urn, "cache group needs kms_key_id and an AUTH token (or RBAC user groups)"
        if inputs.get("globalReplicationGroupId"):
            # A secondary inherits both encryption switches from its Global Datastore,
            # whose primary group must have them.
            datastores = [
                g for g in globals_ if group.depends_through("globalReplicationGroupId", g.urn)
            ]
            primaries = [
                p
                for d in datastores
                for p in groups
                if d.depends_through("primaryReplicationGroupId", p.urn)
            ]
            if not primaries or not all(_encrypted_group(p) for p in primaries):
                yield (
                    group.urn,
                    "secondary of a Global Datastore whose primary is not in the plan or is not "
                    "encrypted at rest and in transit",
                )
        elif not _encrypted_group(group):
            yield (
                group.urn,
                "cache group needs at_rest_encryption_enabled and transit_encryption_enabled "
                "(mode 'required')",
            )


def _encrypted_group(group: PlannedResource) -> bool:
    inputs = group.inputs
    return (
        _truthy(inputs.get("atRestEncryptionEnabled"))
        and _truthy(inputs.get("transitEncryptionEnabled"))
        and inputs.get("transitEncryptionMode", "required") == "required"
    )


DATA_STORE_ENCRYPTED_TYPES = (
    RDS_CLUSTER,
    RDS_GLOBAL_CLUSTER,
    DYNAMODB_TABLE,
    REPLICATION_GROUP,
    EFS_FILE_SYSTEM,
    BACKUP_VAULT,
    BUCKET,
)

RULES: tuple[Rule, ...] = (
    Rule(
        id="data-store-cmk",
        severity="mandatory",
        description="Databases, tables, caches, file systems, vaults and buckets are encrypted "
        "with a customer-managed key (server-access-log buckets may use SSE-S3)",
        pci_dss="3.5.1",
        check=_encrypted_with_cmk,
    ),
    Rule(
        id="data-deletion-protection",
        severity="mandatory",
        description="Production databases, global clusters and tables (every replica) have "
        "deletion protection",
        pci_dss="12.10.1, 6.5.1",
        check=_deletion_protection,
    ),
    Rule(
        id="point-in-time-recovery",
        severity="mandatory",
        description="Every table and replica has point-in-time recovery; every Aurora cluster "
        "keeps automated backups",
        pci_dss="12.10.1",
        check=_point_in_time_recovery,
    ),
    Rule(
        id="no-public-database",
        severity="mandatory",
        description="No database instance or cluster is publicly accessible",
        pci_dss="1.3.1, 1.4.4",
        check=_no_public_database,
    ),
    Rule(
        id="s3-public-access-blocked",
        severity="mandatory",
        description="Every bucket blocks public ACLs and policies",
        pci_dss="1.4.4, 7.2.1",
        check=_bucket_public_access,
    ),
    Rule(
        id="s3-tls-only",
        severity="mandatory",
        description="Every bucket policy denies requests made without TLS",
        pci_dss="4.2.1",
        check=_bucket_tls_only,
    ),
    Rule(
        id="audit-object-lock",
        severity="mandatory",
        description="Audit buckets are object-locked; in production in COMPLIANCE mode for 7 "
        "years or more",
        pci_dss="10.5.1, 10.3.3",
        check=_audit_object_lock,
    ),
    Rule(
        id="backup-plan-selection",
        severity="mandatory",
        description="Every backup plan has a selection that names what it backs up",
        pci_dss="12.10.1",
        check=_backup_plan_selected,
    ),
    Rule(
        id="cache-encrypted-authenticated",
        severity="mandatory",
        description="Every cache group is encrypted at rest with a CMK and in transit, and "
        "requires AUTH or RBAC",
        pci_dss="3.5.1, 4.2.1, 8.3.1",
        check=_redis_protected,
    ),
)
