"""Network domain: what the prod and dev plans build in every region (REQUIREMENTS 3.1, 3.2)."""

from __future__ import annotations

import ipaddress

import pytest

from tests.support import Plan

PROD_REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-1")
SUBNET = "aws:ec2/subnet:Subnet"
VPC = "aws:ec2/vpc:Vpc"


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_prod_vpc_spans_three_zones_with_a_subnet_per_tier_and_zone(prod_plan: Plan, region: str):
    subnets = prod_plan.of_type(SUBNET, region)
    zones = {s["inputs"]["availabilityZone"] for s in subnets}
    tiers = {s["inputs"]["tags"]["Tier"] for s in subnets}
    assert len(zones) == 3, f"{region}: subnets span {sorted(zones)}"
    assert {"public", "private", "isolated"} <= tiers
    assert len(subnets) >= 9
    for tier in tiers:
        in_tier = [s for s in subnets if s["inputs"]["tags"]["Tier"] == tier]
        assert len({s["inputs"]["availabilityZone"] for s in in_tier}) == 3, f"{region}/{tier}"


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_prod_subnets_lie_inside_their_vpc_without_overlap(prod_plan: Plan, region: str):
    vpc = ipaddress.IPv4Network(prod_plan.one(VPC, region)["inputs"]["cidrBlock"])
    nets = [
        ipaddress.IPv4Network(s["inputs"]["cidrBlock"]) for s in prod_plan.of_type(SUBNET, region)
    ]
    assert all(net.subnet_of(vpc) for net in nets)
    assert not [(a, b) for i, a in enumerate(nets) for b in nets[i + 1 :] if a.overlaps(b)]


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_prod_has_one_nat_gateway_per_zone_in_public_subnets(prod_plan: Plan, region: str):
    nats = prod_plan.of_type("aws:ec2/natGateway:NatGateway", region)
    public = {
        s["id"]
        for s in prod_plan.of_type(SUBNET, region)
        if s["inputs"]["tags"]["Tier"] == "public"
    }
    assert len(nats) == 3
    assert {n["inputs"]["subnetId"] for n in nats} == public


def test_dev_has_a_single_nat_gateway_over_two_zones(dev_plan: Plan):
    assert len(dev_plan.of_type("aws:ec2/natGateway:NatGateway")) == 1
    zones = {s["inputs"]["availabilityZone"] for s in dev_plan.of_type(SUBNET)}
    assert zones == {"us-east-1a", "us-east-1b"}


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_flow_logs_go_to_a_log_group_encrypted_with_the_regions_logs_key(
    prod_plan: Plan, region: str
):
    flow_log = prod_plan.one("aws:ec2/flowLog:FlowLog", region)
    vpc = prod_plan.one(VPC, region)
    assert prod_plan.depends(flow_log, "vpcId", vpc)
    assert flow_log["inputs"]["trafficType"] == "ALL"
    group = next(
        g
        for g in prod_plan.of_type("aws:cloudwatch/logGroup:LogGroup", region)
        if prod_plan.depends(flow_log, "logDestination", g)
    )
    key_arn = prod_plan.document["outputs"]["keyArns"]["logs"][region]
    assert group["inputs"]["kmsKeyId"] == key_arn


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_default_security_group_is_adopted_with_no_rules(prod_plan: Plan, region: str):
    group = prod_plan.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", region)
    assert prod_plan.depends(group, "vpcId", prod_plan.one(VPC, region))
    assert not group["inputs"].get("ingress")
    assert not group["inputs"].get("egress")


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_gateway_endpoints_for_s3_and_dynamodb_and_interface_endpoints_for_apis(
    prod_plan: Plan, region: str
):
    endpoints = prod_plan.of_type("aws:ec2/vpcEndpoint:VpcEndpoint", region)
    gateways = {
        e["inputs"]["serviceName"] for e in endpoints if e["inputs"]["vpcEndpointType"] == "Gateway"
    }
    interfaces = {
        e["inputs"]["serviceName"].removeprefix(f"com.amazonaws.{region}.")
        for e in endpoints
        if e["inputs"]["vpcEndpointType"] == "Interface"
    }
    assert gateways == {f"com.amazonaws.{region}.s3", f"com.amazonaws.{region}.dynamodb"}
    assert {"secretsmanager", "kms", "logs", "sts", "sqs", "states"} <= interfaces
    assert all(
        e["inputs"]["privateDnsEnabled"]
        for e in endpoints
        if e["inputs"]["vpcEndpointType"] == "Interface"
    )


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_isolated_tier_admits_only_data_ports_from_the_app_and_data_tiers(
    prod_plan: Plan, region: str
):
    acl = next(
        a
        for a in prod_plan.of_type("aws:ec2/networkAcl:NetworkAcl", region)
        if a["inputs"]["tags"]["Name"].endswith("isolated-nacl")
    )
    ingress = [
        r
        for r in prod_plan.children_of(acl["urn"])
        if r["type"] == "aws:ec2/networkAclRule:NetworkAclRule" and not r["inputs"]["egress"]
    ]
    data_rules = [r for r in ingress if r["inputs"]["fromPort"] == r["inputs"]["toPort"]]
    assert {r["inputs"]["fromPort"] for r in data_rules} == {5432, 6379, 2049}
    assert all(r["inputs"]["cidrBlock"] != "0.0.0.0/0" for r in ingress)


