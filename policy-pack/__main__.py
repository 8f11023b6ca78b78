"""Serve the platform's policy pack: ``pulumi preview --policy-pack policy-pack``."""

import sys
from pathlib import Path

# The pack runs from its own folder; the rules live in the repository's infra package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi_policy import EnforcementLevel, PolicyPack

from infra.policy.pack import policies

PolicyPack(
    name="banking-platform-pci-dss",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=policies(),  # type: ignore[arg-type]
)
