"""Tables domain, once per stack (REQUIREMENTS 3.6).

DynamoDB global tables (version 2019.11.21) created in the primary region
with a replica in every replica region: on-demand capacity, point-in-time
recovery, each replica encrypted with its own region's data key, streams
(global tables replicate through them), deletion protection, and TTL on the
attribute that marks expiring items.

Replicas accept writes and replicate them asynchronously (last writer wins),
so a conditional idempotency write is exactly-once only in one region: the
transaction path writes idempotency records in the primary region.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from infra import naming
from infra.naming import Namer

PITR_RECOVERY_DAYS = 35
TTL_ATTRIBUTE = "expiresAt"


@dataclass(frozen=True)
class TableIndex:
    """A global secondary index (all attributes projected)."""

    name: str
    hash_key: str
    range_key: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """One global table's keys and purpose."""

    role: str
    """Physical-name suffix and output key, e.g. ``sessions``."""
    description: str
    hash_key: str
    range_key: str | None = None
    expires: bool = True
    """Whether items carry ``expiresAt`` for TTL."""
    indexes: tuple[TableIndex, ...] = ()

    @property
    def key_attributes(self) -> list[str]:
        """Every attribute a key or index names (all strings), in a stable order."""
        names = [self.hash_key, *([self.range_key] if self.range_key else [])]
        for index in self.indexes:
            names += [index.hash_key, *([index.range_key] if index.range_key else [])]
        return list(dict.fromkeys(names))


TABLES: tuple[TableSpec, ...] = (
    TableSpec("sessions", "Customer sessions; expire by TTL", hash_key="sessionId"),
    TableSpec(
        "transactions",
        "Ledger entries and idempotency records; only idempotency records carry expiresAt",
        hash_key="pk",
        range_key="sk",
        indexes=(TableIndex("byAccount", hash_key="accountId", range_key="createdAt"),),
    ),
)


@dataclass(frozen=True)
class GlobalTablesArgs:
    """Inputs of the global tables."""

    namer: Namer
    primary_region: str
    data_key_arns: Mapping[str, pulumi.Input[str]]
    """Data key per region, primary included; the replicas are the other regions."""
    data_classification: str
    deletion_protection: bool
    """Deletion protection in AWS and ``protect``/``retain_on_delete`` in the engine."""
    tables: Sequence[TableSpec] = field(default_factory=lambda: TABLES)


class GlobalTables(pulumi.ComponentResource):
    """The platform's global tables, created through the primary region's provider."""

    table_names: dict[str, pulumi.Output[str]]
    """Role -> table name (the same in every region)."""
    table_arns: dict[str, pulumi.Output[str]]
    """Role -> ARN of the table in the primary region."""
    stream_arns: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, args: GlobalTablesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:tables:GlobalTables", name, None, opts)
        self._name = name
        self._args = args

        self.table_names = {}
        self.table_arns = {}
        self.stream_arns = {}
        for spec in args.tables:
            table = self._create_table(spec)
            self.table_names[spec.role] = table.name
            self.table_arns[spec.role] = table.arn
            self.stream_arns[spec.role] = table.stream_arn

        self.register_outputs({"tableNames": self.table_names, "tableArns": self.table_arns})

    def _create_table(self, spec: TableSpec) -> aws.dynamodb.Table:
        args = self._args
        pitr = aws.dynamodb.TablePointInTimeRecoveryArgs(
            enabled=True, recovery_period_in_days=PITR_RECOVERY_DAYS
        )
        replicas = [
            aws.dynamodb.TableReplicaArgs(
                region_name=region,
                kms_key_arn=key_arn,
                point_in_time_recovery=True,
                deletion_protection_enabled=args.deletion_protection,
                propagate_tags=True,
            )
            for region, key_arn in args.data_key_arns.items()
            if region != args.primary_region
        ]
        return aws.dynamodb.Table(
            f"{self._name}-{spec.role}",
            name=args.namer.global_name(spec.role),
            billing_mode="PAY_PER_REQUEST",
            hash_key=spec.hash_key,
            range_key=spec.range_key,
            attributes=[
                aws.dynamodb.TableAttributeArgs(name=attribute, type="S")
                for attribute in spec.key_attributes
            ],
            global_secondary_indexes=[
                aws.dynamodb.TableGlobalSecondaryIndexArgs(
                    name=index.name,
                    key_schemas=[
                        aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                            attribute_name=attribute, key_type=key_type
                        )
                        for attribute, key_type in (
                            (index.hash_key, "HASH"),
                            (index.range_key, "RANGE"),
                        )
                        if attribute
                    ],
                    projection_type="ALL",
                )
                for index in spec.indexes
            ]
            or None,
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(
                enabled=True, kms_key_arn=args.data_key_arns[args.primary_region]
            ),
            point_in_time_recovery=pitr,
            # Global tables replicate through the stream; it must carry both images.
            stream_enabled=True,
            stream_view_type="NEW_AND_OLD_IMAGES",
            ttl=aws.dynamodb.TableTtlArgs(attribute_name=TTL_ATTRIBUTE, enabled=spec.expires),
            deletion_protection_enabled=args.deletion_protection,
            replicas=replicas,
            tags=naming.data_tags(args.data_classification),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.deletion_protection,
                retain_on_delete=args.deletion_protection,
            ),
        )