def test_transit_gateways_refuse_auto_accept_of_shared_attachments(prod_plan: Plan):
    gateways = prod_plan.of_type("aws:ec2transitgateway/transitGateway:TransitGateway")
    assert {g["region"] for g in gateways} == set(PROD_REGIONS)
    assert all(g["inputs"]["autoAcceptSharedAttachments"] == "disable" for g in gateways)
    assert len({g["inputs"]["amazonSideAsn"] for g in gateways}) == 3


@pytest.mark.parametrize("replica", PROD_REGIONS[1:])
def test_primary_peers_with_each_replica_accepted_in_the_replica_region(
    prod_plan: Plan, replica: str
):
    requests = [
        r
        for r in prod_plan.of_type("aws:ec2transitgateway/peeringAttachment:PeeringAttachment")
        if r["inputs"]["peerRegion"] == replica
    ]
    assert len(requests) == 1 and requests[0]["region"] == "us-east-1"
    accepters = [
        a
        for a in prod_plan.of_type(
            "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter", replica
        )
        if prod_plan.depends(a, "transitGatewayAttachmentId", requests[0])
    ]
    assert len(accepters) == 1


@pytest.mark.parametrize(
    ("region", "destination"),
    [
        ("us-east-1", "10.30.0.0/16"),
        ("us-east-1", "10.31.0.0/16"),
        ("eu-west-1", "10.29.0.0/16"),
        ("ap-southeast-1", "10.29.0.0/16"),
    ],
)
def test_peer_ranges_are_routed_both_in_transit_gateways_and_vpc_route_tables(
    prod_plan: Plan, region: str, destination: str
):
    tgw_routes = [
        r
        for r in prod_plan.of_type("aws:ec2transitgateway/route:Route", region)
        if r["inputs"]["destinationCidrBlock"] == destination
    ]
    vpc_routes = [
        r
        for r in prod_plan.of_type("aws:ec2/route:Route", region)
        if r["inputs"]["destinationCidrBlock"] == destination
        and r["inputs"].get("transitGatewayId")
    ]
    assert len(tgw_routes) == 1, f"{region}: TGW route to {destination}"
    assert len(vpc_routes) == 3, f"{region}: one VPC route per private route table"


def test_routes_over_a_peering_wait_for_its_acceptance(prod_plan: Plan):
    for route in prod_plan.of_type("aws:ec2transitgateway/route:Route"):
        sources = route["propertyDependencies"]["transitGatewayAttachmentId"]
        types = {prod_plan.by_urn(urn)["type"] for urn in sources}
        assert types == {
            "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter"
        }, route["urn"]
