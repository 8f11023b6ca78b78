"""The top-level component: providers per region, then every domain, wired by outputs.

Providers are made here, once per region, and handed down; no component
builds its own. Regional domains are instantiated once per region with that
region's provider; global ones once, with the map of providers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_aws_native as aws_native

from infra import naming
from infra.components.backup import Backup, BackupArgs, BackupRegion
from infra.components.cache import CacheRegion, GlobalCache, GlobalCacheArgs
from infra.components.database import DatabaseRegion, GlobalDatabase, GlobalDatabaseArgs
from infra.components.fraud import FraudArgs, FraudScoring
from infra.components.messaging import Messaging, MessagingArgs, Subscription
from infra.components.network import Network, NetworkArgs
from infra.components.secrets import DATABASE_MASTER_USER, Secrets, SecretsArgs
from infra.components.security import Security, SecurityArgs
from infra.components.storage import (
    ObjectStorage,
    ObjectStorageArgs,
    SharedFileSystem,
    SharedFileSystemArgs,
    StorageRegion,
)
from infra.components.tables import TABLES, GlobalTables, GlobalTablesArgs
from infra.components.transit_peering import TransitPeering, TransitPeeringArgs
from infra.components.workflow import TransactionWorkflow, WorkflowArgs
from infra.config import TRANSACTION_PROCESSOR_TIMEOUT_SECONDS, PlatformConfig

BASE_TRANSIT_GATEWAY_ASN = 64512
TRANSACTIONS_TABLE = next(spec for spec in TABLES if spec.role == "transactions")
AURORA_CLUSTER_ROLE = "ledger-db"
# Its rotation changes fingerprints across the rotation date; a dedicated versioned key belongs
# in the secrets domain (docs/limitations.md).
FINGERPRINT_SECRET_ROLE = "card-fingerprint-key"
"""The application secret whose HMAC key fingerprints card numbers."""


@dataclass(frozen=True)
class PlatformArgs:
    """Inputs of the whole platform."""

    config: PlatformConfig
    """The validated stack configuration."""
    project: str = "banking-platform"
    """Project tag value."""


class Platform(pulumi.ComponentResource):
    """Every domain of the banking platform for one environment."""

    providers: dict[str, aws.Provider]
    security: Security
    networks: dict[str, Network]
    peerings: dict[str, TransitPeering]
    secrets: Secrets
    database: GlobalDatabase
    tables: GlobalTables
    cache: GlobalCache
    object_storage: ObjectStorage
    file_systems: dict[str, SharedFileSystem]
    backup: Backup
    messaging: dict[str, Messaging]
    fraud: dict[str, FraudScoring]
    workflows: dict[str, TransactionWorkflow]

    def __init__(
        self, name: str, args: PlatformArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:platform:Platform", name, None, opts)
        self._config = config = args.config
        self._project = args.project
        self.providers = {
            region.region: self._create_provider(region.region, args.project)
            for region in config.regions
        }
        primary = config.primary.region
        invoke = pulumi.InvokeOutputOptions(parent=self, provider=self.providers[primary])
        account_id = aws.get_caller_identity_output(opts=invoke).account_id
        partition = aws.get_partition_output(opts=invoke).partition

        self.security = Security(
            "security",
            SecurityArgs(
                namer=config.namer,
                regions=config.region_names,
                providers=self.providers,
                account_id=account_id,
                partition=partition,
                deploy_role_name=config.security.deploy_role_name,
                key_deletion_window_days=config.security.key_deletion_window_days,
                key_rotation_period_days=config.security.key_rotation_period_days,
                protect=config.controls.deletion_protection,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.networks = {}
        for index, region in enumerate(config.regions):
            self.networks[region.region] = Network(
                f"network-{region.region}",
                NetworkArgs(
                    namer=config.namer,
                    region=region.region,
                    region_code=region.info.short_code,
                    vpc_cidr=region.vpc_cidr,
                    zone_count=config.network.availability_zones,
                    nat_per_zone=config.network.nat_gateways == "perZone",
                    peer_cidrs=self._peer_cidrs(index),
                    transit_gateway_asn=BASE_TRANSIT_GATEWAY_ASN + index,
                    logs_key_arn=self.security.key_arns["logs"][region.region],
                    flow_log_retention_days=config.network.flow_log_retention_days,
                    account_id=account_id,
                    partition=partition,
                ),
                opts=pulumi.ResourceOptions(parent=self, provider=self.providers[region.region]),
            )

        primary_network = self.networks[primary]
        self.peerings = {}
        for replica in config.replicas:
            replica_network = self.networks[replica.region]
            self.peerings[replica.region] = TransitPeering(
                f"peering-{replica.region}",
                TransitPeeringArgs(
                    namer=config.namer,
                    primary_region=primary,
                    replica_region=replica.region,
                    replica_region_code=replica.info.short_code,
                    primary_provider=self.providers[primary],
                    replica_provider=self.providers[replica.region],
                    account_id=account_id,
                    primary_transit_gateway_id=primary_network.transit_gateway_id,
                    replica_transit_gateway_id=replica_network.transit_gateway_id,
                    primary_route_table_id=primary_network.transit_gateway_route_table_id,
                    replica_route_table_id=replica_network.transit_gateway_route_table_id,
                    primary_cidr=config.primary.vpc_cidr,
                    replica_cidr=replica.vpc_cidr,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )

        self.secrets = Secrets(
            "secrets",
            SecretsArgs(
                namer=config.namer,
                primary_region=primary,
                primary_region_code=config.primary.info.short_code,
                replica_regions=[replica.region for replica in config.replicas],
                account_id=account_id,
                partition=partition,
                secrets_key_arns=self.security.key_arns["secrets"],
                logs_key_arn=self.security.key_arns["logs"][primary],
                aurora_cluster_identifier=self.aurora_cluster_identifier,
                rotation_days=config.security.secret_rotation_days,
                log_retention_days=config.logging.retention_days,
                lambda_runtime=config.functions.runtime,
                powertools_layer_version=config.functions.powertools_layer_version,
                vpc_id=primary_network.vpc_id,
                private_subnet_ids=primary_network.private_subnet_ids,
                endpoint_security_group_id=primary_network.endpoint_security_group_id,
                protect=config.controls.deletion_protection,
            ),
            opts=pulumi.ResourceOptions(parent=self, provider=self.providers[primary]),
        )

        self._create_data_tier(account_id, partition)
        self._create_transaction_flow(account_id, partition)

        self.register_outputs(self.exports())

    @property
    def aurora_cluster_identifier(self) -> str:
        """Identifier of the primary Aurora cluster, fixed by naming so secrets can name it."""
        return self._config.namer.regional_name(
            self._config.primary.info.short_code, AURORA_CLUSTER_ROLE
        )

    def _create_data_tier(
        self, account_id: pulumi.Output[str], partition: pulumi.Output[str]
    ) -> None:
        """Database, tables, cache, buckets, file systems and their backups (3.5-3.9, 3.33)."""
        config = self._config
        keys = self.security.key_arns
        primary = config.primary.region
        protect = config.controls.deletion_protection
        classification = config.data_classification
        codes = {region.region: region.info.short_code for region in config.regions}

        def database_region(region: str) -> DatabaseRegion:
            network = self.networks[region]
            return DatabaseRegion(
                region_code=codes[region],
                vpc_id=network.vpc_id,
                isolated_subnet_ids=network.isolated_subnet_ids,
                app_security_group_id=network.app_security_group_id,
                data_key_arn=keys["data"][region],
                logs_key_arn=keys["logs"][region],
            )

        db = config.database
        self.database = GlobalDatabase(
            "database",
            GlobalDatabaseArgs(
                namer=config.namer,
                primary_region=primary,
                regions={
                    region: database_region(region)
                    for region in (primary, *config.database_secondary_regions)
                },
                providers=self.providers,
                primary_cluster_identifier=self.aurora_cluster_identifier,
                master_username=DATABASE_MASTER_USER,
                master_password=self.secrets.database_password,
                engine_version=db.engine_version,
                instance_class=db.instance_class,
                instances_per_cluster=db.instances_per_cluster,
                backup_retention_days=db.backup_retention_days,
                read_consistency=db.read_consistency,
                database_name=db.database_name,
                log_retention_days=config.logging.audit_retention_days,
                data_classification=classification,
                deletion_protection=protect,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.tables = GlobalTables(
            "tables",
            GlobalTablesArgs(
                namer=config.namer,
                primary_region=primary,
                data_key_arns=keys["data"],
                data_classification=classification,
                deletion_protection=protect,
            ),
            opts=pulumi.ResourceOptions(parent=self, provider=self.providers[primary]),
        )

        cache = config.cache
        self.cache = GlobalCache(
            "cache",
            GlobalCacheArgs(
                namer=config.namer,
                primary_region=primary,
                regions={
                    region: CacheRegion(
                        region_code=codes[region],
                        vpc_id=self.networks[region].vpc_id,
                        isolated_subnet_ids=self.networks[region].isolated_subnet_ids,
                        app_security_group_id=self.networks[region].app_security_group_id,
                        data_key_arn=keys["data"][region],
                        secrets_key_arn=keys["secrets"][region],
                    )
                    for region in (primary, *config.cache_secondary_regions)
                },
                providers=self.providers,
                engine=cache.engine,
                engine_version=cache.engine_version,
                node_type=cache.node_type,
                nodes_per_region=cache.nodes_per_region,
                snapshot_retention_days=cache.snapshot_retention_days,
                data_classification=classification,
                deletion_protection=protect,
            ),
            # Global, but its token and token secret live in the primary region; every
            # regional child names its own provider.
            opts=pulumi.ResourceOptions(parent=self, provider=self.providers[primary]),
        )

        storage = config.storage
        self.object_storage = ObjectStorage(
            "storage",
            ObjectStorageArgs(
                namer=config.namer,
                primary_region=primary,
                regions={
                    region: StorageRegion(
                        region_code=codes[region], data_key_arn=keys["data"][region]
                    )
                    for region in config.region_names
                },
                providers=self.providers,
                account_id=account_id,
                partition=partition,
                object_lock_mode=storage.object_lock_mode,
                object_lock_retention_days=storage.object_lock_retention_days,
                archive_expiration_days=storage.archive_expiration_days,
                cold_transition_days=storage.cold_transition_days,
                deep_archive_transition_days=storage.deep_archive_transition_days,
                replication_time_control=storage.replication_time_control,
                access_log_retention_days=config.logging.audit_retention_days,
                data_classification=classification,
                protect=protect,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.file_systems = {
            region: SharedFileSystem(
                f"files-{region}",
                SharedFileSystemArgs(
                    namer=config.namer,
                    region_code=codes[region],
                    vpc_id=self.networks[region].vpc_id,
                    private_subnet_ids=self.networks[region].private_subnet_ids,
                    app_security_group_id=self.networks[region].app_security_group_id,
                    data_key_arn=keys["data"][region],
                    account_id=account_id,
                    partition=partition,
                    ia_transition=storage.file_system_ia_transition,
                    data_classification=classification,
                    protect=protect,
                ),
                opts=pulumi.ResourceOptions(parent=self, provider=self.providers[region]),
            )
            for region in config.region_names
        }

        # Each region's plan covers its own file system and Aurora cluster, so every region
        # keeps recovery points of its own; the primary's also covers the global tables
        # (through their primary replica) and copies everything to every replica vault.
        selected: dict[str, list[pulumi.Input[str]]] = {
            region: [
                self.file_systems[region].file_system_arn,
                *(
                    [self.database.cluster_arns[region]]
                    if region in self.database.cluster_arns
                    else []
                ),
            ]
            for region in config.region_names
        }
        selected[primary] += list(self.tables.table_arns.values())
        backup = config.backup
        self.backup = Backup(
            "backup",
            BackupArgs(
                namer=config.namer,
                primary_region=primary,
                regions={
                    region: BackupRegion(
                        region_code=codes[region],
                        data_key_arn=keys["data"][region],
                        resource_arns=selected[region],
                    )
                    for region in config.region_names
                },
                providers=self.providers,
                account_id=account_id,
                partition=partition,
                daily_retention_days=backup.daily_retention_days,
                monthly_retention_days=backup.monthly_retention_days,
                daily_schedule=backup.daily_schedule,
                monthly_schedule=backup.monthly_schedule,
                vault_lock_mode=backup.vault_lock_mode,
                vault_lock_grace_days=backup.vault_lock_grace_days,
                data_classification=classification,
                protect=protect,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _create_provider(self, region: str, project: str) -> aws.Provider:
        config = self._config
        tags = naming.standard_tags(
            project=project, environment=config.environment, cost_center=config.cost_center
        )
        return aws.Provider(
            f"aws-{region}",
            region=region,
            default_tags=aws.ProviderDefaultTagsArgs(tags=tags),
            allowed_account_ids=list(config.allowed_account_ids) or None,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _create_transaction_flow(
        self, account_id: pulumi.Output[str], partition: pulumi.Output[str]
    ) -> None:
        """Messaging, fraud scoring and the approval workflow in every region, primary first."""
        config = self._config
        keys = self.security.key_arns
        subscriptions = [
            Subscription(topic=s.topic, protocol=s.protocol, endpoint=s.endpoint)
            for s in config.messaging.subscriptions
        ]
        native_providers = (
            {r.region: self._create_native_provider(r.region) for r in config.regions}
            if config.fraud.backend == "frauddetector"
            else {}
        )
        self.messaging, self.fraud, self.workflows = {}, {}, {}
        for region in config.regions:
            name, code = region.region, region.info.short_code
            opts = pulumi.ResourceOptions(parent=self, provider=self.providers[name])
            data_lake_bucket_arn = self.object_storage.data_lake_bucket_arns[name]
            # The processor writes to its own region's replica of the global table: exactly-once
            # within the region (docs/limitations.md, "Exactly-once is per region").
            table_name = self.tables.table_names[TRANSACTIONS_TABLE.role]
            table_arn = pulumi.Output.concat(
                "arn:", partition, ":dynamodb:", name, ":", account_id, ":table/", table_name
            )
            messaging = self.messaging[name] = Messaging(
                f"messaging-{name}",
                MessagingArgs(
                    namer=config.namer,
                    region=name,
                    region_code=code,
                    account_id=account_id,
                    partition=partition,
                    messaging_key_arn=keys["messaging"][name],
                    logs_key_arn=keys["logs"][name],
                    data_key_arn=keys["data"][name],
                    data_lake_bucket_arn=data_lake_bucket_arn,
                    primary_bus_arn=(
                        None
                        if name == config.primary.region
                        else self.messaging[config.primary.region].bus_arn
                    ),
                    stream_mode=config.messaging.stream_mode,
                    stream_shards=config.messaging.stream_shards,
                    stream_retention_hours=config.messaging.stream_retention_hours,
                    queue_max_receive_count=config.messaging.queue_max_receive_count,
                    queue_visibility_timeout_seconds=config.messaging.queue_visibility_timeout_seconds,
                    event_archive_retention_days=config.messaging.event_archive_retention_days,
                    delivery_buffer_seconds=config.messaging.delivery_buffer_seconds,
                    delivery_buffer_mb=config.messaging.delivery_buffer_mb,
                    log_retention_days=config.logging.retention_days,
                    runtime=config.functions.runtime,
                    powertools_layer_version=config.functions.powertools_layer_version,
                    subscriptions=subscriptions,
                ),
                opts=opts,
            )
            fraud = self.fraud[name] = FraudScoring(
                f"fraud-{name}",
                FraudArgs(
                    namer=config.namer,
                    region=name,
                    region_code=code,
                    account_id=account_id,
                    partition=partition,
                    backend=config.fraud.backend,
                    messaging_key_arn=keys["messaging"][name],
                    logs_key_arn=keys["logs"][name],
                    log_retention_days=config.logging.retention_days,
                    runtime=config.functions.runtime,
                    powertools_layer_version=config.functions.powertools_layer_version,
                    provisioned_concurrency=(
                        config.fraud.provisioned_concurrency if config.is_production else 0
                    ),
                    native_provider=native_providers.get(name),
                ),
                opts=opts,
            )
            network = self.networks[name]
            self.workflows[name] = TransactionWorkflow(
                f"workflow-{name}",
                WorkflowArgs(
                    namer=config.namer,
                    region=name,
                    region_code=code,
                    account_id=account_id,
                    partition=partition,
                    messaging_key_arn=keys["messaging"][name],
                    logs_key_arn=keys["logs"][name],
                    secrets_key_arn=keys["secrets"][name],
                    transactions_queue_arn=messaging.transactions_queue_arn,
                    transactions_dead_letter_arn=messaging.transactions_dead_letter_arn,
                    transactions_dead_letter_url=messaging.transactions_dead_letter_url,
                    review_queue_arn=messaging.review_queue_arn,
                    review_queue_url=messaging.review_queue_url,
                    stream_arn=messaging.stream_arn,
                    stream_name=messaging.stream_name,
                    bus_arn=messaging.bus_arn,
                    bus_name=messaging.bus_name,
                    notifications_topic_arn=messaging.notifications_topic_arn,
                    alerts_topic_arn=messaging.alerts_topic_arn,
                    scorer_function_arn=fraud.scorer_function_arn,
                    scorer_target_arn=fraud.scorer_target_arn,
                    transactions_table_name=table_name,
                    transactions_table_arn=table_arn,
                    transactions_table_key=TRANSACTIONS_TABLE.hash_key,
                    transactions_table_sort_key=str(TRANSACTIONS_TABLE.range_key),
                    fingerprint_secret_name=config.namer.global_name(FINGERPRINT_SECRET_ROLE),
                    subnet_ids=network.private_subnet_ids,
                    security_group_ids=[network.app_security_group_id],
                    approve_below=config.fraud.approve_below,
                    reject_from=config.fraud.reject_from,
                    scorer_timeout_seconds=config.fraud.scorer_timeout_seconds,
                    review_timeout_seconds=config.workflow.review_timeout_seconds,
                    review_heartbeat_seconds=config.workflow.review_heartbeat_seconds,
                    processor_timeout_seconds=TRANSACTION_PROCESSOR_TIMEOUT_SECONDS,
                    log_retention_days=config.logging.retention_days,
                    runtime=config.functions.runtime,
                    powertools_layer_version=config.functions.powertools_layer_version,
                ),
                opts=opts,
            )

    def _create_native_provider(self, region: str) -> aws_native.Provider:
        # Only the Fraud Detector backend needs aws-native; made here, like the aws providers.
        config = self._config
        tags = naming.standard_tags(
            project=self._project, environment=config.environment, cost_center=config.cost_center
        )
        return aws_native.Provider(
            f"aws-native-{region}",
            region=region,
            default_tags=aws_native.ProviderDefaultTagsArgs(tags=tags),
            allowed_account_ids=list(config.allowed_account_ids) or None,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _peer_cidrs(self, index: int) -> list[str]:
        # Hub and spoke: the primary reaches every replica, a replica reaches the
        # primary. Transit Gateway peering is not transitive, so replica-to-replica
        # routes would lead nowhere.
        regions = self._config.regions
        if index == 0:
            return [replica.vpc_cidr for replica in regions[1:]]
        return [regions[0].vpc_cidr]

    def exports(self) -> dict[str, Any]:
        """What operators need, as stack outputs."""
        config = self._config
        return {
            "environment": config.environment,
            "primaryRegion": config.primary.region,
            "regions": list(config.region_names),
            "vpcIds": {region: network.vpc_id for region, network in self.networks.items()},
            "transitGatewayIds": {
                region: network.transit_gateway_id for region, network in self.networks.items()
            },
            "transitPeeringAttachmentIds": {
                region: peering.attachment_id for region, peering in self.peerings.items()
            },
            "keyArns": self.security.key_arns,
            "databaseSecretArn": self.secrets.database_secret_arn,
            "applicationSecretArns": self.secrets.application_secret_arns,
            "secretRotationFunctionArn": self.secrets.rotation_function_arn,
            "auroraGlobalClusterId": self.database.global_cluster_id,
            "auroraClusterArns": self.database.cluster_arns,
            "auroraWriterEndpoints": self.database.writer_endpoints,
            "auroraReaderEndpoints": self.database.reader_endpoints,
            "tableNames": self.tables.table_names,
            "tableArns": self.tables.table_arns,
            "cacheGlobalDatastoreId": self.cache.global_datastore_id,
            "cachePrimaryEndpoints": self.cache.primary_endpoints,
            "cacheAuthSecretArn": self.cache.auth_secret_arn,
            "bucketNames": {
                "transactionArchive": self.object_storage.archive_bucket_names,
                "audit": self.object_storage.audit_bucket_names,
                "dataLake": self.object_storage.data_lake_bucket_names,
                "accessLogs": self.object_storage.access_log_bucket_names,
            },
            "fileSystemIds": {
                region: files.file_system_id for region, files in self.file_systems.items()
            },
            "backupVaultArns": self.backup.vault_arns,
            "backupPlanIds": self.backup.plan_ids,
            "transactionFlow": {
                region: {
                    "transactionsQueueUrl": self.messaging[region].transactions_queue_url,
                    "reviewQueueUrl": self.messaging[region].review_queue_url,
                    "streamName": self.messaging[region].stream_name,
                    "busArn": self.messaging[region].bus_arn,
                    "alertsTopicArn": self.messaging[region].alerts_topic_arn,
                    "notificationsTopicArn": self.messaging[region].notifications_topic_arn,
                    "deliveryStreamArn": self.messaging[region].delivery_stream_arn,
                    "stateMachineArn": self.workflows[region].state_machine_arn,
                    "scorerArn": self.fraud[region].scorer_target_arn,
                }
                for region in config.region_names
            },
            "roleArns": {
                "operator": self.security.operator_role_arn,
                "auditor": self.security.auditor_role_arn,
                "breakGlass": self.security.break_glass_role_arn,
                "deploy": self.security.deploy_role_arn,
            },
        }
