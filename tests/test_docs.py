"""Generated documentation stays equal to what the code and the prod plan produce."""

from __future__ import annotations

from pathlib import Path

from infra.config_reference import reference
from infra.plan import docs
from infra.policy.catalog import ALL_RULES
from tests.support import Plan

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_configuration_reference_is_current():
    assert (DOCS / "configuration.md").read_text() == reference(), "run `make docs`"


def test_compliance_mapping_is_current():
    assert (DOCS / "compliance.md").read_text() == docs.compliance_page(), "run `make docs`"


def test_every_rule_appears_in_the_compliance_mapping():
    page = docs.compliance_page()
    assert all(f"`{rule.id}`" in page for rule in ALL_RULES)


def test_architecture_diagram_is_current(prod_plan: Plan):
    page = (DOCS / "architecture.md").read_text()
    assert docs.refreshed_architecture(page, prod_plan.document) == page, "run `make docs`"


def test_every_setting_is_documented():
    text = reference()
    for key in ("regions[].vpcCidr", "network.natGateways", "controls.deletionProtection"):
        assert f"`{key}`" in text
