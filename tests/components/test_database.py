"""Database domain: the Aurora global database in the prod and dev plans (REQUIREMENTS 3.5)."""

from __future__ import annotations

import pytest

from tests.support import Plan

PROD_REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-1")
CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
GLOBAL = "aws:rds/globalCluster:GlobalCluster"
SUBNET = "aws:ec2/subnet:Subnet"


def test_prod_has_one_global_cluster_in_the_primary_region(prod_plan: Plan):
    global_cluster = prod_plan.one(GLOBAL)
    assert global_cluster["region"] == "us-east-1"
    assert global_cluster["inputs"]["engine"] == "aurora-postgresql"
    assert global_cluster["inputs"]["storageEncrypted"] is True
    assert global_cluster["protect"] and global_cluster["retainOnDelete"]


def test_prod_primary_cluster_is_in_us_east_1_with_the_fixed_identifier(prod_plan: Plan):
    primary = prod_plan.one(CLUSTER, "us-east-1")
    assert primary["inputs"]["clusterIdentifier"] == "bank-prod-use1-ledger-db"
    assert prod_plan.depends(primary, "globalClusterIdentifier", prod_plan.one(GLOBAL))
    assert "enableGlobalWriteForwarding" not in primary["inputs"]


@pytest.mark.parametrize("region", PROD_REGIONS[1:])
def test_prod_secondary_clusters_join_the_global_cluster_and_forward_writes(
    prod_plan: Plan, region: str
):
    secondary = prod_plan.one(CLUSTER, region)
    assert prod_plan.depends(secondary, "globalClusterIdentifier", prod_plan.one(GLOBAL))
    assert secondary["inputs"]["enableGlobalWriteForwarding"] is True
    assert "masterPassword" not in secondary["inputs"], "secondaries take no credentials"
    primary_instances = {i["urn"] for i in prod_plan.of_type(INSTANCE, "us-east-1")}
    assert primary_instances <= set(secondary["dependencies"]), (
        f"{secondary['urn']} must wait for the primary's instances"
    )


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_prod_each_cluster_has_at_least_two_private_instances(prod_plan: Plan, region: str):
    cluster = prod_plan.one(CLUSTER, region)
    instances = [
        i
        for i in prod_plan.of_type(INSTANCE, region)
        if prod_plan.depends(i, "clusterIdentifier", cluster)
    ]
    assert len(instances) >= 2, f"{cluster['urn']}: {len(instances)} instances"
    assert all(i["inputs"]["publiclyAccessible"] is False for i in instances)
    assert {i["inputs"]["instanceClass"] for i in instances} == {"db.r8g.large"}


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_prod_clusters_are_encrypted_with_the_regions_data_key_and_hardened(
    prod_plan: Plan, region: str
):
    cluster = prod_plan.one(CLUSTER, region)["inputs"]
    assert cluster["kmsKeyId"] == prod_plan.document["outputs"]["keyArns"]["data"][region]
    assert cluster["storageEncrypted"] is True
    assert cluster["iamDatabaseAuthenticationEnabled"] is True
    assert cluster["deletionProtection"] is True
    assert cluster["backupRetentionPeriod"] == 35
    assert cluster["enabledCloudwatchLogsExports"] == ["postgresql"]


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_prod_clusters_sit_in_the_isolated_subnets(prod_plan: Plan, region: str):
    cluster = prod_plan.one(CLUSTER, region)
    group = prod_plan.one("aws:rds/subnetGroup:SubnetGroup", region)
    assert cluster["inputs"]["dbSubnetGroupName"] == group["inputs"]["name"]
    isolated = {
        s["id"]
        for s in prod_plan.of_type(SUBNET, region)
        if s["inputs"]["tags"]["Tier"] == "isolated"
    }
    assert set(group["inputs"]["subnetIds"]) == isolated


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_prod_database_security_group_admits_only_the_app_tier_on_5432(
    prod_plan: Plan, region: str
):
    cluster = prod_plan.one(CLUSTER, region)
    (group_urn,) = cluster["propertyDependencies"]["vpcSecurityGroupIds"]
    rules = [
        r
        for r in prod_plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if group_urn in r["propertyDependencies"]["securityGroupId"]
    ]
    app_group = next(
        g
        for g in prod_plan.of_type("aws:ec2/securityGroup:SecurityGroup", region)
        if g["inputs"]["tags"].get("Name", "").endswith("app-sg")
    )
    assert len(rules) == 1, f"{group_urn}: {len(rules)} ingress rules"
    assert rules[0]["inputs"]["fromPort"] == rules[0]["inputs"]["toPort"] == 5432
    assert prod_plan.depends(rules[0], "referencedSecurityGroupId", app_group)
    assert "cidrIpv4" not in rules[0]["inputs"]


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_prod_parameter_groups_set_write_forwarding_consistency_and_tls(
    prod_plan: Plan, region: str
):
    group = prod_plan.one("aws:rds/clusterParameterGroup:ClusterParameterGroup", region)
    cluster = prod_plan.one(CLUSTER, region)
    parameters = {p["name"]: p["value"] for p in group["inputs"]["parameters"]}
    assert parameters["apg_write_forward.consistency_mode"] == "SESSION"
    assert parameters["rds.force_ssl"] == "1"
    assert group["inputs"]["family"] == "aurora-postgresql17"
    assert prod_plan.depends(cluster, "dbClusterParameterGroupName", group)


def test_primary_master_password_comes_from_the_generated_secret(prod_plan: Plan):
    primary = prod_plan.one(CLUSTER, "us-east-1")
    assert primary["inputs"]["masterPassword"] == "[secret]"
    sources = primary["propertyDependencies"]["masterPassword"]
    assert [prod_plan.by_urn(u)["type"] for u in sources] == [
        "random:index/randomPassword:RandomPassword"
    ]
    assert "manageMasterUserPassword" not in primary["inputs"]


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_prod_postgresql_log_group_exists_first_with_the_logs_key(prod_plan: Plan, region: str):
    cluster = prod_plan.one(CLUSTER, region)
    identifier = cluster["inputs"]["clusterIdentifier"]
    group = next(
        g
        for g in prod_plan.of_type("aws:cloudwatch/logGroup:LogGroup", region)
        if g["inputs"]["name"] == f"/aws/rds/cluster/{identifier}/postgresql"
    )
    assert group["urn"] in cluster["dependencies"]
    assert group["inputs"]["kmsKeyId"] == prod_plan.document["outputs"]["keyArns"]["logs"][region]
    assert group["inputs"]["retentionInDays"] == 2557


def test_dev_has_the_global_cluster_with_one_primary_cluster_and_one_instance(dev_plan: Plan):
    assert dev_plan.one(GLOBAL)["region"] == "us-east-1"
    cluster = dev_plan.one(CLUSTER)
    assert cluster["inputs"]["deletionProtection"] is False
    assert cluster["inputs"]["iamDatabaseAuthenticationEnabled"] is True
    assert len(dev_plan.of_type(INSTANCE)) == 1
