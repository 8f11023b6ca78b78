"""Foundation policy rules: each with a resource that passes and one that fails."""

from __future__ import annotations

import json
from typing import Any

from infra.naming import standard_tags
from infra.policy import rules
from infra.policy.catalog import ALL_RULES
from infra.policy.rules import PlannedResource

TAGS = standard_tags(project="banking-platform", environment="test", cost_center="CC-1")


def resource(type_: str, name: str = "r", **kwargs: Any) -> PlannedResource:
    inputs = kwargs.pop("inputs", {})
    return PlannedResource(
        urn=f"urn:{type_}::{name}", type=type_, name=name, inputs=inputs, **kwargs
    )


def violations(rule_id: str, *resources: PlannedResource) -> list[rules.Violation]:
    rule = next(r for r in rules.RULES if r.id == rule_id)
    return rules.evaluate(list(resources), [rule])


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


# -- required-tags ------------------------------------------------------------------------


def test_tags_from_the_providers_default_tags_satisfy_the_rule():
    assert not violations("required-tags", resource(rules.VPC, taggable=True, default_tags=TAGS))


def test_a_taggable_resource_without_the_platform_tags_fails():
    found = violations(
        "required-tags", resource(rules.VPC, taggable=True, inputs={"tags": {"Name": "x"}})
    )
    assert len(found) == 1 and "CostCenter" in found[0].message


def test_a_data_store_also_needs_its_data_classification():
    secret = resource(rules.SECRET, taggable=True, default_tags=TAGS)
    classified = resource(
        rules.SECRET,
        taggable=True,
        default_tags=TAGS,
        inputs={"tags": {"DataClassification": "Secret"}},
    )
    assert "DataClassification" in violations("required-tags", secret)[0].message
    assert not violations("required-tags", classified)


def test_untaggable_resources_are_not_asked_for_tags():
    assert not violations("required-tags", resource("aws:ec2/route:Route", taggable=False))


# -- log-group-cmk / secret-cmk ------------------------------------------------------------


def test_log_group_with_a_kms_key_passes_and_without_fails():
    good = resource(rules.LOG_GROUP, inputs={"kmsKeyId": "arn:aws:kms:us-east-1:1:key/mrk-1"})
    assert not violations("log-group-cmk", good)
    assert violations("log-group-cmk", resource(rules.LOG_GROUP))[0].rule == "log-group-cmk"


def test_secret_and_every_replica_need_a_kms_key():
    good = resource(
        rules.SECRET,
        inputs={"kmsKeyId": "k", "replicas": [{"region": "eu-west-1", "kmsKeyId": "k2"}]},
    )
    bad_replica = resource(
        rules.SECRET, inputs={"kmsKeyId": "k", "replicas": [{"region": "eu-west-1"}]}
    )
    assert not violations("secret-cmk", good)
    assert "eu-west-1" in violations("secret-cmk", bad_replica)[0].message
    assert violations("secret-cmk", resource(rules.SECRET))


# -- no-wildcard-admin ---------------------------------------------------------------------


def test_scoped_statements_pass():
    policy = doc({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"]})
    assert not violations(
        "no-wildcard-admin", resource("aws:iam/rolePolicy:RolePolicy", inputs={"policy": policy})
    )


def test_a_wildcard_action_on_a_wildcard_resource_fails():
    policy = doc({"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"})
    found = violations(
        "no-wildcard-admin", resource("aws:iam/rolePolicy:RolePolicy", inputs={"policy": policy})
    )
    assert "statement All" in found[0].message


def test_a_deny_on_everything_is_not_a_grant():
    policy = doc({"Effect": "Deny", "Action": "*", "Resource": "*"})
    assert not violations(
        "no-wildcard-admin", resource("aws:iam/policy:Policy", inputs={"policy": policy})
    )


def test_inline_policies_of_roles_are_checked_too():
    policy = doc({"Effect": "Allow", "Action": ["*:*"], "Resource": ["*"]})
    role = resource(
        "aws:iam/role:Role", inputs={"inlinePolicies": [{"name": "x", "policy": policy}]}
    )
    assert violations("no-wildcard-admin", role)


def test_attaching_administrator_access_fails():
    attach = resource(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        inputs={"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
    )
    read_only = resource(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        inputs={"policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
    )
    assert violations("no-wildcard-admin", attach)
    assert not violations("no-wildcard-admin", read_only)


# -- vpc-flow-logs -------------------------------------------------------------------------


def test_vpc_with_a_flow_log_built_from_it_passes():
    vpc = resource(rules.VPC, "vpc")
    flow = resource(rules.FLOW_LOG, property_dependencies={"vpcId": [vpc.urn]})
    assert not violations("vpc-flow-logs", vpc, flow)


def test_vpc_without_a_flow_log_fails_even_if_another_vpc_has_one():
    logged, unlogged = resource(rules.VPC, "a"), resource(rules.VPC, "b")
    flow = resource(rules.FLOW_LOG, property_dependencies={"vpcId": [logged.urn]})
    found = violations("vpc-flow-logs", logged, unlogged, flow)
    assert [v.urn for v in found] == [unlogged.urn]


# -- kms-key-rotation ----------------------------------------------------------------------


def test_rotating_key_and_its_replica_pass():
    key = resource(rules.KMS_KEY, "k", inputs={"enableKeyRotation": True})
    replica = resource(rules.KMS_REPLICA_KEY, property_dependencies={"primaryKeyArn": [key.urn]})
    assert not violations("kms-key-rotation", key, replica)


def test_key_without_rotation_fails_and_so_does_its_replica():
    key = resource(rules.KMS_KEY, "k", inputs={"enableKeyRotation": False})
    replica = resource(rules.KMS_REPLICA_KEY, property_dependencies={"primaryKeyArn": [key.urn]})
    assert {v.urn for v in violations("kms-key-rotation", key, replica)} == {key.urn, replica.urn}


def test_asymmetric_keys_cannot_rotate_and_are_not_asked_to():
    key = resource(rules.KMS_KEY, inputs={"customerMasterKeySpec": "RSA_2048"})
    assert not violations("kms-key-rotation", key)


def test_replica_of_an_unknown_primary_fails():
    assert violations("kms-key-rotation", resource(rules.KMS_REPLICA_KEY))


# -- default-security-group-closed ---------------------------------------------------------


def test_adopted_default_group_without_rules_passes():
    vpc = resource(rules.VPC, "vpc")
    group = resource(
        rules.DEFAULT_SECURITY_GROUP,
        inputs={"ingress": [], "egress": []},
        property_dependencies={"vpcId": [vpc.urn]},
    )
    assert not violations("default-security-group-closed", vpc, group)


def test_default_group_with_rules_fails():
    vpc = resource(rules.VPC, "vpc")
    group = resource(
        rules.DEFAULT_SECURITY_GROUP,
        inputs={"egress": [{"protocol": "-1", "cidrBlocks": ["0.0.0.0/0"]}]},
        property_dependencies={"vpcId": [vpc.urn]},
    )
    assert [v.urn for v in violations("default-security-group-closed", vpc, group)] == [group.urn]


def test_vpc_whose_default_group_is_not_managed_fails():
    vpc = resource(rules.VPC, "vpc")
    assert [v.urn for v in violations("default-security-group-closed", vpc)] == [vpc.urn]


# -- the catalogue ---------------------------------------------------------------------------


def test_every_rule_has_an_id_a_description_and_a_pci_requirement():
    ids = [rule.id for rule in ALL_RULES]
    assert len(ids) == len(set(ids))
    for rule in ALL_RULES:
        assert rule.description and rule.pci_dss and rule.severity in ("mandatory", "advisory")
