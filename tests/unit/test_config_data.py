"""Data-tier configuration: what AWS would refuse is refused before any resource exists."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from infra.config import ConfigError, PlatformConfig, load_config
from infra.plan import runner

PREFIX = "banking-platform:"


def _stack(stack: str) -> dict[str, Any]:
    raw = runner.read_stack_config(stack)[1]
    return {k[len(PREFIX) :]: v for k, v in raw.items() if k.startswith(PREFIX)}


def _with(stack: str, section: str, **settings: Any) -> dict[str, Any]:
    raw = copy.deepcopy(_stack(stack))
    raw[section] = {**(raw.get(section) or {}), **settings}
    return raw


def _problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(raw)
    return caught.value.problems


def test_stack_defaults_give_the_production_data_tier():
    config = load_config(_stack("prod"))
    assert config.database.instances_per_cluster >= 2
    assert config.database.backup_retention_days == 35
    assert config.database_secondary_regions == ("eu-west-1", "ap-southeast-1")
    assert config.cache_secondary_regions == ("eu-west-1", "ap-southeast-1")
    assert config.storage.object_lock_mode == "COMPLIANCE"
    assert config.storage.object_lock_retention_days >= 2557
    assert config.backup.monthly_retention_days >= 2557


def test_dev_keeps_one_region_and_valid_small_sizes():
    config = load_config(_stack("dev"))
    assert isinstance(config, PlatformConfig)
    assert config.database_secondary_regions == ()
    assert config.database.instances_per_cluster == 1


@pytest.mark.parametrize("instance_class", ["db.t4g.medium", "db.t3.large", "db.r4.large", "r6g"])
def test_instance_class_that_aurora_global_databases_refuse_is_rejected(instance_class: str):
    problems = _problems(_with("prod", "database", instanceClass=instance_class))
    assert len(problems) == 1
    assert "database.instanceClass" in problems[0]
    assert repr(instance_class) in problems[0]
    assert "db.r8g.large" in problems[0], "the message names a class that works"


@pytest.mark.parametrize(
    "node_type", ["cache.t4g.medium", "cache.m4.large", "cache.r7g.medium", "cache.t3.micro"]
)
def test_node_type_that_global_datastore_refuses_is_rejected(node_type: str):
    problems = _problems(_with("prod", "cache", nodeType=node_type))
    assert len(problems) == 1
    assert "cache.nodeType" in problems[0] and repr(node_type) in problems[0]


def test_backup_retention_shorter_than_audit_retention_is_rejected_in_prod():
    problems = _problems(_with("prod", "backup", monthlyRetentionDays=365))
    assert any("backup.monthlyRetentionDays" in p and "365" in p and "2557" in p for p in problems)


def test_short_backup_retention_is_allowed_outside_prod():
    config = load_config(_with("dev", "backup", monthlyRetentionDays=90))
    assert config.backup.monthly_retention_days == 90


def test_object_lock_retention_below_seven_years_is_rejected_in_prod():
    problems = _problems(_with("prod", "storage", objectLockRetentionDays=2000))
    assert any("storage.objectLockRetentionDays" in p and "2000" in p for p in problems)


def test_governance_object_lock_is_rejected_in_prod():
    problems = _problems(_with("prod", "storage", objectLockMode="GOVERNANCE"))
    assert any("storage.objectLockMode" in p and "COMPLIANCE" in p for p in problems)


@pytest.mark.parametrize("region", ["us-west-2", "us-east-1"])
def test_database_secondary_region_outside_the_stack_replicas_is_rejected(region: str):
    problems = _problems(_with("prod", "database", secondaryRegions=["eu-west-1", region]))
    assert len(problems) == 1
    assert "database.secondaryRegions[1]" in problems[0] and repr(region) in problems[0]
    assert "eu-west-1, ap-southeast-1" in problems[0], "the message lists the allowed regions"


def test_database_secondary_regions_narrow_the_replicas():
    config = load_config(_with("prod", "database", secondaryRegions=["ap-southeast-1"]))
    assert config.database_secondary_regions == ("ap-southeast-1",)


def test_engine_version_without_global_write_forwarding_is_rejected():
    problems = _problems(_with("prod", "database", engineVersion="15.2"))
    assert any("database.engineVersion" in p and "write forwarding" in p for p in problems)


def test_single_instance_clusters_are_rejected_in_prod():
    problems = _problems(_with("prod", "database", instancesPerCluster=1))
    assert any("database.instancesPerCluster" in p for p in problems)


def test_read_consistency_other_than_session_or_global_is_rejected():
    problems = _problems(_with("prod", "database", readConsistency="EVENTUAL"))
    assert any("database.readConsistency" in p and "SESSION, GLOBAL" in p for p in problems)


def test_more_than_two_cache_secondaries_is_rejected():
    raw = copy.deepcopy(_stack("prod"))
    raw["regions"] = [
        *raw["regions"],
        {"region": "eu-central-1", "vpcCidr": "10.32.0.0/16"},
    ]
    problems = _problems(raw)
    assert any("cache.secondaryRegions" in p and "at most 2" in p for p in problems)


def test_lifecycle_that_s3_refuses_is_rejected():
    problems = _problems(
        _with("prod", "storage", coldTransitionDays=90, deepArchiveTransitionDays=120)
    )
    assert any("storage.deepArchiveTransitionDays" in p and "180" in p for p in problems)


def test_governance_vault_lock_is_rejected_in_prod():
    problems = _problems(_with("prod", "backup", vaultLockMode="governance"))
    assert any("backup.vaultLockMode" in p for p in problems)
