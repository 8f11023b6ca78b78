"""Catalogue of the AWS regions the platform may be deployed to.

Pure data: no Pulumi resources. The short codes go into physical names, where
AWS length limits make the full region name too expensive; the availability
zone count bounds how many zones a VPC may span in that region.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegionInfo:
    """Facts about one AWS region that the platform's configuration depends on."""

    name: str
    """The region's API name, e.g. ``us-east-1``."""
    short_code: str
    """A compact, unique code used in physical names, e.g. ``use1``."""
    zone_suffixes: tuple[str, ...]
    """Letters of the availability zones every account can use, in order."""

    @property
    def availability_zones(self) -> tuple[str, ...]:
        """Zone names as AWS spells them, e.g. ``us-east-1a``."""
        return tuple(f"{self.name}{suffix}" for suffix in self.zone_suffixes)


def _region(name: str, short_code: str, zones: str) -> RegionInfo:
    return RegionInfo(name=name, short_code=short_code, zone_suffixes=tuple(zones))


# Commercial regions with at least three zones open to every account. Opt-in
# regions are listed too; enabling them in the account is an operator step.
REGIONS: dict[str, RegionInfo] = {
    info.name: info
    for info in (
        _region("us-east-1", "use1", "abcdef"),
        _region("us-east-2", "use2", "abc"),
        _region("us-west-2", "usw2", "abcd"),
        _region("ca-central-1", "cac1", "abd"),
        _region("eu-west-1", "euw1", "abc"),
        _region("eu-west-2", "euw2", "abc"),
        _region("eu-west-3", "euw3", "abc"),
        _region("eu-central-1", "euc1", "abc"),
        _region("eu-central-2", "euc2", "abc"),
        _region("eu-north-1", "eun1", "abc"),
        _region("eu-south-1", "eus1", "abc"),
        _region("eu-south-2", "eus2", "abc"),
        _region("ap-southeast-1", "apse1", "abc"),
        _region("ap-southeast-2", "apse2", "abc"),
        _region("ap-southeast-3", "apse3", "abc"),
        _region("ap-northeast-1", "apne1", "acd"),
        _region("ap-northeast-2", "apne2", "abcd"),
        _region("ap-northeast-3", "apne3", "abc"),
        _region("ap-south-1", "aps1", "abc"),
        _region("ap-south-2", "aps2", "abc"),
        _region("sa-east-1", "sae1", "abc"),
        _region("me-central-1", "mec1", "abc"),
        _region("il-central-1", "ilc1", "abc"),
        _region("af-south-1", "afs1", "abc"),
    )
}

MAX_SHORT_CODE_LENGTH = max(len(info.short_code) for info in REGIONS.values())


def region_info(name: str) -> RegionInfo:
    """Return the catalogue entry for ``name``; raises ``KeyError`` if unknown."""
    return REGIONS[name]
