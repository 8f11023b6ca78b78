"""Network domain, one per region (REQUIREMENTS 3.1, 3.2).

A VPC over several zones with public, private (app), isolated (data) and
transit subnets; NAT per zone (or one in dev); flow logs to a KMS-encrypted
log group; gateway endpoints for S3 and DynamoDB and interface endpoints for
the AWS APIs the workloads call; network ACLs per tier; the default security
group emptied; a Transit Gateway with the VPC attached and routes towards the
other regions' ranges. Peering between regions is
:mod:`infra.components.transit_peering`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra import cidr, iam
from infra.cidr import Tier
from infra.naming import Namer

# Ports the data tier serves to the app tier: PostgreSQL, Redis, NFS (EFS).
DATA_PORTS = (5432, 6379, 2049)
EPHEMERAL_PORTS = (1024, 65535)
ANY_IPV4 = "0.0.0.0/0"

DEFAULT_INTERFACE_ENDPOINTS: tuple[str, ...] = (
    "secretsmanager",
    "kms",
    "logs",
    "monitoring",
    "sts",
    "ssm",
    "ecr.api",
    "ecr.dkr",
    "sqs",
    "sns",
    "kinesis-streams",
    "states",
    "events",
    "lambda",
    "xray",
)
"""AWS APIs the workloads call from private subnets without leaving the AWS network."""


@dataclass(frozen=True)
class NetworkArgs:
    """Inputs of one region's network."""

    namer: Namer
    """Builds physical names for the environment."""
    region: str
    """AWS region this network lives in; must match the provider passed in opts."""
    region_code: str
    """Short region code for names, e.g. ``use1``."""
    vpc_cidr: str
    """The VPC range, already validated by the configuration."""
    zone_count: int
    """Availability zones to span (2 to 4)."""
    nat_per_zone: bool
    """One NAT gateway per zone (prod) or a single one (dev)."""
    peer_cidrs: Sequence[str]
    """Ranges of the other regions reachable through the Transit Gateway."""
    transit_gateway_asn: int
    """Private ASN of the region's Transit Gateway, unique in the stack."""
    logs_key_arn: pulumi.Input[str]
    """The region's logs key, for the flow-log group."""
    flow_log_retention_days: int
    """Retention of the flow-log group."""
    account_id: pulumi.Input[str]
    """The account the stack deploys to."""
    partition: pulumi.Input[str]
    """The AWS partition, e.g. ``aws``."""
    interface_endpoints: Sequence[str] = DEFAULT_INTERFACE_ENDPOINTS
    """Services that get an interface endpoint in the private subnets."""


