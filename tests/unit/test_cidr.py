"""Subnet planning: properties that hold for every VPC range and zone count allowed."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infra import cidr
from infra.cidr import Tier

PRIVATE_RANGES = [
    ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
]


@st.composite
def vpc_ranges(draw: st.DrawFn) -> str:
    """Any aligned /16 to /20 inside one of the RFC 1918 ranges."""
    base = draw(st.sampled_from(PRIVATE_RANGES))
    prefix = draw(st.integers(max(cidr.MIN_VPC_PREFIX, base.prefixlen), cidr.MAX_VPC_PREFIX))
    index = draw(st.integers(0, 2 ** (prefix - base.prefixlen) - 1))
    start = ipaddress.IPv4Address(int(base.network_address) + index * 2 ** (32 - prefix))
    return f"{start}/{prefix}"


zone_counts = st.integers(1, cidr.MAX_ZONES)


@given(vpc_ranges(), zone_counts)
def test_subnets_never_overlap(vpc: str, zones: int):
    nets = [ipaddress.IPv4Network(p.cidr) for p in cidr.plan_subnets(vpc, zones)]
    for index, first in enumerate(nets):
        for second in nets[index + 1 :]:
            assert not first.overlaps(second), f"{first} overlaps {second} in {vpc}"


@given(vpc_ranges(), zone_counts)
def test_subnets_always_fit_their_vpc(vpc: str, zones: int):
    network = ipaddress.IPv4Network(vpc)
    for plan in cidr.plan_subnets(vpc, zones):
        assert ipaddress.IPv4Network(plan.cidr).subnet_of(network), f"{plan} outside {vpc}"


@given(vpc_ranges(), zone_counts)
def test_one_subnet_per_zone_per_tier(vpc: str, zones: int):
    plans = cidr.plan_subnets(vpc, zones)
    for tier in Tier:
        assert sorted(p.zone_index for p in plans if p.tier is tier) == list(range(zones))


@given(vpc_ranges(), zone_counts)
def test_every_subnet_lies_in_its_tier_block(vpc: str, zones: int):
    for plan in cidr.plan_subnets(vpc, zones):
        block = ipaddress.IPv4Network(cidr.tier_block(vpc, plan.tier))
        assert ipaddress.IPv4Network(plan.cidr).subnet_of(block)


@given(vpc_ranges())
def test_tier_blocks_partition_the_vpc(vpc: str):
    blocks = [ipaddress.IPv4Network(cidr.tier_block(vpc, tier)) for tier in Tier]
    assert sum(b.num_addresses for b in blocks) == ipaddress.IPv4Network(vpc).num_addresses


def test_private_subnets_are_the_largest_and_transit_subnets_are_slash_28():
    plans = {(p.tier, p.zone_index): p.cidr for p in cidr.plan_subnets("10.29.0.0/16", 3)}
    assert plans[(Tier.PRIVATE, 0)] == "10.29.0.0/19"
    assert plans[(Tier.ISOLATED, 0)] == "10.29.128.0/20"
    assert plans[(Tier.PUBLIC, 0)] == "10.29.192.0/21"
    assert plans[(Tier.TRANSIT, 2)] == "10.29.224.32/28"


@pytest.mark.parametrize("zones", [0, cidr.MAX_ZONES + 1])
def test_zone_count_out_of_range_is_refused(zones: int):
    with pytest.raises(ValueError, match="zone_count must be between 1 and"):
        cidr.plan_subnets("10.29.0.0/16", zones)


def test_overlapping_pairs_names_each_pair_once():
    pairs = cidr.overlapping_pairs({"a": "10.0.0.0/16", "b": "10.0.128.0/17", "c": "10.1.0.0/16"})
    assert pairs == [("a", "b")]
