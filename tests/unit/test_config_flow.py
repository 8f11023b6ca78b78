"""Configuration of the transaction flow: defaults safe for a bank, mistakes named."""

from __future__ import annotations

from typing import Any

import pytest

from infra.config import ConfigError, load_config
from infra.key_policies import KEY_DOMAINS, KeyPolicyContext, key_policy

BASE: dict[str, Any] = {
    "environment": "dev",
    "costCenter": "CC-1",
    "regions": [{"region": "us-east-1", "vpcCidr": "10.29.0.0/16"}],
}


def _problems(**settings: Any) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load_config({**BASE, **settings})
    return raised.value.problems


def test_defaults_use_the_shipped_model_and_an_on_demand_stream():
    config = load_config(BASE)

    assert config.fraud.backend == "model"
    assert config.messaging.stream_mode == "ON_DEMAND"
    assert config.fraud.approve_below < config.fraud.reject_from


def test_an_empty_manual_review_band_is_refused_naming_both_keys():
    (problem,) = _problems(fraud={"approveBelow": 80, "rejectFrom": 80})
    assert "fraud.approveBelow" in problem and "rejectFrom" in problem and "80" in problem


def test_fraud_detector_is_refused_in_a_region_that_lacks_it():
    (problem,) = _problems(
        regions=[{"region": "eu-north-1", "vpcCidr": "10.29.0.0/16"}],
        fraud={"backend": "frauddetector"},
    )
    assert "eu-north-1" in problem and "'model'" in problem


def test_a_short_visibility_timeout_is_refused():
    (problem,) = _problems(messaging={"queueVisibilityTimeoutSeconds": 60})
    assert "queueVisibilityTimeoutSeconds" in problem and "180" in problem


@pytest.mark.parametrize(
    ("protocol", "endpoint"),
    [("email", "not-an-address"), ("sms", "5550100"), ("lambda", "arn:aws:sns:x")],
)
def test_malformed_subscription_endpoints_are_refused(protocol: str, endpoint: str):
    (problem,) = _problems(
        messaging={
            "subscriptions": [{"topic": "alerts", "protocol": protocol, "endpoint": endpoint}]
        }
    )
    assert "subscriptions[0].endpoint" in problem and repr(endpoint) in problem


def test_the_messaging_key_lets_eventbridge_and_alarms_encrypt_for_this_account_only():
    domain = next(d for d in KEY_DOMAINS if d.name == "messaging")
    policy = key_policy(
        domain,
        KeyPolicyContext("123456789012", "aws", "us-east-1", ("arn:admin",), "arn:auditor"),
    )
    direct = [s for s in policy["Statement"] if s["Sid"].startswith("DirectUseBy")]

    assert {s["Principal"]["Service"] for s in direct} == {
        "events.amazonaws.com",
        "cloudwatch.amazonaws.com",
    }
    assert all(
        s["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}} for s in direct
    )
    assert all("kms:Encrypt" not in s["Action"] for s in direct)
