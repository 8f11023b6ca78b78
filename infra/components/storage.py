"""Storage domains (REQUIREMENTS 3.8, 3.9): S3 buckets once per stack, EFS once per region.

:class:`ObjectStorage` holds the transaction archive and the audit bucket in
the primary region, each with Object Lock and a locked replica in every
replica region (cross-region replication with its own scoped role, replicas
encrypted with the replica region's data key); a data-lake bucket and an
access-log bucket in every region. Every bucket is versioned, has lifecycle
rules down to colder tiers, blocks public access, disables ACLs, and has a
policy that refuses requests without TLS 1.2 and uploads that ask for any
encryption other than its own key. MFA delete cannot be set by a program: the
root-account step is in ``docs/data-tier.md``.

:class:`SharedFileSystem` is one region's encrypted EFS file system for
statement and batch work, with a mount target in each private subnet, an
access point, a TLS-only file-system policy and a security group open to the
application tier only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from infra import iam, naming
from infra.naming import Namer

MIN_TLS_VERSION = "1.2"
ABORT_MULTIPART_DAYS = 7
NONCURRENT_VERSION_DAYS = 30
DATA_LAKE_TIERING_DAYS = 30
ACCESS_LOG_COLD_DAYS = 90
NFS_PORT = 2049
STATEMENTS_UID = 1001
"""POSIX identity the batch and statement workloads write as through the access point."""

REPLICATION_READ_ACTIONS = (
    "s3:GetObjectLegalHold",
    "s3:GetObjectRetention",
    "s3:GetObjectVersionAcl",
    "s3:GetObjectVersionForReplication",
    "s3:GetObjectVersionTagging",
)
REPLICATION_WRITE_ACTIONS = ("s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags")


@dataclass(frozen=True)
class StorageRegion:
    """What one region's buckets need."""

    region_code: str
    data_key_arn: pulumi.Input[str]


@dataclass(frozen=True)
class ObjectStorageArgs:
    """Inputs of the S3 buckets."""

    namer: Namer
    primary_region: str
    regions: Mapping[str, StorageRegion]
    """Every region, primary first."""
    providers: Mapping[str, pulumi.ProviderResource]
    account_id: pulumi.Input[str]
    """Bucket names end with it, so they are unique across accounts."""
    partition: pulumi.Input[str]
    object_lock_mode: str
    """Default Object Lock mode of the archive and audit buckets and their replicas."""
    object_lock_retention_days: int
    archive_expiration_days: int
    cold_transition_days: int
    deep_archive_transition_days: int
    replication_time_control: bool
    access_log_retention_days: int
    data_classification: str
    protect: bool
    """``protect``/``retain_on_delete`` of every bucket."""


@dataclass(frozen=True)
class _BucketKind:
    """How a bucket of one purpose is set up."""

    role: str
    locked: bool
    audit: bool
    """Holds audit evidence: tagged ``Retention=audit`` for the Object Lock rule."""


ARCHIVE = _BucketKind("transaction-archive", locked=True, audit=True)
AUDIT = _BucketKind("audit", locked=True, audit=True)
DATA_LAKE = _BucketKind("data-lake", locked=False, audit=False)
ACCESS_LOGS = _BucketKind("access-logs", locked=False, audit=False)


@dataclass
class _Bucket:
    bucket: aws.s3.Bucket
    versioned_name: pulumi.Output[str]
    """The bucket name, known only once versioning is on (replication needs that)."""


