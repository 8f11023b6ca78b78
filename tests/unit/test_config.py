"""Configuration: what a valid stack looks like and what every kind of bad input is told.

Each bad-input test checks that the message names the key, the value received and the fix.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from infra.config import ConfigError, PlatformConfig, load_config

PROD: dict[str, Any] = {
    "environment": "prod",
    "costCenter": "CC-4100",
    "regions": [
        {"region": "us-east-1", "vpcCidr": "10.29.0.0/16"},
        {"region": "eu-west-1", "vpcCidr": "10.30.0.0/16"},
        {"region": "ap-southeast-1", "vpcCidr": "10.31.0.0/16"},
    ],
}


def with_changes(**changes: Any) -> dict[str, Any]:
    raw = copy.deepcopy(PROD)
    raw.update(changes)
    return raw


def problems_for(raw: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(raw)
    return str(caught.value)


def test_a_valid_prod_config_loads_with_bank_safe_defaults():
    config = load_config(PROD)
    assert isinstance(config, PlatformConfig)
    assert config.is_production
    assert config.primary.region == "us-east-1"
    assert [r.region for r in config.replicas] == ["eu-west-1", "ap-southeast-1"]
    assert config.network.availability_zones == 3
    assert config.network.nat_gateways == "perZone"
    assert config.controls.deletion_protection and config.controls.encryption_at_rest


def test_values_arrive_as_json_strings_from_the_pulumi_cli():
    raw = with_changes(
        regions='[{"region": "us-east-1", "vpcCidr": "10.29.0.0/16"}]',
        network='{"availabilityZones": 2, "natGateways": "single"}',
    )
    config = load_config(raw)
    assert config.network.availability_zones == 2
    assert config.region_names == ("us-east-1",)


def test_the_config_is_frozen():
    config = load_config(PROD)
    with pytest.raises(AttributeError):
        config.environment = "dev"  # type: ignore[misc]


def test_unknown_region_names_the_value_and_suggests_the_closest():
    message = problems_for(
        with_changes(regions=[{"region": "us-est-1", "vpcCidr": "10.29.0.0/16"}])
    )
    assert "banking-platform:regions[0].region" in message
    assert "'us-est-1' is not a known AWS region" in message
    assert "did you mean 'us-east-1'" in message


def test_duplicate_replica_region_is_rejected():
    regions = [*PROD["regions"], {"region": "eu-west-1", "vpcCidr": "10.32.0.0/16"}]
    message = problems_for(with_changes(regions=regions))
    assert "regions[3].region: 'eu-west-1' is listed again (already regions[1])" in message


def test_primary_repeated_among_replicas_is_rejected():
    regions = [*PROD["regions"][:2], {"region": "us-east-1", "vpcCidr": "10.32.0.0/16"}]
    message = problems_for(with_changes(regions=regions))
    assert "regions[2].region: 'us-east-1' is listed again (already the primary)" in message


def test_more_than_five_regions_is_rejected():
    names = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1"]
    regions = [{"region": n, "vpcCidr": f"10.{29 + i}.0.0/16"} for i, n in enumerate(names)]
    message = problems_for(with_changes(regions=regions))
    assert "banking-platform:regions: 6 regions given" in message
    assert "list 1 to 5" in message


def test_no_region_at_all_is_rejected():
    assert "0 regions given" in problems_for(with_changes(regions=[]))


@pytest.mark.parametrize("bad", ["10.29.0.0/33", "10.29.0.300/16", "not-a-cidr", "10.29.1.0/16"])
def test_malformed_cidr_is_rejected_with_the_value(bad: str):
    regions = [{"region": "us-east-1", "vpcCidr": bad}]
    message = problems_for(with_changes(regions=regions))
    assert f"regions[0].vpcCidr: '{bad}' is not an IPv4 network" in message
    assert "use a range such as 10.29.0.0/16" in message


def test_overlapping_cidrs_between_regions_are_rejected():
    regions = [
        {"region": "us-east-1", "vpcCidr": "10.29.0.0/16"},
        {"region": "eu-west-1", "vpcCidr": "10.29.128.0/17"},
    ]
    message = problems_for(with_changes(regions=regions))
    assert "regions[0] (us-east-1) overlaps regions[1] (eu-west-1)" in message
    assert "10.29.0.0/16 and 10.29.128.0/17" in message


@pytest.mark.parametrize(
    ("cidr", "prefix"), [("10.0.0.0/8", 8), ("10.28.0.0/15", 15), ("10.29.0.0/24", 24)]
)
def test_vpc_prefix_outside_16_to_20_is_rejected(cidr: str, prefix: int):
    message = problems_for(with_changes(regions=[{"region": "us-east-1", "vpcCidr": cidr}]))
    assert f"'{cidr}' has prefix /{prefix}; a VPC here must be between /16 and /20" in message


def test_public_vpc_range_is_rejected():
    message = problems_for(with_changes(regions=[{"region": "us-east-1", "vpcCidr": "8.8.0.0/16"}]))
    assert "'8.8.0.0/16' is not a private (RFC 1918) range" in message


@pytest.mark.parametrize("name", ["Prod", "prod_1", "1prod", "prod-", "pr--od", ""])
def test_environment_name_that_aws_names_reject(name: str):
    message = problems_for(with_changes(environment=name))
    assert f"banking-platform:environment: {name!r} is not usable in AWS names" in message
    assert "lowercase letters, digits and single inner hyphens" in message


def test_environment_name_that_makes_the_shortest_limited_name_too_long():
    message = problems_for(with_changes(environment="performance-testing"))
    assert (
        "banking-platform:environment: 'performance-testing' makes physical names too long"
        in message
    )
    assert "ELB target group name" in message
    assert "limit 32" in message
    assert "use at most" in message


def test_unknown_top_level_key_is_a_typo_with_a_suggestion():
    message = problems_for(with_changes(costCentre="CC-1"))
    assert "banking-platform:costCentre: unknown setting; did you mean 'costCenter'?" in message


def test_unknown_nested_key_is_a_typo_with_a_suggestion():
    message = problems_for(with_changes(network={"availabilityZone": 3}))
    assert "banking-platform:network.availabilityZone: unknown setting" in message
    assert "did you mean 'availabilityZones'?" in message


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        ("network", "availabilityZones", 0),
        ("network", "availabilityZones", -1),
        ("security", "secretRotationDays", 0),
        ("security", "keyDeletionWindowDays", -3),
    ],
)
def test_zero_or_negative_sizes_and_counts_are_rejected(section: str, key: str, value: int):
    message = problems_for(with_changes(**{section: {key: value}}))
    assert f"banking-platform:{section}.{key}: {value} is below the minimum" in message
    assert "set at least" in message


def test_a_count_must_be_a_whole_number():
    message = problems_for(with_changes(network={"availabilityZones": "three"}))
    assert "network.availabilityZones: expected a whole number, got 'three'" in message


def test_more_zones_than_the_region_has_is_rejected():
    message = problems_for(with_changes(network={"availabilityZones": 4}))
    assert "regions[1] (eu-west-1) offers 3" in message


@pytest.mark.parametrize("control", ["deletionProtection", "retainOnDelete"])
def test_turning_off_a_pci_control_in_prod_is_rejected(control: str):
    message = problems_for(with_changes(controls={control: False}))
    assert f"banking-platform:controls.{control}: false is not allowed in the production" in message
    assert "set true" in message


def test_the_same_control_may_be_relaxed_outside_prod():
    config = load_config(with_changes(environment="dev", controls={"deletionProtection": False}))
    assert not config.controls.deletion_protection


@pytest.mark.parametrize("environment", ["prod", "dev"])
def test_encryption_and_flow_logs_cannot_be_turned_off_anywhere(environment: str):
    raw = with_changes(
        environment=environment, controls={"encryptionAtRest": False, "flowLogs": False}
    )
    message = problems_for(raw)
    assert "controls.encryptionAtRest: false is not allowed; PCI-DSS requires it" in message
    assert "controls.flowLogs: false is not allowed" in message


def test_prod_suffix_environments_are_production():
    assert load_config(with_changes(environment="prod-eu")).is_production


def test_every_problem_is_reported_at_once():
    raw = with_changes(
        regions=[
            {"region": "us-east-1", "vpcCidr": "10.29.0.0/16"},
            {"region": "us-east-1", "vpcCidr": "10.29.0.0/16"},
        ],
        controls={"deletionProtection": False},
    )
    with pytest.raises(ConfigError) as caught:
        load_config(raw)
    assert len(caught.value.problems) == 3


def test_missing_required_settings_are_named():
    message = problems_for({"regions": PROD["regions"]})
    assert "banking-platform:environment: required setting is missing" in message
    assert "banking-platform:costCenter: required setting is missing" in message


def test_account_ids_must_be_twelve_digits():
    message = problems_for(with_changes(allowedAccountIds=[123456789012, "12345"]))
    assert "allowedAccountIds[1]: '12345' is not an AWS account id" in message
