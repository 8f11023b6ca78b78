"""Storage domains: S3 archive, audit, data lake and access logs; EFS (REQUIREMENTS 3.8, 3.9)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Plan, policy_document

PROD_REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-1")
BUCKET = "aws:s3/bucket:Bucket"
S3 = "aws:s3/"


def bucket(plan: Plan, region: str, role: str) -> dict[str, Any]:
    name = f"bank-prod-{plan_code(region)}-{role}-123456789012"
    return next(b for b in plan.of_type(BUCKET, region) if b["inputs"]["bucket"] == name)


def plan_code(region: str) -> str:
    return {"us-east-1": "use1", "eu-west-1": "euw1", "ap-southeast-1": "apse1"}[region]


def attached(plan: Plan, target: dict[str, Any], kind: str, prop: str = "bucket") -> list[Any]:
    return [r for r in plan.of_type(f"{S3}{kind}") if plan.depends(r, prop, target)]


@pytest.mark.parametrize("region", PROD_REGIONS)
@pytest.mark.parametrize("role", ["transaction-archive", "audit"])
def test_archive_and_audit_buckets_are_compliance_locked_for_seven_years(
    prod_plan: Plan, region: str, role: str
):
    target = bucket(prod_plan, region, role)
    assert target["inputs"]["objectLockEnabled"] is True
    (lock,) = attached(
        prod_plan, target, "bucketObjectLockConfiguration:BucketObjectLockConfiguration"
    )
    assert lock["inputs"]["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": 2557}
    assert target["protect"] and target["retainOnDelete"]


@pytest.mark.parametrize("region", PROD_REGIONS)
@pytest.mark.parametrize("role", ["transaction-archive", "audit", "data-lake", "access-logs"])
def test_every_bucket_is_versioned_private_and_has_lifecycle(
    prod_plan: Plan, region: str, role: str
):
    target = bucket(prod_plan, region, role)
    (versioning,) = attached(prod_plan, target, "bucketVersioning:BucketVersioning")
    assert versioning["inputs"]["versioningConfiguration"]["status"] == "Enabled"
    (block,) = attached(prod_plan, target, "bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(
        block["inputs"][k]
        for k in (
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
        )
    )
    lifecycle = [
        r
        for r in prod_plan.of_type(f"{S3}bucketLifecycleConfiguration:BucketLifecycleConfiguration")
        if r["inputs"]["bucket"] == target["inputs"]["bucket"]
    ]
    assert len(lifecycle) == 1 and lifecycle[0]["inputs"]["rules"][0]["transitions"]


@pytest.mark.parametrize("region", PROD_REGIONS)
@pytest.mark.parametrize("role", ["transaction-archive", "audit", "data-lake"])
def test_data_buckets_use_the_regions_data_key_and_log_access(
    prod_plan: Plan, region: str, role: str
):
    target = bucket(prod_plan, region, role)
    (sse,) = attached(
        prod_plan,
        target,
        "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    )
    default = sse["inputs"]["rules"][0]["applyServerSideEncryptionByDefault"]
    assert default["sseAlgorithm"] == "aws:kms"
    assert default["kmsMasterKeyId"] == prod_plan.document["outputs"]["keyArns"]["data"][region]
    (logging,) = attached(prod_plan, target, "bucketLogging:BucketLogging")
    assert prod_plan.depends(logging, "targetBucket", bucket(prod_plan, region, "access-logs"))


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_bucket_policies_deny_plain_http_and_foreign_encryption(prod_plan: Plan, region: str):
    target = bucket(prod_plan, region, "transaction-archive")
    (policy,) = attached(prod_plan, target, "bucketPolicy:BucketPolicy")
    statements = {s["Sid"]: s for s in policy_document(policy)["Statement"]}
    assert statements["DenyInsecureTransport"]["Condition"] == {
        "Bool": {"aws:SecureTransport": "false"}
    }
    assert all(s["Effect"] == "Deny" for s in statements.values())
    key = prod_plan.document["outputs"]["keyArns"]["data"][region]
    assert statements["DenyOtherKeys"]["Condition"]["StringNotEqualsIfExists"] == {
        "s3:x-amz-server-side-encryption-aws-kms-key-id": key
    }
    assert statements["DenyOtherEncryption"]["Condition"]["StringNotEqualsIfExists"] == {
        "s3:x-amz-server-side-encryption": "aws:kms"
    }


@pytest.mark.parametrize("role", ["transaction-archive", "audit"])
def test_primary_buckets_replicate_to_both_replica_regions_with_replica_keys(
    prod_plan: Plan, role: str
):
    source = bucket(prod_plan, "us-east-1", role)
    (config,) = [
        r
        for r in prod_plan.of_type(f"{S3}bucketReplicationConfig:BucketReplicationConfig")
        if r["inputs"]["bucket"] == source["inputs"]["bucket"]
    ]
    keys = prod_plan.document["outputs"]["keyArns"]["data"]
    destinations = {
        rule["destination"]["bucket"]: rule["destination"]["encryptionConfiguration"][
            "replicaKmsKeyId"
        ]
        for rule in config["inputs"]["rules"]
    }
    expected = {
        f"arn:aws:s3:::{bucket(prod_plan, region, role)['inputs']['bucket']}": keys[region]
        for region in PROD_REGIONS[1:]
    }
    assert destinations == expected
    assert all(
        r["deleteMarkerReplication"]["status"] == "Disabled" for r in config["inputs"]["rules"]
    )


def test_replication_role_is_scoped_to_the_exact_buckets_and_keys(prod_plan: Plan):
    role = next(
        r
        for r in prod_plan.of_type("aws:iam/role:Role")
        if r["inputs"]["name"] == "bank-prod-archive-replication"
    )
    (policy,) = [
        p
        for p in prod_plan.of_type("aws:iam/rolePolicy:RolePolicy")
        if prod_plan.depends(p, "role", role)
    ]
    statements = {s["Sid"]: s for s in policy_document(policy)["Statement"]}
    replicas = [
        f"arn:aws:s3:::{bucket(prod_plan, region, role_name)['inputs']['bucket']}/*"
        for role_name in ("transaction-archive", "audit")
        for region in PROD_REGIONS[1:]
    ]
    assert sorted(statements["WriteReplicas"]["Resource"]) == sorted(replicas)
    keys = prod_plan.document["outputs"]["keyArns"]["data"]
    assert sorted(statements["EncryptReplicas"]["Resource"]) == sorted(
        keys[r] for r in PROD_REGIONS[1:]
    )
    assert statements["DecryptSource"]["Resource"] == [keys["us-east-1"]]
    assert not any("*" in str(s["Resource"]).replace("/*", "") for s in statements.values())


def test_access_log_bucket_accepts_only_s3_log_delivery_from_this_account(prod_plan: Plan):
    target = bucket(prod_plan, "us-east-1", "access-logs")
    (policy,) = attached(prod_plan, target, "bucketPolicy:BucketPolicy")
    allows = [s for s in policy_document(policy)["Statement"] if s["Effect"] == "Allow"]
    assert len(allows) == 1
    assert allows[0]["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert allows[0]["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}


def test_bucket_names_fit_the_s3_limit_and_carry_the_account(prod_plan: Plan):
    names = [b["inputs"]["bucket"] for b in prod_plan.of_type(BUCKET)]
    assert len(names) == 12
    assert all(len(n) <= 63 and n.endswith("-123456789012") for n in names)


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_prod_file_system_is_encrypted_and_mounted_in_every_private_subnet(
    prod_plan: Plan, region: str
):
    fs = prod_plan.one("aws:efs/fileSystem:FileSystem", region)
    assert fs["inputs"]["encrypted"] is True
    assert fs["inputs"]["kmsKeyId"] == prod_plan.document["outputs"]["keyArns"]["data"][region]
    mounts = prod_plan.of_type("aws:efs/mountTarget:MountTarget", region)
    private = {
        s["id"]
        for s in prod_plan.of_type("aws:ec2/subnet:Subnet", region)
        if s["inputs"]["tags"]["Tier"] == "private"
    }
    assert {m["inputs"]["subnetId"] for m in mounts} == private
    assert all(prod_plan.depends(m, "fileSystemId", fs) for m in mounts)
    access_point = prod_plan.one("aws:efs/accessPoint:AccessPoint", region)
    assert access_point["inputs"]["rootDirectory"]["path"] == "/statements"
    assert access_point["inputs"]["posixUser"]["uid"] == 1001


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_prod_file_system_admits_only_the_app_tier_over_tls(prod_plan: Plan, region: str):
    mount = prod_plan.of_type("aws:efs/mountTarget:MountTarget", region)[0]
    (sg_urn,) = mount["propertyDependencies"]["securityGroups"]
    rules = [
        r
        for r in prod_plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if sg_urn in r["propertyDependencies"]["securityGroupId"]
    ]
    assert [(r["inputs"]["fromPort"], r["inputs"]["toPort"]) for r in rules] == [(2049, 2049)]
    policy = prod_plan.one("aws:efs/fileSystemPolicy:FileSystemPolicy", region)
    deny = next(s for s in policy_document(policy)["Statement"] if s["Effect"] == "Deny")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_dev_has_every_bucket_kind_once_and_governance_locks(dev_plan: Plan):
    buckets = dev_plan.of_type(BUCKET)
    assert len(buckets) == 4
    locks = dev_plan.of_type(f"{S3}bucketObjectLockConfiguration:BucketObjectLockConfiguration")
    assert [lock["inputs"]["rule"]["defaultRetention"]["mode"] for lock in locks] == [
        "GOVERNANCE",
        "GOVERNANCE",
    ]
    assert not dev_plan.of_type(f"{S3}bucketReplicationConfig:BucketReplicationConfig")
    assert len(dev_plan.of_type("aws:efs/fileSystem:FileSystem")) == 1
