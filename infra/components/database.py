"""Database domain, once per stack (REQUIREMENTS 3.5).

An Aurora PostgreSQL global database: the primary cluster in the primary
region, a read-only secondary cluster in each chosen replica region, each in
the region's isolated subnets behind its own security group that admits the
application tier only. Storage is encrypted with the region's data key, IAM
authentication is on, backups keep 35 days of point-in-time recovery, the
PostgreSQL log goes to a log group the platform owns (logs key, audit
retention), and the secondaries forward writes to the primary with the read
consistency the configuration names.

The master password is the generated secret from the secrets domain, never a
literal: Aurora's own managed master password (``manage_master_user_password``)
is not available here, because the Aurora User Guide ("Limitations for Secrets
Manager integration with Amazon Aurora") lists DB clusters that are part of an
Aurora global database among the features it does not support.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra import naming
from infra.naming import Namer

ENGINE = "aurora-postgresql"
PORT = 5432
CA_CERTIFICATE = "rds-ca-rsa2048-g1"
LOG_EXPORTS = ("postgresql",)
BACKUP_WINDOW = "03:00-04:00"
MAINTENANCE_WINDOW = "sun:05:00-sun:06:00"
"""After the backup window and the daily AWS Backup job, at the week's quietest hour."""
PERFORMANCE_INSIGHTS_RETENTION_DAYS = 7
CONSISTENCY_PARAMETER = "apg_write_forward.consistency_mode"
"""Aurora PostgreSQL's read-consistency parameter for write forwarding. (Aurora MySQL calls
its counterpart ``aurora_replica_read_consistency``; that name does not exist in PostgreSQL.)"""


@dataclass(frozen=True)
class DatabaseRegion:
    """What one region's cluster needs from that region's network and keys."""

    region_code: str
    """Short region code for names."""
    vpc_id: pulumi.Input[str]
    isolated_subnet_ids: Sequence[pulumi.Input[str]]
    """Data-tier subnets, one per zone; the cluster's subnet group."""
    app_security_group_id: pulumi.Input[str]
    """The application tier: the only source admitted on the PostgreSQL port."""
    data_key_arn: pulumi.Input[str]
    """The region's data key: storage and Performance Insights."""
    logs_key_arn: pulumi.Input[str]
    """The region's logs key: the exported PostgreSQL log."""


@dataclass(frozen=True)
class GlobalDatabaseArgs:
    """Inputs of the Aurora global database."""

    namer: Namer
    """Builds physical names for the environment."""
    primary_region: str
    """Region of the primary (writer) cluster."""
    regions: Mapping[str, DatabaseRegion]
    """Every region with a cluster, the primary included."""
    providers: Mapping[str, pulumi.ProviderResource]
    """The AWS provider of each region, made once at the top."""
    primary_cluster_identifier: str
    """Fixed identifier of the primary cluster; the rotation function names it."""
    master_username: str
    master_password: pulumi.Input[str]
    """The generated master password from the secrets domain (a secret output)."""
    engine_version: str
    """Aurora PostgreSQL major.minor version, validated by the configuration."""
    instance_class: str
    instances_per_cluster: int
    backup_retention_days: int
    read_consistency: str
    """``SESSION`` or ``GLOBAL``: how forwarded writes become visible to later reads."""
    database_name: str
    log_retention_days: int
    """Retention of the exported PostgreSQL log (audit evidence)."""
    data_classification: str
    """DataClassification tag of the clusters."""
    deletion_protection: bool
    """Deletion protection in AWS and ``protect``/``retain_on_delete`` in the engine."""

    @property
    def engine_major(self) -> str:
        """The major version, e.g. ``17``."""
        return self.engine_version.split(".", 1)[0]


