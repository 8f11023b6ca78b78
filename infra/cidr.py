"""Subnet planning for one VPC. Pure: no resources.

A VPC of prefix ``/p`` is split into tier blocks, each block into one subnet
per availability zone (room for ``MAX_ZONES``):

====================  ===========  ================  ===========================
tier                  block        subnet per zone   why this size
====================  ===========  ================  ===========================
private (app)         first half   ``/p+3``          tasks and Lambda ENIs scale
isolated (data)       next 1/4     ``/p+4``          database and cache nodes
public                next 1/8     ``/p+5``          load balancers and NAT only
transit               last 1/8     ``/28``           Transit Gateway attachments
====================  ===========  ================  ===========================

The transit subnets follow the AWS recommendation of small, dedicated subnets
for Transit Gateway attachments so that their route tables stay apart.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum

MIN_VPC_PREFIX = 16
MAX_VPC_PREFIX = 20
MAX_ZONES = 4
TRANSIT_SUBNET_PREFIX = 28


class Tier(StrEnum):
    """The network tiers, in the order their blocks sit in the VPC range."""

    PRIVATE = "private"
    ISOLATED = "isolated"
    PUBLIC = "public"
    TRANSIT = "transit"


@dataclass(frozen=True)
class SubnetPlan:
    """One planned subnet: its tier, the index of its zone and its range."""

    tier: Tier
    zone_index: int
    cidr: str


# (tier, block offset and block size in eighths of the VPC, extra prefix bits per subnet;
# None: a fixed /28)
_LAYOUT: tuple[tuple[Tier, int, int, int | None], ...] = (
    (Tier.PRIVATE, 0, 4, 3),
    (Tier.ISOLATED, 4, 2, 4),
    (Tier.PUBLIC, 6, 1, 5),
    (Tier.TRANSIT, 7, 1, None),
)


def validate_vpc_cidr(cidr: str) -> ipaddress.IPv4Network:
    """Parse ``cidr`` as a VPC range; raises ``ValueError`` with the reason."""
    try:
        network = ipaddress.IPv4Network(cidr, strict=True)
    except ValueError as error:
        raise ValueError(f"'{cidr}' is not an IPv4 network in CIDR notation ({error})") from None
    if not MIN_VPC_PREFIX <= network.prefixlen <= MAX_VPC_PREFIX:
        raise ValueError(
            f"'{cidr}' has prefix /{network.prefixlen}; a VPC here must be between "
            f"/{MIN_VPC_PREFIX} and /{MAX_VPC_PREFIX}"
        )
    if not network.is_private:
        raise ValueError(f"'{cidr}' is not a private (RFC 1918) range")
    return network


def plan_subnets(vpc_cidr: str, zone_count: int) -> list[SubnetPlan]:
    """Return one subnet per tier per zone, ordered by tier then zone."""
    if not 1 <= zone_count <= MAX_ZONES:
        raise ValueError(f"zone_count must be between 1 and {MAX_ZONES}, got {zone_count}")
    vpc = validate_vpc_cidr(vpc_cidr)
    eighth = vpc.num_addresses // 8
    plans: list[SubnetPlan] = []
    for tier, offset_eighths, _, extra_bits in _LAYOUT:
        prefix = TRANSIT_SUBNET_PREFIX if extra_bits is None else vpc.prefixlen + extra_bits
        size = 2 ** (32 - prefix)
        block_start = int(vpc.network_address) + offset_eighths * eighth
        for zone_index in range(zone_count):
            start = ipaddress.IPv4Address(block_start + zone_index * size)
            plans.append(SubnetPlan(tier, zone_index, f"{start}/{prefix}"))
    return plans


def tier_block(vpc_cidr: str, tier: Tier) -> str:
    """The whole range reserved for ``tier``: every subnet of the tier lies inside it."""
    vpc = validate_vpc_cidr(vpc_cidr)
    offset, eighths, _ = next(entry[1:] for entry in _LAYOUT if entry[0] is tier)
    start = ipaddress.IPv4Address(int(vpc.network_address) + offset * (vpc.num_addresses // 8))
    return f"{start}/{vpc.prefixlen + (8 // eighths).bit_length() - 1}"


def overlapping_pairs(cidrs: dict[str, str]) -> list[tuple[str, str]]:
    """Return every pair of keys in ``cidrs`` whose ranges overlap."""
    networks = {key: ipaddress.IPv4Network(value) for key, value in cidrs.items()}
    keys = list(networks)
    return [
        (first, second)
        for index, first in enumerate(keys)
        for second in keys[index + 1 :]
        if networks[first].overlaps(networks[second])
    ]
