"""Cache domain: the ElastiCache Global Datastore (REQUIREMENTS 3.7)."""

from __future__ import annotations

import json

import pytest

from tests.support import Plan

GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
GLOBAL = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup"
PROD_REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-1")


def test_prod_global_datastore_is_built_on_the_primary_group(prod_plan: Plan):
    datastore = prod_plan.one(GLOBAL)
    primary = prod_plan.one(GROUP, "us-east-1")
    assert datastore["region"] == "us-east-1"
    assert prod_plan.depends(datastore, "primaryReplicationGroupId", primary)


def test_prod_primary_group_is_encrypted_authenticated_and_snapshotted(prod_plan: Plan):
    primary = prod_plan.one(GROUP, "us-east-1")["inputs"]
    assert primary["atRestEncryptionEnabled"] is True
    assert primary["transitEncryptionEnabled"] is True
    assert primary["transitEncryptionMode"] == "required"
    assert primary["authToken"] == "[secret]"
    assert primary["snapshotRetentionLimit"] >= 1
    assert primary["nodeType"] == "cache.r7g.large"


@pytest.mark.parametrize("region", PROD_REGIONS[1:])
def test_prod_secondary_groups_join_the_datastore(prod_plan: Plan, region: str):
    secondary = prod_plan.one(GROUP, region)
    assert prod_plan.depends(secondary, "globalReplicationGroupId", prod_plan.one(GLOBAL))
    for inherited in ("engine", "nodeType", "transitEncryptionEnabled", "atRestEncryptionEnabled"):
        assert inherited not in secondary["inputs"], f"{secondary['urn']} sets {inherited}"


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_prod_groups_are_multi_az_with_failover_and_the_regions_key(prod_plan: Plan, region: str):
    group = prod_plan.one(GROUP, region)
    inputs = group["inputs"]
    assert inputs["multiAzEnabled"] is True and inputs["automaticFailoverEnabled"] is True
    assert inputs["numCacheClusters"] >= 2
    assert inputs["kmsKeyId"] == prod_plan.document["outputs"]["keyArns"]["data"][region]
    sources = {prod_plan.by_urn(u)["type"] for u in group["propertyDependencies"]["authToken"]}
    assert sources == {"random:index/randomPassword:RandomPassword"}


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_prod_cache_security_group_admits_only_the_app_tier_on_6379(prod_plan: Plan, region: str):
    group = prod_plan.one(GROUP, region)
    (sg_urn,) = group["propertyDependencies"]["securityGroupIds"]
    rules = [
        r
        for r in prod_plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if sg_urn in r["propertyDependencies"]["securityGroupId"]
    ]
    assert [(r["inputs"]["fromPort"], r["inputs"]["toPort"]) for r in rules] == [(6379, 6379)]
    assert rules[0]["inputs"].get("referencedSecurityGroupId")


def test_auth_token_secret_is_encrypted_and_replicated_without_plaintext(prod_plan: Plan):
    secret = next(
        s
        for s in prod_plan.of_type("aws:secretsmanager/secret:Secret")
        if s["inputs"]["name"] == "bank-prod-sessions-redis-auth"
    )
    assert {r["region"] for r in secret["inputs"]["replicas"]} == set(PROD_REGIONS[1:])
    assert all(r["kmsKeyId"] for r in secret["inputs"]["replicas"])
    version = next(
        v
        for v in prod_plan.of_type("aws:secretsmanager/secretVersion:SecretVersion")
        if prod_plan.depends(v, "secretId", secret)
    )
    assert version["inputs"]["secretString"] == "[secret]"
    assert "plan-only-" not in json.dumps(prod_plan.document, default=str), "a value leaked"


def test_dev_has_a_primary_group_and_a_datastore_without_secondaries(dev_plan: Plan):
    assert len(dev_plan.of_type(GROUP)) == 1
    assert dev_plan.one(GLOBAL)
    assert dev_plan.one(GROUP)["inputs"]["multiAzEnabled"] is True