class GlobalDatabase(pulumi.ComponentResource):
    """The global cluster and its regional clusters, instances and network guards."""

    global_cluster_id: pulumi.Output[str]
    cluster_arns: dict[str, pulumi.Output[str]]
    """Region -> regional cluster ARN."""
    cluster_identifiers: dict[str, pulumi.Output[str]]
    writer_endpoints: dict[str, pulumi.Output[str]]
    """Region -> cluster endpoint (on a secondary it serves forwarded writes)."""
    reader_endpoints: dict[str, pulumi.Output[str]]
    security_group_ids: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, args: GlobalDatabaseArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:database:GlobalDatabase", name, None, opts)
        self._name = name
        self._args = args
        self._protect = args.deletion_protection

        self._global = self._create_global_cluster()
        self.global_cluster_id = self._global.global_cluster_identifier

        self.cluster_arns = {}
        self.cluster_identifiers = {}
        self.writer_endpoints = {}
        self.reader_endpoints = {}
        self.security_group_ids = {}
        primary_instances = self._create_regional_cluster(args.primary_region, after=[])
        for region in args.regions:
            if region != args.primary_region:
                self._create_regional_cluster(region, after=primary_instances)

        self.register_outputs(
            {
                "globalClusterId": self.global_cluster_id,
                "clusterArns": self.cluster_arns,
                "writerEndpoints": self.writer_endpoints,
                "readerEndpoints": self.reader_endpoints,
            }
        )

    def _opts(self, region: str, **kwargs: object) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, provider=self._args.providers[region], **kwargs)  # type: ignore[arg-type]

    def _stateful(self, region: str, **kwargs: object) -> pulumi.ResourceOptions:
        return self._opts(region, protect=self._protect, retain_on_delete=self._protect, **kwargs)

    def _cluster_identifier(self, region: str) -> str:
        if region == self._args.primary_region:
            return self._args.primary_cluster_identifier
        return self._args.namer.regional_name(self._args.regions[region].region_code, "ledger-db")

    # -- steps -----------------------------------------------------------------------------

    def _create_global_cluster(self) -> aws.rds.GlobalCluster:
        args = self._args
        return aws.rds.GlobalCluster(
            f"{self._name}-global",
            global_cluster_identifier=args.namer.global_name("ledger-global"),
            engine=ENGINE,
            engine_version=args.engine_version,
            database_name=args.database_name,
            storage_encrypted=True,
            deletion_protection=args.deletion_protection,
            tags=naming.data_tags(args.data_classification),
            opts=self._stateful(args.primary_region),
        )

    def _create_regional_cluster(
        self, region: str, after: Sequence[pulumi.Resource]
    ) -> list[aws.rds.ClusterInstance]:
        """One region's guards, cluster and instances; returns the instances."""
        args = self._args
        place = args.regions[region]
        prefix = f"{self._name}-{region}"
        identifier = self._cluster_identifier(region)
        is_primary = region == args.primary_region

        security_group = self._create_security_group(region, place)
        subnet_group = aws.rds.SubnetGroup(
            f"{prefix}-subnets",
            name=args.namer.regional_name(place.region_code, "ledger-db-subnets"),
            description="Isolated (data-tier) subnets of the ledger database",
            subnet_ids=list(place.isolated_subnet_ids),
            opts=self._opts(region),
        )
        parameters = self._create_parameter_group(region, place)
        # RDS creates the export's log group on first write, unencrypted and kept
        # forever, unless it already exists: it must exist before the cluster, and
        # its name comes from the identifier string, so no output can order them.
        log_group = aws.cloudwatch.LogGroup(
            f"{prefix}-postgresql-log",
            name=f"/aws/rds/cluster/{identifier}/postgresql",
            kms_key_id=place.logs_key_arn,
            retention_in_days=args.log_retention_days,
            opts=self._opts(region),
        )

        if is_primary:
            # After the first rotation the password lives in Secrets Manager only.
            cluster_opts = self._stateful(
                region, depends_on=[log_group], ignore_changes=["masterPassword"]
            )
        else:
            # A secondary can join only once the primary has a writer; no output of the
            # instances feeds the secondary, so the order is stated. Aurora sets the
            # replication source itself, which must not read as drift.
            cluster_opts = self._stateful(
                region,
                depends_on=[log_group, *after],
                ignore_changes=["replicationSourceIdentifier"],
            )
        cluster = aws.rds.Cluster(
            f"{prefix}-cluster",
            cluster_identifier=identifier,
            engine=self._global.engine,
            engine_version=self._global.engine_version,
            global_cluster_identifier=self._global.global_cluster_identifier,
            # Secondaries take their credentials from the primary through replication.
            master_username=args.master_username if is_primary else None,
            master_password=pulumi.Output.secret(args.master_password) if is_primary else None,
            enable_global_write_forwarding=None if is_primary else True,
            storage_encrypted=True,
            kms_key_id=place.data_key_arn,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[security_group.id],
            db_cluster_parameter_group_name=parameters.name,
            port=PORT,
            iam_database_authentication_enabled=True,
            deletion_protection=args.deletion_protection,
            backup_retention_period=args.backup_retention_days,
            preferred_backup_window=BACKUP_WINDOW,
            preferred_maintenance_window=MAINTENANCE_WINDOW,
            copy_tags_to_snapshot=True,
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            # The primary leaves a final snapshot; a secondary holds no data of its own.
            skip_final_snapshot=not is_primary,
            final_snapshot_identifier=f"{identifier}-final" if is_primary else None,
            tags=naming.data_tags(args.data_classification),
            opts=cluster_opts,
        )

        instances = [
            aws.rds.ClusterInstance(
                f"{prefix}-instance-{index + 1}",
                identifier=f"{identifier}-{index + 1}",
                cluster_identifier=cluster.cluster_identifier,
                engine=aws.rds.EngineType.AURORA_POSTGRESQL,
                engine_version=cluster.engine_version,
                instance_class=args.instance_class,
                db_subnet_group_name=subnet_group.name,
                publicly_accessible=False,
                auto_minor_version_upgrade=True,
                ca_cert_identifier=CA_CERTIFICATE,
                performance_insights_enabled=True,
                performance_insights_kms_key_id=place.data_key_arn,
                performance_insights_retention_period=PERFORMANCE_INSIGHTS_RETENTION_DAYS,
                promotion_tier=index,
                copy_tags_to_snapshot=True,
                tags=naming.data_tags(args.data_classification),
                opts=self._opts(region),
            )
            for index in range(args.instances_per_cluster)
        ]

        self.cluster_arns[region] = cluster.arn
        self.cluster_identifiers[region] = cluster.cluster_identifier
        self.writer_endpoints[region] = cluster.endpoint
        self.reader_endpoints[region] = cluster.reader_endpoint
        self.security_group_ids[region] = security_group.id
        return instances

    def _create_security_group(self, region: str, place: DatabaseRegion) -> aws.ec2.SecurityGroup:
        prefix = f"{self._name}-{region}"
        group = aws.ec2.SecurityGroup(
            f"{prefix}-sg",
            vpc_id=place.vpc_id,
            description="Ledger database: PostgreSQL from the application tier only",
            tags={"Name": self._args.namer.regional_name(place.region_code, "ledger-db-sg")},
            # No egress rule: the database opens no connection; AWS replicates the
            # global database outside the VPC.
            opts=self._opts(region),
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{prefix}-postgres-from-app",
            security_group_id=group.id,
            referenced_security_group_id=place.app_security_group_id,
            ip_protocol="tcp",
            from_port=PORT,
            to_port=PORT,
            description="PostgreSQL from the application tier",
            opts=pulumi.ResourceOptions(parent=group),
        )
        return group

    def _create_parameter_group(
        self, region: str, place: DatabaseRegion
    ) -> aws.rds.ClusterParameterGroup:
        args = self._args
        # Every region carries the consistency setting, the primary too: after a
        # switchover the old primary is a secondary and must forward the same way.
        parameters = [
            (CONSISTENCY_PARAMETER, args.read_consistency, "immediate"),
            ("rds.force_ssl", "1", "pending-reboot"),
            ("log_connections", "1", "immediate"),
            ("log_disconnections", "1", "immediate"),
        ]
        return aws.rds.ClusterParameterGroup(
            f"{self._name}-{region}-params",
            name=args.namer.regional_name(place.region_code, f"ledger-pg{args.engine_major}"),
            family=f"{ENGINE}{args.engine_major}",
            description="Ledger database: TLS only, connection logging, write-forwarding reads",
            parameters=[
                aws.rds.ClusterParameterGroupParameterArgs(
                    name=key, value=value, apply_method=method
                )
                for key, value, method in parameters
            ],
            opts=self._opts(region),
        )
