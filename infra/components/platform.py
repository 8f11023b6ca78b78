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

from infra import naming
from infra.components.network import Network, NetworkArgs
from infra.components.secrets import Secrets, SecretsArgs
from infra.components.security import Security, SecurityArgs
from infra.components.transit_peering import TransitPeering, TransitPeeringArgs
from infra.config import PlatformConfig

BASE_TRANSIT_GATEWAY_ASN = 64512
AURORA_CLUSTER_ROLE = "ledger-db"


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

    def __init__(
        self, name: str, args: PlatformArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:platform:Platform", name, None, opts)
        self._config = config = args.config
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

        self.register_outputs(self.exports())

    @property
    def aurora_cluster_identifier(self) -> str:
        """Identifier of the primary Aurora cluster, fixed by naming so secrets can name it."""
        return self._config.namer.regional_name(
            self._config.primary.info.short_code, AURORA_CLUSTER_ROLE
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
            "roleArns": {
                "operator": self.security.operator_role_arn,
                "auditor": self.security.auditor_role_arn,
                "breakGlass": self.security.break_glass_role_arn,
                "deploy": self.security.deploy_role_arn,
            },
        }