class ObjectStorage(pulumi.ComponentResource):
    """Archive, audit, data-lake and access-log buckets, and the archive's replication."""

    archive_bucket_names: dict[str, pulumi.Output[str]]
    """Region -> archive bucket (the primary's source or a replica)."""
    audit_bucket_names: dict[str, pulumi.Output[str]]
    data_lake_bucket_names: dict[str, pulumi.Output[str]]
    data_lake_bucket_arns: dict[str, pulumi.Output[str]]
    access_log_bucket_names: dict[str, pulumi.Output[str]]
    audit_bucket_arn: pulumi.Output[str]
    """The primary audit bucket, where trails deliver."""
    replication_role_arn: pulumi.Output[str] | None
    """The archive replication role; ``None`` in a single-region stack."""

    def __init__(
        self, name: str, args: ObjectStorageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:storage:ObjectStorage", name, None, opts)
        self._name = name
        self._args = args
        self._primary = args.primary_region

        self._log_buckets = {
            region: self._create_bucket(region, ACCESS_LOGS) for region in args.regions
        }
        self.access_log_bucket_names = {r: b.bucket.bucket for r, b in self._log_buckets.items()}

        lake = {region: self._create_bucket(region, DATA_LAKE) for region in args.regions}
        self.data_lake_bucket_names = {r: b.bucket.bucket for r, b in lake.items()}
        self.data_lake_bucket_arns = {r: b.bucket.arn for r, b in lake.items()}

        archives = {region: self._create_bucket(region, ARCHIVE) for region in args.regions}
        audits = {region: self._create_bucket(region, AUDIT) for region in args.regions}
        self.archive_bucket_names = {r: b.bucket.bucket for r, b in archives.items()}
        self.audit_bucket_names = {r: b.bucket.bucket for r, b in audits.items()}
        self.audit_bucket_arn = audits[self._primary].bucket.arn

        self.replication_role_arn = self._create_replication({ARCHIVE: archives, AUDIT: audits})

        self.register_outputs(
            {
                "archiveBucketNames": self.archive_bucket_names,
                "auditBucketNames": self.audit_bucket_names,
                "dataLakeBucketNames": self.data_lake_bucket_names,
                "accessLogBucketNames": self.access_log_bucket_names,
            }
        )

    def _opts(self, region: str, **kwargs: object) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, provider=self._args.providers[region], **kwargs)  # type: ignore[arg-type]

    def _bucket_name(self, region: str, role: str) -> pulumi.Output[str]:
        code = self._args.regions[region].region_code
        return pulumi.Output.concat(
            self._args.namer.regional_name(code, role), "-", self._args.account_id
        )

    # -- one bucket ------------------------------------------------------------------------

    def _create_bucket(self, region: str, kind: _BucketKind) -> _Bucket:
        args = self._args
        prefix = f"{self._name}-{region}-{kind.role}"
        # Access logs use SSE-S3: AWS documents SSE-S3 as the default encryption a
        # server-access-log destination supports. They hold request metadata only,
        # and cannot be object-locked: S3 refuses a locked bucket as a log destination.
        key_arn = None if kind is ACCESS_LOGS else args.regions[region].data_key_arn
        tags = naming.data_tags("Internal" if kind is ACCESS_LOGS else args.data_classification)
        if kind.audit:
            tags["Retention"] = "audit"
        bucket = aws.s3.Bucket(
            prefix,
            bucket=self._bucket_name(region, kind.role),
            object_lock_enabled=kind.locked,
            force_destroy=False,
            tags=tags,
            opts=self._opts(region, protect=args.protect, retain_on_delete=args.protect),
        )
        child = pulumi.ResourceOptions(parent=bucket)
        aws.s3.BucketOwnershipControls(
            f"{prefix}-ownership",
            bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child,
        )
        aws.s3.BucketPublicAccessBlock(
            f"{prefix}-public-access",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        versioning = aws.s3.BucketVersioning(
            f"{prefix}-versioning",
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(
                status="Enabled"
            ),
            # MFA delete is switched on by the root user (docs/data-tier.md); the
            # program must not read it as drift, nor try to undo it.
            opts=pulumi.ResourceOptions(
                parent=bucket,
                ignore_changes=["versioningConfiguration.mfaDelete"] if kind.locked else None,
            ),
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{prefix}-encryption",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="aws:kms" if key_arn is not None else "AES256",
                        kms_master_key_id=key_arn,
                    ),
                    bucket_key_enabled=key_arn is not None,
                    blocked_encryption_types=["SSE-C"],
                )
            ],
            opts=child,
        )
        if kind.locked:
            aws.s3.BucketObjectLockConfiguration(
                f"{prefix}-object-lock",
                bucket=bucket.id,
                object_lock_enabled="Enabled",
                rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
                    default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(
                        mode=args.object_lock_mode, days=args.object_lock_retention_days
                    )
                ),
                opts=child,
            )
        aws.s3.BucketLifecycleConfiguration(
            f"{prefix}-lifecycle",
            bucket=versioning.bucket,
            rules=self._lifecycle_rules(kind),
            opts=child,
        )
        if kind is not ACCESS_LOGS:
            aws.s3.BucketLogging(
                f"{prefix}-logging",
                bucket=bucket.id,
                target_bucket=self._log_buckets[region].bucket.id,
                target_prefix=f"{kind.role}/",
                opts=child,
            )
        aws.s3.BucketPolicy(
            f"{prefix}-policy",
            bucket=bucket.id,
            policy=pulumi.Output.all(
                bucket.arn, key_arn or "", args.account_id, args.partition
            ).apply(lambda v: iam.to_json(self._bucket_policy(kind, v[0], v[1], v[2], v[3]))),
            opts=child,
        )
        return _Bucket(bucket=bucket, versioned_name=versioning.bucket)

    def _lifecycle_rules(
        self, kind: _BucketKind
    ) -> list[aws.s3.BucketLifecycleConfigurationRuleArgs]:
        args = self._args
        if kind.locked:
            transitions = [
                ("GLACIER_IR", args.cold_transition_days),
                ("DEEP_ARCHIVE", args.deep_archive_transition_days),
            ]
            expiration_days: int | None = args.archive_expiration_days
        elif kind is ACCESS_LOGS:
            transitions = [("GLACIER_IR", ACCESS_LOG_COLD_DAYS)]
            expiration_days = args.access_log_retention_days
        else:
            transitions = [("INTELLIGENT_TIERING", DATA_LAKE_TIERING_DAYS)]
            expiration_days = None
        return [
            aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="tiering-and-expiry",
                status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                transitions=[
                    aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(
                        storage_class=storage_class, days=days
                    )
                    for storage_class, days in transitions
                ],
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(
                    days=expiration_days
                )
                if expiration_days is not None
                else None,
                # Object Lock keeps locked versions until their retention ends, whatever
                # this says; after that, superseded versions go after 30 days.
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=NONCURRENT_VERSION_DAYS
                ),
                abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                    days_after_initiation=ABORT_MULTIPART_DAYS
                ),
            )
        ]

    def _bucket_policy(
        self, kind: _BucketKind, arn: str, key_arn: str, account_id: str, partition: str
    ) -> dict[str, Any]:
        objects = f"{arn}/*"
        everyone = {"AWS": "*"}
        statements = [
            iam.statement(
                "DenyInsecureTransport",
                ["s3:*"],
                [arn, objects],
                effect="Deny",
                principals=everyone,
                conditions={"Bool": {"aws:SecureTransport": "false"}},
            ),
            iam.statement(
                "DenyOldTls",
                ["s3:*"],
                [arn, objects],
                effect="Deny",
                principals=everyone,
                conditions={"NumericLessThan": {"s3:TlsVersion": MIN_TLS_VERSION}},
            ),
            # An upload without encryption headers gets the bucket's default key, so
            # every object is encrypted with it; what must be refused is an upload that
            # asks for another algorithm or another key.
            iam.statement(
                "DenyOtherEncryption",
                ["s3:PutObject"],
                [objects],
                effect="Deny",
                principals=everyone,
                conditions={
                    "StringNotEqualsIfExists": {
                        "s3:x-amz-server-side-encryption": "aws:kms" if key_arn else "AES256"
                    }
                },
            ),
        ]
        if key_arn:
            statements.append(
                iam.statement(
                    "DenyOtherKeys",
                    ["s3:PutObject"],
                    [objects],
                    effect="Deny",
                    principals=everyone,
                    conditions={
                        "StringNotEqualsIfExists": {
                            "s3:x-amz-server-side-encryption-aws-kms-key-id": key_arn
                        }
                    },
                )
            )
        if kind is ACCESS_LOGS:
            statements.append(
                iam.statement(
                    "ServerAccessLogDelivery",
                    ["s3:PutObject"],
                    [objects],
                    principals={"Service": "logging.s3.amazonaws.com"},
                    conditions={
                        "StringEquals": {"aws:SourceAccount": account_id},
                        "ArnLike": {
                            "aws:SourceArn": f"arn:{partition}:s3:::"
                            f"{self._args.namer.global_name('')}*"
                        },
                    },
                )
            )
        return iam.document(statements)

    # -- replication -----------------------------------------------------------------------

    def _create_replication(
        self, groups: Mapping[_BucketKind, Mapping[str, _Bucket]]
    ) -> pulumi.Output[str] | None:
        """The role and the replication rules; ``None`` when the stack has one region."""
        args = self._args
        replicas = [region for region in args.regions if region != self._primary]
        if not replicas:
            return None
        role = aws.iam.Role(
            f"{self._name}-replication-role",
            name=args.namer.global_name("archive-replication"),
            description="S3 replication of the archive and audit buckets to the replica regions",
            assume_role_policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account: iam.to_json(iam.service_trust("s3.amazonaws.com", account))
            ),
            opts=self._opts(self._primary),
        )
        sources = [group[self._primary] for group in groups.values()]
        destinations = [(r, group[r]) for group in groups.values() for r in replicas]
        aws.iam.RolePolicy(
            f"{self._name}-replication-policy",
            role=role.id,
            policy=pulumi.Output.all(
                [source.bucket.arn for source in sources],
                [bucket.bucket.arn for _, bucket in destinations],
                args.regions[self._primary].data_key_arn,
                [args.regions[region].data_key_arn for region in replicas],
            ).apply(lambda v: iam.to_json(self._replication_policy(v[0], v[1], v[2], v[3]))),
            opts=pulumi.ResourceOptions(parent=role),
        )
        for kind, group in groups.items():
            destinations_of_kind = [(region, group[region]) for region in replicas]
            self._replication_config(kind.role, group[self._primary], destinations_of_kind, role)
        return role.arn

    def _replication_config(
        self,
        role_name: str,
        source: _Bucket,
        destinations: Sequence[tuple[str, _Bucket]],
        role: aws.iam.Role,
    ) -> None:
        args = self._args
        rtc = args.replication_time_control
        rules = [
            aws.s3.BucketReplicationConfigRuleArgs(
                id=f"to-{region}",
                priority=index,
                status="Enabled",
                filter=aws.s3.BucketReplicationConfigRuleFilterArgs(prefix=""),
                # Deletes stay where they were made: a delete marker in the primary must
                # not hide an object in the copies.
                delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(
                    status="Disabled"
                ),
                source_selection_criteria=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
                    sse_kms_encrypted_objects=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(
                        status="Enabled"
                    )
                ),
                destination=aws.s3.BucketReplicationConfigRuleDestinationArgs(
                    bucket=pulumi.Output.concat(
                        "arn:", args.partition, ":s3:::", destination.versioned_name
                    ),
                    storage_class="STANDARD",
                    encryption_configuration=aws.s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs(
                        replica_kms_key_id=args.regions[region].data_key_arn
                    ),
                    replication_time=aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeArgs(
                        status="Enabled",
                        time=aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeTimeArgs(
                            minutes=15
                        ),
                    )
                    if rtc
                    else None,
                    metrics=aws.s3.BucketReplicationConfigRuleDestinationMetricsArgs(
                        status="Enabled",
                        event_threshold=aws.s3.BucketReplicationConfigRuleDestinationMetricsEventThresholdArgs(
                            minutes=15
                        ),
                    )
                    if rtc
                    else None,
                ),
            )
            for index, (region, destination) in enumerate(destinations)
        ]
        # Both ends must be versioned first: the source through ``versioned_name``,
        # each destination through its ARN above. Object Lock buckets replicate
        # without the support token older accounts needed.
        aws.s3.BucketReplicationConfig(
            f"{self._name}-{role_name}-replication",
            bucket=source.versioned_name,
            role=role.arn,
            rules=rules,
            opts=pulumi.ResourceOptions(parent=source.bucket),
        )

    def _replication_policy(
        self,
        source_arns: list[str],
        destination_arns: list[str],
        source_key_arn: str,
        destination_key_arns: list[str],
    ) -> dict[str, Any]:
        primary = self._primary
        replicas = [region for region in self._args.regions if region != primary]
        return iam.document(
            [
                iam.statement(
                    "ReadSourceConfiguration",
                    ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                    source_arns,
                ),
                iam.statement(
                    "ReadSourceVersions",
                    REPLICATION_READ_ACTIONS,
                    [f"{arn}/*" for arn in source_arns],
                ),
                iam.statement(
                    "WriteReplicas",
                    REPLICATION_WRITE_ACTIONS,
                    [f"{arn}/*" for arn in destination_arns],
                ),
                iam.statement(
                    "DecryptSource",
                    ["kms:Decrypt"],
                    [source_key_arn],
                    conditions={
                        "StringEquals": {"kms:ViaService": f"s3.{primary}.amazonaws.com"},
                        "ArnLike": {
                            "kms:EncryptionContext:aws:s3:arn": [f"{arn}/*" for arn in source_arns]
                        },
                    },
                ),
                iam.statement(
                    "EncryptReplicas",
                    ["kms:Encrypt", "kms:GenerateDataKey"],
                    destination_key_arns,
                    conditions={
                        "StringEquals": {
                            "kms:ViaService": [f"s3.{region}.amazonaws.com" for region in replicas]
                        },
                        "ArnLike": {
                            "kms:EncryptionContext:aws:s3:arn": [
                                f"{arn}/*" for arn in destination_arns
                            ]
                        },
                    },
                ),
            ]
        )


