"""Backup domain: vaults, locks, plans, copies and selections (REQUIREMENTS 3.33)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Plan

PROD_REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-1")
VAULT = "aws:backup/vault:Vault"
PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"


def selection_of(plan: Plan, backup_plan: dict[str, Any]) -> dict[str, Any]:
    (selection,) = [s for s in plan.of_type(SELECTION) if plan.depends(s, "planId", backup_plan)]
    return selection


@pytest.mark.parametrize("region", PROD_REGIONS)
def test_prod_vault_per_region_with_data_key_and_compliance_lock(prod_plan: Plan, region: str):
    vault = prod_plan.one(VAULT, region)
    assert vault["inputs"]["kmsKeyArn"] == prod_plan.document["outputs"]["keyArns"]["data"][region]
    lock = prod_plan.one("aws:backup/vaultLockConfiguration:VaultLockConfiguration", region)
    assert prod_plan.depends(lock, "backupVaultName", vault)
    assert lock["inputs"]["changeableForDays"] >= 3, "grace days make it a compliance lock"
    assert lock["inputs"]["maxRetentionDays"] >= 2557


def test_prod_primary_plan_keeps_monthly_points_seven_years_and_copies_to_replicas(
    prod_plan: Plan,
):
    plan = prod_plan.one(PLAN, "us-east-1")
    rules = {r["ruleName"]: r for r in plan["inputs"]["rules"]}
    assert set(rules) == {"daily", "monthly"}
    assert rules["monthly"]["lifecycle"]["deleteAfter"] >= 2557
    vault_arns = prod_plan.document["outputs"]["backupVaultArns"]
    for rule in rules.values():
        copies = {c["destinationVaultArn"] for c in rule["copyActions"]}
        assert copies == {vault_arns[r] for r in PROD_REGIONS[1:]}
    replica_vaults = {prod_plan.one(VAULT, r)["urn"] for r in PROD_REGIONS[1:]}
    assert replica_vaults <= set(plan["propertyDependencies"]["rules"]), (
        "destination vault ARNs must come from the vault resources"
    )


def test_prod_primary_selection_covers_aurora_tables_and_file_system(prod_plan: Plan):
    selection = selection_of(prod_plan, prod_plan.one(PLAN, "us-east-1"))
    sources = {prod_plan.by_urn(u)["type"] for u in selection["propertyDependencies"]["resources"]}
    assert sources == {
        "aws:rds/cluster:Cluster",
        "aws:dynamodb/table:Table",
        "aws:efs/fileSystem:FileSystem",
    }
    outputs = prod_plan.document["outputs"]
    assert set(selection["inputs"]["resources"]) == {
        outputs["auroraClusterArns"]["us-east-1"],
        *outputs["tableArns"].values(),
        f"arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/"
        f"{outputs['fileSystemIds']['us-east-1']}",
    }
    role = prod_plan.by_urn(selection["propertyDependencies"]["iamRoleArn"][0])
    assert role["inputs"]["name"] == "bank-prod-backup"


@pytest.mark.parametrize("region", PROD_REGIONS[1:])
def test_prod_replica_plans_back_up_their_file_system_and_aurora_cluster_at_home(
    prod_plan: Plan, region: str
):
    plan = prod_plan.one(PLAN, region)
    assert all(not rule["copyActions"] for rule in plan["inputs"]["rules"])
    selection = selection_of(prod_plan, plan)
    fs = prod_plan.one("aws:efs/fileSystem:FileSystem", region)
    cluster = prod_plan.one("aws:rds/cluster:Cluster", region)
    assert sorted(selection["propertyDependencies"]["resources"]) == sorted(
        [fs["urn"], cluster["urn"]]
    )


def test_dev_has_one_vault_and_plan_with_a_governance_lock(dev_plan: Plan):
    assert len(dev_plan.of_type(VAULT)) == 1
    lock = dev_plan.one("aws:backup/vaultLockConfiguration:VaultLockConfiguration")
    assert "changeableForDays" not in lock["inputs"]
    assert selection_of(dev_plan, dev_plan.one(PLAN))["inputs"]["resources"]
