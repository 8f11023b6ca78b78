"""Cache domain, once per stack (REQUIREMENTS 3.7).

An ElastiCache Global Datastore: the primary replication group in the primary
region and a secondary group in each chosen replica region, all multi-AZ with
automatic failover, encrypted at rest with the region's data key and in
transit (TLS required), protected by an AUTH token, in the isolated subnets
behind a security group that admits the application tier only, with daily
snapshots of the primary.

The AUTH token is generated with pulumi-random (a secret in state) and stored
in a Secrets Manager secret replicated to the secondary regions, where the
services read it at run time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from infra import naming
from infra.naming import Namer

PORT = 6379
AUTH_TOKEN_LENGTH = 64
SNAPSHOT_WINDOW = "02:00-03:00"
MAINTENANCE_WINDOW = "sun:06:00-sun:07:00"
SECRET_RECOVERY_DAYS = 30


@dataclass(frozen=True)
class CacheRegion:
    """What one region's replication group needs from that region's network and keys."""

    region_code: str
    vpc_id: pulumi.Input[str]
    isolated_subnet_ids: Sequence[pulumi.Input[str]]
    app_security_group_id: pulumi.Input[str]
    """The application tier: the only source admitted on the Redis port."""
    data_key_arn: pulumi.Input[str]
    secrets_key_arn: pulumi.Input[str]
    """Encrypts the AUTH token secret (or its replica) in this region."""


@dataclass(frozen=True)
class GlobalCacheArgs:
    """Inputs of the Global Datastore."""

    namer: Namer
    primary_region: str
    regions: Mapping[str, CacheRegion]
    """Every region with a replication group, the primary included."""
    providers: Mapping[str, pulumi.ProviderResource]
    engine: str
    engine_version: str
    node_type: str
    """Validated by the configuration against the Global Datastore families."""
    nodes_per_region: int
    snapshot_retention_days: int
    data_classification: str
    deletion_protection: bool
    """``protect``/``retain_on_delete`` of the groups and the token secret."""


class GlobalCache(pulumi.ComponentResource):
    """The Global Datastore, its regional groups and the AUTH token secret."""

    global_datastore_id: pulumi.Output[str]
    replication_group_ids: dict[str, pulumi.Output[str]]
    primary_endpoints: dict[str, pulumi.Output[str]]
    """Region -> primary endpoint (on a secondary, reads only until promoted)."""
    reader_endpoints: dict[str, pulumi.Output[str]]
    auth_secret_arn: pulumi.Output[str]
    security_group_ids: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, args: GlobalCacheArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:cache:GlobalCache", name, None, opts)
        self._name = name
        self._args = args
        self._primary = args.primary_region

        # Not rotated yet: rotating an AUTH token takes ElastiCache's two-step update
        # (ROTATE, then SET) across the Global Datastore, which the shared rotation
        # function does not drive (docs/limitations.md).
        token = random.RandomPassword(
            f"{name}-auth-token",
            length=AUTH_TOKEN_LENGTH,
            special=False,  # AUTH refuses some punctuation; 64 alphanumerics are ample
            opts=pulumi.ResourceOptions(parent=self),
        )
        self._token = pulumi.Output.secret(token.result)

        self.replication_group_ids = {}
        self.primary_endpoints = {}
        self.reader_endpoints = {}
        self.security_group_ids = {}
        primary = self._create_group(self._primary, global_datastore=None)
        datastore = aws.elasticache.GlobalReplicationGroup(
            f"{name}-global",
            global_replication_group_id_suffix=args.namer.global_name("sessions"),
            global_replication_group_description="Sessions and hot reads, replicated to the "
            "replica regions",
            primary_replication_group_id=primary.id,
            opts=self._opts(self._primary),
        )
        self.global_datastore_id = datastore.global_replication_group_id
        for region in args.regions:
            if region != self._primary:
                self._create_group(region, global_datastore=datastore)

        self.auth_secret_arn = self._create_auth_secret()

        self.register_outputs(
            {
                "globalDatastoreId": self.global_datastore_id,
                "primaryEndpoints": self.primary_endpoints,
                "authSecretArn": self.auth_secret_arn,
            }
        )

    def _opts(self, region: str, **kwargs: object) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, provider=self._args.providers[region], **kwargs)  # type: ignore[arg-type]

    def _create_group(
        self, region: str, global_datastore: aws.elasticache.GlobalReplicationGroup | None
    ) -> aws.elasticache.ReplicationGroup:
        args = self._args
        place = args.regions[region]
        prefix = f"{self._name}-{region}"
        security_group = aws.ec2.SecurityGroup(
            f"{prefix}-sg",
            vpc_id=place.vpc_id,
            description="Sessions cache: Redis over TLS from the application tier only",
            tags={"Name": args.namer.regional_name(place.region_code, "sessions-redis-sg")},
            opts=self._opts(region),
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{prefix}-redis-from-app",
            security_group_id=security_group.id,
            referenced_security_group_id=place.app_security_group_id,
            ip_protocol="tcp",
            from_port=PORT,
            to_port=PORT,
            description="Redis (TLS) from the application tier",
            opts=pulumi.ResourceOptions(parent=security_group),
        )
        subnet_group = aws.elasticache.SubnetGroup(
            f"{prefix}-subnets",
            name=args.namer.regional_name(place.region_code, "sessions-redis-subnets"),
            description="Isolated (data-tier) subnets of the sessions cache",
            subnet_ids=list(place.isolated_subnet_ids),
            opts=self._opts(region),
        )
        stateful = self._opts(
            region, protect=args.deletion_protection, retain_on_delete=args.deletion_protection
        )
        common = {
            "replication_group_id": args.namer.regional_name(place.region_code, "sessions-redis"),
            "num_cache_clusters": args.nodes_per_region,
            "automatic_failover_enabled": True,
            "multi_az_enabled": True,
            "kms_key_id": place.data_key_arn,
            "auth_token": self._token,
            "port": PORT,
            "subnet_group_name": subnet_group.name,
            "security_group_ids": [security_group.id],
            "maintenance_window": MAINTENANCE_WINDOW,
            "tags": naming.data_tags(args.data_classification),
        }
        if global_datastore is None:
            group = aws.elasticache.ReplicationGroup(
                f"{prefix}-group",
                description="Sessions cache, Global Datastore primary",
                engine=args.engine,
                engine_version=args.engine_version,
                node_type=args.node_type,
                at_rest_encryption_enabled=True,
                transit_encryption_enabled=True,
                transit_encryption_mode="required",
                snapshot_retention_limit=args.snapshot_retention_days,
                snapshot_window=SNAPSHOT_WINDOW,
                **common,
                opts=stateful,
            )
        else:
            # A secondary inherits engine, version, node type and both encryption
            # switches from the Global Datastore (the provider refuses them here); the
            # key is regional and the token must match the primary's.
            group = aws.elasticache.ReplicationGroup(
                f"{prefix}-group",
                description="Sessions cache, Global Datastore secondary",
                global_replication_group_id=global_datastore.global_replication_group_id,
                **common,
                opts=stateful,
            )
        self.replication_group_ids[region] = group.id
        self.primary_endpoints[region] = group.primary_endpoint_address
        self.reader_endpoints[region] = group.reader_endpoint_address
        self.security_group_ids[region] = security_group.id
        return group

    def _create_auth_secret(self) -> pulumi.Output[str]:
        args = self._args
        secret = aws.secretsmanager.Secret(
            f"{self._name}-auth-secret",
            name=args.namer.global_name("sessions-redis-auth"),
            description="AUTH token of the sessions Global Datastore",
            kms_key_id=args.regions[self._primary].secrets_key_arn,
            recovery_window_in_days=SECRET_RECOVERY_DAYS,
            replicas=[
                aws.secretsmanager.SecretReplicaArgs(
                    region=region, kms_key_id=place.secrets_key_arn
                )
                for region, place in args.regions.items()
                if region != self._primary
            ],
            tags={"DataClassification": "Secret"},
            opts=self._opts(
                self._primary,
                protect=args.deletion_protection,
                retain_on_delete=args.deletion_protection,
            ),
        )
        aws.secretsmanager.SecretVersion(
            f"{self._name}-auth-secret-value",
            secret_id=secret.id,
            secret_string=pulumi.Output.secret(
                pulumi.Output.json_dumps(
                    {"rotationStrategy": "none", "authToken": self._token, "port": PORT}
                )
            ),
            opts=pulumi.ResourceOptions(parent=secret),
        )
        return secret.arn