# --------------------------------------------------------------------------------------------
# EFS


@dataclass(frozen=True)
class SharedFileSystemArgs:
    """Inputs of one region's shared file system."""

    namer: Namer
    region_code: str
    vpc_id: pulumi.Input[str]
    private_subnet_ids: Sequence[pulumi.Input[str]]
    """Mount targets go here, next to the workloads that mount them."""
    app_security_group_id: pulumi.Input[str]
    """The application tier: the only source admitted on NFS."""
    data_key_arn: pulumi.Input[str]
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    ia_transition: str
    """When files move to Infrequent Access, e.g. ``AFTER_30_DAYS``."""
    data_classification: str
    protect: bool


class SharedFileSystem(pulumi.ComponentResource):
    """One region's statement and batch file system."""

    file_system_id: pulumi.Output[str]
    file_system_arn: pulumi.Output[str]
    access_point_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: SharedFileSystemArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:storage:SharedFileSystem", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        physical = args.namer.regional_name(args.region_code, "statements")

        group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description="Statement file system: NFS from the application tier only",
            tags={"Name": f"{physical}-efs-sg"},
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-nfs-from-app",
            security_group_id=group.id,
            referenced_security_group_id=args.app_security_group_id,
            ip_protocol="tcp",
            from_port=NFS_PORT,
            to_port=NFS_PORT,
            description="NFS from the application tier",
            opts=pulumi.ResourceOptions(parent=group),
        )
        # Automatic EFS backups (the AWS default plan and vault, AWS-managed key) stay
        # off: the platform's own backup plan selects this file system.
        file_system = aws.efs.FileSystem(
            f"{name}-fs",
            creation_token=physical,
            encrypted=True,
            kms_key_id=args.data_key_arn,
            performance_mode="generalPurpose",
            throughput_mode="elastic",
            lifecycle_policies=[
                aws.efs.FileSystemLifecyclePolicyArgs(transition_to_ia=args.ia_transition),
                aws.efs.FileSystemLifecyclePolicyArgs(
                    transition_to_primary_storage_class="AFTER_1_ACCESS"
                ),
            ],
            tags={"Name": physical, **naming.data_tags(args.data_classification)},
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, retain_on_delete=args.protect
            ),
        )
        for index, subnet_id in enumerate(args.private_subnet_ids):
            aws.efs.MountTarget(
                f"{name}-mount-{index + 1}",
                file_system_id=file_system.id,
                subnet_id=subnet_id,
                security_groups=[group.id],
                opts=pulumi.ResourceOptions(parent=file_system),
            )
        access_point = aws.efs.AccessPoint(
            f"{name}-statements-ap",
            file_system_id=file_system.id,
            posix_user=aws.efs.AccessPointPosixUserArgs(uid=STATEMENTS_UID, gid=STATEMENTS_UID),
            root_directory=aws.efs.AccessPointRootDirectoryArgs(
                path="/statements",
                creation_info=aws.efs.AccessPointRootDirectoryCreationInfoArgs(
                    owner_uid=STATEMENTS_UID, owner_gid=STATEMENTS_UID, permissions="750"
                ),
            ),
            tags={"Name": f"{physical}-ap"},
            opts=pulumi.ResourceOptions(parent=file_system),
        )
        aws.efs.FileSystemPolicy(
            f"{name}-policy",
            file_system_id=file_system.id,
            policy=pulumi.Output.all(file_system.arn, args.account_id, args.partition).apply(
                lambda v: iam.to_json(_file_system_policy(v[0], v[1], v[2]))
            ),
            opts=pulumi.ResourceOptions(parent=file_system),
        )

        self.file_system_id = file_system.id
        self.file_system_arn = file_system.arn
        self.access_point_arn = access_point.arn
        self.security_group_id = group.id
        self.register_outputs(
            {"fileSystemId": self.file_system_id, "accessPointArn": self.access_point_arn}
        )


def _file_system_policy(arn: str, account_id: str, partition: str) -> dict[str, Any]:
    return iam.document(
        [
            iam.statement(
                "DenyInsecureTransport",
                ["*"],
                [arn],
                effect="Deny",
                principals={"AWS": "*"},
                conditions={"Bool": {"aws:SecureTransport": "false"}},
            ),
            iam.statement(
                "MountThroughMountTargets",
                ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                [arn],
                principals={"AWS": f"arn:{partition}:iam::{account_id}:root"},
                conditions={"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
            ),
        ]
    )
