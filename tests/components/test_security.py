"""Security domain: multi-region keys per data domain and the roles that separate duties."""

from __future__ import annotations

import json

import pytest

from infra.key_policies import KEY_DOMAINS
from tests.support import Plan, policy_document

KEY = "aws:kms/key:Key"
REPLICA = "aws:kms/replicaKey:ReplicaKey"
ROLE = "aws:iam/role:Role"
REPLICA_REGIONS = ("eu-west-1", "ap-southeast-1")


def test_each_data_domain_has_a_rotating_multi_region_key_in_the_primary(prod_plan: Plan):
    keys = prod_plan.of_type(KEY)
    assert {k["region"] for k in keys} == {"us-east-1"}
    assert len(keys) == len(KEY_DOMAINS)
    for key in keys:
        assert key["inputs"]["multiRegion"] is True, key["urn"]
        assert key["inputs"]["enableKeyRotation"] is True, key["urn"]
        assert key["inputs"]["deletionWindowInDays"] == 30, key["urn"]


@pytest.mark.parametrize("region", REPLICA_REGIONS)
def test_every_key_has_a_replica_in_each_replica_region(prod_plan: Plan, region: str):
    primaries = prod_plan.of_type(KEY)
    replicas = prod_plan.of_type(REPLICA, region)
    assert len(replicas) == len(primaries)
    for primary in primaries:
        assert sum(prod_plan.depends(r, "primaryKeyArn", primary) for r in replicas) == 1


def test_dev_has_no_replica_keys(dev_plan: Plan):
    assert not dev_plan.of_type(REPLICA)
    assert len(dev_plan.of_type(KEY)) == len(KEY_DOMAINS)


def _statements(resource: dict) -> dict[str, dict]:
    return {s["Sid"]: s for s in policy_document(resource)["Statement"]}


@pytest.mark.parametrize("type_", [KEY, REPLICA])
def test_key_policies_grant_no_one_every_kms_action(prod_plan: Plan, type_: str):
    for key in prod_plan.of_type(type_):
        for statement in policy_document(key)["Statement"]:
            assert "kms:*" not in statement["Action"] and statement["Action"] != "*", key["urn"]


def test_only_the_deploy_and_break_glass_roles_administer_keys(prod_plan: Plan):
    roles = prod_plan.document["outputs"]["roleArns"]
    for key in prod_plan.of_type(KEY) + prod_plan.of_type(REPLICA):
        admin = _statements(key)["KeyAdministration"]
        assert sorted(admin["Principal"]["AWS"]) == sorted([roles["deploy"], roles["breakGlass"]])
        assert "kms:Decrypt" not in admin["Action"], "administrators must not decrypt"


def test_account_principals_use_keys_only_through_the_domain_services_of_that_region(
    prod_plan: Plan,
):
    for key in prod_plan.of_type(REPLICA, "eu-west-1"):
        use = _statements(key)["UseThroughDomainServices"]
        services = use["Condition"]["StringEquals"]["kms:ViaService"]
        assert services and all(s.endswith(".eu-west-1.amazonaws.com") for s in services)


def test_the_logs_key_admits_cloudwatch_logs_of_its_own_region_for_this_account(prod_plan: Plan):
    for key in prod_plan.of_type(REPLICA, "ap-southeast-1"):
        statements = _statements(key)
        if "ServicePrincipalLogs" not in statements:
            continue
        logs = statements["ServicePrincipalLogs"]
        assert logs["Principal"] == {"Service": "logs.ap-southeast-1.amazonaws.com"}
        condition = logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
        assert condition == "arn:aws:logs:ap-southeast-1:123456789012:*"
        return
    pytest.fail("no logs replica key in ap-southeast-1")


def test_the_auditor_can_read_key_policies_but_not_decrypt(prod_plan: Plan):
    auditor = prod_plan.document["outputs"]["roleArns"]["auditor"]
    for key in prod_plan.of_type(KEY):
        audit = _statements(key)["Audit"]
        assert audit["Principal"] == {"AWS": auditor}
        assert "kms:GetKeyPolicy" in audit["Action"] and "kms:Decrypt" not in audit["Action"]


@pytest.mark.parametrize("role", ["operator", "auditor", "break-glass"])
def test_people_assume_roles_only_with_recent_mfa(prod_plan: Plan, role: str):
    resource = next(
        r for r in prod_plan.of_type(ROLE) if r["inputs"]["name"] == f"bank-prod-{role}"
    )
    trust = policy_document(resource, "assumeRolePolicy")["Statement"][0]
    assert trust["Condition"]["Bool"] == {"aws:MultiFactorAuthPresent": "true"}
    assert int(trust["Condition"]["NumericLessThan"]["aws:MultiFactorAuthAge"]) <= 3600


def test_keys_are_protected_and_retained_in_prod_but_not_in_dev(prod_plan: Plan, dev_plan: Plan):
    assert all(k["protect"] and k["retainOnDelete"] for k in prod_plan.of_type(KEY))
    assert all(k["protect"] for k in prod_plan.of_type(REPLICA))
    assert not any(k["protect"] for k in dev_plan.of_type(KEY))


@pytest.mark.parametrize("region", ["us-east-1", *REPLICA_REGIONS])
def test_each_region_has_an_alias_per_domain(prod_plan: Plan, region: str):
    aliases = {a["inputs"]["name"] for a in prod_plan.of_type("aws:kms/alias:Alias", region)}
    assert aliases == {f"alias/bank-prod-{d.name}" for d in KEY_DOMAINS}


def test_key_policies_are_valid_json_documents(prod_plan: Plan):
    for key in prod_plan.of_type(KEY):
        assert json.loads(key["inputs"]["policy"])["Version"] == "2012-10-17"
