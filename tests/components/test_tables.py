"""Tables domain: DynamoDB global tables (REQUIREMENTS 3.6)."""

from __future__ import annotations

import pytest

from tests.support import Plan

TABLE = "aws:dynamodb/table:Table"
REPLICAS = ("eu-west-1", "ap-southeast-1")


@pytest.mark.parametrize("role", ["sessions", "transactions"])
def test_prod_table_is_on_demand_with_pitr_streams_ttl_and_protection(prod_plan: Plan, role: str):
    table = next(t for t in prod_plan.of_type(TABLE) if t["inputs"]["name"] == f"bank-prod-{role}")
    inputs = table["inputs"]
    assert table["region"] == "us-east-1"
    assert inputs["billingMode"] == "PAY_PER_REQUEST"
    assert inputs["pointInTimeRecovery"]["enabled"] is True
    assert inputs["streamEnabled"] is True
    assert inputs["streamViewType"] == "NEW_AND_OLD_IMAGES"
    assert inputs["ttl"] == {"attributeName": "expiresAt", "enabled": True}
    assert inputs["deletionProtectionEnabled"] is True
    assert table["protect"] and table["retainOnDelete"]


@pytest.mark.parametrize("role", ["sessions", "transactions"])
def test_prod_table_replicates_to_both_replica_regions_with_their_own_keys(
    prod_plan: Plan, role: str
):
    table = next(t for t in prod_plan.of_type(TABLE) if t["inputs"]["name"] == f"bank-prod-{role}")
    keys = prod_plan.document["outputs"]["keyArns"]["data"]
    replicas = {r["regionName"]: r for r in table["inputs"]["replicas"]}
    assert set(replicas) == set(REPLICAS)
    for region, replica in replicas.items():
        assert replica["kmsKeyArn"] == keys[region], f"{table['urn']} replica in {region}"
        assert replica["pointInTimeRecovery"] is True
        assert replica["deletionProtectionEnabled"] is True
    assert table["inputs"]["serverSideEncryption"]["kmsKeyArn"] == keys["us-east-1"]


def test_dev_tables_have_no_replicas_but_keep_pitr_and_encryption(dev_plan: Plan):
    tables = dev_plan.of_type(TABLE)
    assert len(tables) == 2
    for table in tables:
        assert not table["inputs"].get("replicas")
        assert table["inputs"]["pointInTimeRecovery"]["enabled"] is True
        assert table["inputs"]["serverSideEncryption"]["enabled"] is True