class Network(pulumi.ComponentResource):
    """One region's VPC, subnets, routing, endpoints, flow logs and Transit Gateway."""

    vpc_id: pulumi.Output[str]
    vpc_cidr: str
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]
    isolated_subnet_ids: list[pulumi.Output[str]]
    transit_subnet_ids: list[pulumi.Output[str]]
    private_subnet_cidrs: list[str]
    app_security_group_id: pulumi.Output[str]
    endpoint_security_group_id: pulumi.Output[str]
    transit_gateway_id: pulumi.Output[str]
    transit_gateway_route_table_id: pulumi.Output[str]
    flow_log_group_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:network:Network", name, None, opts)
        self._name = name
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        plans = cidr.plan_subnets(args.vpc_cidr, args.zone_count)

        self.vpc_cidr = args.vpc_cidr
        self._vpc = self._create_vpc()
        self.vpc_id = self._vpc.id
        self._lock_down_defaults()

        zones = aws.get_availability_zones_output(
            state="available", opts=pulumi.InvokeOutputOptions(parent=self)
        ).names
        self._subnet_names: dict[aws.ec2.Subnet, str] = {}
        self._subnets = {
            tier: [self._create_subnet(plan, zones) for plan in plans if plan.tier is tier]
            for tier in Tier
        }
        self.public_subnet_ids = [s.id for s in self._subnets[Tier.PUBLIC]]
        self.private_subnet_ids = [s.id for s in self._subnets[Tier.PRIVATE]]
        self.isolated_subnet_ids = [s.id for s in self._subnets[Tier.ISOLATED]]
        self.transit_subnet_ids = [s.id for s in self._subnets[Tier.TRANSIT]]
        self.private_subnet_cidrs = [p.cidr for p in plans if p.tier is Tier.PRIVATE]

        self._create_transit_gateway()
        route_tables = self._create_routing()
        self._create_network_acls()
        self._create_security_groups()
        self._create_endpoints(route_tables)
        self._create_flow_logs()

        self.register_outputs(
            {
                "vpcId": self.vpc_id,
                "privateSubnetIds": self.private_subnet_ids,
                "isolatedSubnetIds": self.isolated_subnet_ids,
                "transitGatewayId": self.transit_gateway_id,
                "flowLogGroupArn": self.flow_log_group_arn,
            }
        )

    # -- names -----------------------------------------------------------------------------

    def _physical(self, role: str) -> str:
        return self._args.namer.regional_name(self._args.region_code, role)

    def _tags(self, role: str, **extra: str) -> dict[str, str]:
        return {"Name": self._physical(role), **extra}

    # -- steps -----------------------------------------------------------------------------

    def _create_vpc(self) -> aws.ec2.Vpc:
        return aws.ec2.Vpc(
            f"{self._name}-vpc",
            cidr_block=self._args.vpc_cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=self._tags("vpc"),
            opts=self._child,
        )

    def _lock_down_defaults(self) -> None:
        # Adopting the default security group with no rules removes its
        # allow-all egress and intra-group ingress (PCI-DSS 1.2.1, CIS 5.4).
        aws.ec2.DefaultSecurityGroup(
            f"{self._name}-default-sg",
            vpc_id=self._vpc.id,
            ingress=[],
            egress=[],
            tags=self._tags("default-sg-locked"),
            opts=self._child,
        )
        # The default network ACL guards nothing once every subnet has a tier
        # ACL; adopting it without rules makes any stray subnet deny all.
        aws.ec2.DefaultNetworkAcl(
            f"{self._name}-default-nacl",
            default_network_acl_id=self._vpc.default_network_acl_id,
            tags=self._tags("default-nacl-deny"),
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["subnetIds"]),
        )

    def _create_subnet(
        self, plan: cidr.SubnetPlan, zones: pulumi.Output[list[str]]
    ) -> aws.ec2.Subnet:
        role = f"{plan.tier.value}-{plan.zone_index + 1}"
        subnet = aws.ec2.Subnet(
            f"{self._name}-{role}",
            vpc_id=self._vpc.id,
            cidr_block=plan.cidr,
            availability_zone=zones[plan.zone_index],
            map_public_ip_on_launch=False,
            tags=self._tags(role, Tier=plan.tier.value),
            opts=self._child,
        )
        self._subnet_names[subnet] = f"{self._name}-{role}"
        return subnet

    def _create_transit_gateway(self) -> None:
        tgw = aws.ec2transitgateway.TransitGateway(
            f"{self._name}-tgw",
            description=f"{self._physical('tgw')}: inter-region backbone",
            amazon_side_asn=self._args.transit_gateway_asn,
            auto_accept_shared_attachments="disable",
            default_route_table_association="enable",
            default_route_table_propagation="enable",
            dns_support="enable",
            vpn_ecmp_support="enable",
            tags=self._tags("tgw"),
            opts=self._child,
        )
        self._tgw_attachment = aws.ec2transitgateway.VpcAttachment(
            f"{self._name}-tgw-attachment",
            transit_gateway_id=tgw.id,
            vpc_id=self._vpc.id,
            subnet_ids=self.transit_subnet_ids,
            dns_support="enable",
            tags=self._tags("tgw-attachment"),
            opts=self._child,
        )
        self.transit_gateway_id = tgw.id
        self.transit_gateway_route_table_id = tgw.association_default_route_table_id

    def _create_routing(self) -> list[aws.ec2.RouteTable]:
        """Route tables per tier; returns those the gateway endpoints attach to."""
        igw = aws.ec2.InternetGateway(
            f"{self._name}-igw", vpc_id=self._vpc.id, tags=self._tags("igw"), opts=self._child
        )
        public = self._route_table("public-rt", self._subnets[Tier.PUBLIC])
        aws.ec2.Route(
            f"{self._name}-public-default",
            route_table_id=public.id,
            destination_cidr_block=ANY_IPV4,
            gateway_id=igw.id,
            opts=self._child,
        )

        nat_count = self._args.zone_count if self._args.nat_per_zone else 1
        nat_ids = [self._create_nat(index) for index in range(nat_count)]

        private_tables: list[aws.ec2.RouteTable] = []
        for index, subnet in enumerate(self._subnets[Tier.PRIVATE]):
            table = self._route_table(f"private-{index + 1}-rt", [subnet])
            aws.ec2.Route(
                f"{self._name}-private-{index + 1}-default",
                route_table_id=table.id,
                destination_cidr_block=ANY_IPV4,
                nat_gateway_id=nat_ids[index % nat_count],
                opts=self._child,
            )
            self._routes_to_peers(f"private-{index + 1}", table)
            private_tables.append(table)

        # The data tier has no route out of the VPC: AWS replicates the global
        # databases itself, and the gateway endpoints serve S3 and DynamoDB.
        isolated = self._route_table("isolated-rt", self._subnets[Tier.ISOLATED])
        transit = self._route_table("transit-rt", self._subnets[Tier.TRANSIT])
        del transit  # local routes only: attachments forward into the VPC
        return [*private_tables, isolated]

    def _route_table(self, role: str, subnets: Sequence[aws.ec2.Subnet]) -> aws.ec2.RouteTable:
        table = aws.ec2.RouteTable(
            f"{self._name}-{role}", vpc_id=self._vpc.id, tags=self._tags(role), opts=self._child
        )
        for subnet in subnets:
            aws.ec2.RouteTableAssociation(
                f"{self._subnet_names[subnet]}-rta",
                subnet_id=subnet.id,
                route_table_id=table.id,
                opts=pulumi.ResourceOptions(parent=subnet),
            )
        return table

    def _create_nat(self, index: int) -> pulumi.Output[str]:
        eip = aws.ec2.Eip(
            f"{self._name}-nat-{index + 1}-eip",
            domain="vpc",
            tags=self._tags(f"nat-{index + 1}-eip"),
            opts=self._child,
        )
        nat = aws.ec2.NatGateway(
            f"{self._name}-nat-{index + 1}",
            allocation_id=eip.id,
            subnet_id=self._subnets[Tier.PUBLIC][index].id,
            connectivity_type="public",
            tags=self._tags(f"nat-{index + 1}"),
            opts=self._child,
        )
        return nat.id

    def _routes_to_peers(self, role: str, table: aws.ec2.RouteTable) -> None:
        for peer_index, peer_cidr in enumerate(self._args.peer_cidrs):
            aws.ec2.Route(
                f"{self._name}-{role}-peer-{peer_index + 1}",
                route_table_id=table.id,
                destination_cidr_block=peer_cidr,
                transit_gateway_id=self._tgw_attachment.transit_gateway_id,
                opts=self._child,
            )

    def _create_network_acls(self) -> None:
        vpc = self._args.vpc_cidr
        data_clients = [cidr.tier_block(vpc, tier) for tier in (Tier.PRIVATE, Tier.ISOLATED)]
        app_sources = [vpc, *self._args.peer_cidrs]
        rules: dict[Tier, list[tuple[bool, str, int, int]]] = {
            # (egress, cidr, from_port, to_port); protocol tcp unless the range is "all"
            Tier.PUBLIC: [
                (False, ANY_IPV4, 443, 443),
                (False, ANY_IPV4, 80, 80),
                (False, ANY_IPV4, *EPHEMERAL_PORTS),
                (True, ANY_IPV4, 0, 65535),
            ],
            Tier.PRIVATE: [
                *[(False, source, 0, 65535) for source in app_sources],
                (False, ANY_IPV4, *EPHEMERAL_PORTS),
                (True, ANY_IPV4, 0, 65535),
            ],
            Tier.ISOLATED: [
                *[(False, src, port, port) for src in data_clients for port in DATA_PORTS],
                (False, vpc, *EPHEMERAL_PORTS),
                (True, vpc, 0, 65535),
            ],
            Tier.TRANSIT: [
                *[(False, source, 0, 65535) for source in app_sources],
                *[(True, source, 0, 65535) for source in app_sources],
            ],
        }
        for tier, tier_rules in rules.items():
            acl = aws.ec2.NetworkAcl(
                f"{self._name}-{tier.value}-nacl",
                vpc_id=self._vpc.id,
                subnet_ids=[s.id for s in self._subnets[tier]],
                tags=self._tags(f"{tier.value}-nacl"),
                opts=self._child,
            )
            for index, (egress, block, low, high) in enumerate(tier_rules):
                direction = "out" if egress else "in"
                aws.ec2.NetworkAclRule(
                    f"{self._name}-{tier.value}-nacl-{direction}-{index + 1}",
                    network_acl_id=acl.id,
                    rule_number=100 + index * 10,
                    egress=egress,
                    protocol="tcp",
                    rule_action="allow",
                    cidr_block=block,
                    from_port=low,
                    to_port=high,
                    opts=pulumi.ResourceOptions(parent=acl),
                )

    def _create_security_groups(self) -> None:
        endpoints = self._security_group(
            "endpoints-sg", "Interface endpoints: HTTPS from inside the VPC only"
        )
        self._tcp_rule(
            endpoints, "endpoints-https-in", 443, self._args.vpc_cidr, "HTTPS from the VPC"
        )
        app = self._security_group(
            "app-sg", "Application tier: services and functions in the private subnets"
        )
        self._tcp_rule(app, "app-https-out", 443, ANY_IPV4, "HTTPS to AWS APIs and partners")
        for port in DATA_PORTS:
            self._tcp_rule(
                app, f"app-data-{port}-out", port, self._args.vpc_cidr, f"Data tier port {port}"
            )
        self.endpoint_security_group_id = endpoints.id
        self.app_security_group_id = app.id

    def _security_group(self, role: str, description: str) -> aws.ec2.SecurityGroup:
        return aws.ec2.SecurityGroup(
            f"{self._name}-{role}",
            vpc_id=self._vpc.id,
            description=description,
            tags=self._tags(role),
            opts=self._child,
        )

    def _tcp_rule(
        self, group: aws.ec2.SecurityGroup, role: str, port: int, cidr_block: str, description: str
    ) -> None:
        """One TCP port to or from a range; ``role`` ending in ``-in`` makes it ingress."""
        rule = (
            aws.vpc.SecurityGroupIngressRule
            if role.endswith("-in")
            else aws.vpc.SecurityGroupEgressRule
        )
        rule(
            f"{self._name}-{role}",
            security_group_id=group.id,
            cidr_ipv4=cidr_block,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            description=description,
            opts=pulumi.ResourceOptions(parent=group),
        )

    def _create_endpoints(self, route_tables: Sequence[aws.ec2.RouteTable]) -> None:
        region = self._args.region
        account_only = pulumi.Output.from_input(self._args.account_id).apply(
            lambda account: iam.to_json(
                iam.document(
                    [
                        iam.statement(
                            "OnlyThisAccount",
                            ["*"],
                            "*",
                            effect="Deny",
                            principals={"AWS": "*"},
                            conditions={"StringNotEquals": {"aws:PrincipalAccount": account}},
                        ),
                        {
                            "Sid": "AllowThroughEndpoint",
                            "Effect": "Allow",
                            "Principal": {"AWS": "*"},
                            "Action": ["dynamodb:*", "s3:*"],
                            "Resource": "*",
                        },
                    ]
                )
            )
        )
        for service in ("s3", "dynamodb"):
            aws.ec2.VpcEndpoint(
                f"{self._name}-{service}-gateway",
                vpc_id=self._vpc.id,
                service_name=f"com.amazonaws.{region}.{service}",
                vpc_endpoint_type="Gateway",
                route_table_ids=[table.id for table in route_tables],
                policy=account_only,
                tags=self._tags(f"{service}-gateway"),
                opts=self._child,
            )
        for service in self._args.interface_endpoints:
            aws.ec2.VpcEndpoint(
                f"{self._name}-{service.replace('.', '-')}-endpoint",
                vpc_id=self._vpc.id,
                service_name=f"com.amazonaws.{region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=self.private_subnet_ids,
                security_group_ids=[self.endpoint_security_group_id],
                tags=self._tags(f"{service.replace('.', '-')}-endpoint"),
                opts=self._child,
            )

    def _create_flow_logs(self) -> None:
        group = aws.cloudwatch.LogGroup(
            f"{self._name}-flow-logs",
            name=f"/bank/{self._args.namer.environment}/{self._args.region_code}/vpc-flow-logs",
            kms_key_id=self._args.logs_key_arn,
            retention_in_days=self._args.flow_log_retention_days,
            tags=self._tags("flow-logs"),
            opts=self._child,
        )
        role = aws.iam.Role(
            f"{self._name}-flow-logs-role",
            name=self._physical("flow-logs"),
            assume_role_policy=pulumi.Output.from_input(self._args.account_id).apply(
                lambda account: iam.to_json(
                    iam.service_trust("vpc-flow-logs.amazonaws.com", account)
                )
            ),
            tags=self._tags("flow-logs-role"),
            opts=self._child,
        )
        aws.iam.RolePolicy(
            f"{self._name}-flow-logs-policy",
            role=role.id,
            policy=group.arn.apply(
                lambda arn: iam.to_json(
                    iam.document(
                        [
                            iam.statement(
                                "WriteFlowLogs",
                                [
                                    "logs:CreateLogStream",
                                    "logs:DescribeLogStreams",
                                    "logs:PutLogEvents",
                                ],
                                [arn, f"{arn}:*"],
                            )
                        ]
                    )
                )
            ),
            opts=pulumi.ResourceOptions(parent=role),
        )
        aws.ec2.FlowLog(
            f"{self._name}-flow-log",
            vpc_id=self._vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags=self._tags("flow-log"),
            opts=self._child,
        )
        self.flow_log_group_arn = group.arn
