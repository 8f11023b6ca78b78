"""Physical names: every environment name that validation accepts fits every AWS limit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from infra import naming
from infra.regions import MAX_SHORT_CODE_LENGTH, REGIONS

environment_names = st.from_regex(r"[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,30}", fullmatch=True)


@given(environment_names)
def test_accepted_environment_names_fit_every_budget(environment: str):
    fits = not naming.longest_name_overflow("bank", environment, MAX_SHORT_CODE_LENGTH)
    longest = naming.max_environment_length("bank", MAX_SHORT_CODE_LENGTH)
    assert fits == (len(environment) <= longest)
    if fits:
        namer = naming.Namer("bank", environment)
        for budget in naming.NAME_BUDGETS:
            name = (
                namer.regional_name("x" * MAX_SHORT_CODE_LENGTH, budget.longest_role)
                if budget.regional
                else namer.global_name(budget.longest_role)
            )
            assert len(name) <= budget.limit, f"{budget.resource}: {name}"


@given(environment_names)
def test_environment_pattern_matches_only_names_aws_accepts_everywhere(environment: str):
    assert naming.ENVIRONMENT_PATTERN.match(environment)
    assert environment == environment.lower() and "--" not in environment


def test_region_short_codes_are_unique():
    codes = [info.short_code for info in REGIONS.values()]
    assert len(codes) == len(set(codes))


def test_standard_tags_carry_every_required_key():
    tags = naming.standard_tags(project="p", environment="dev", cost_center="CC-1")
    assert set(naming.REQUIRED_TAG_KEYS) <= set(tags)
    assert tags["Compliance"] == "PCI-DSS" and tags["ManagedBy"] == "Pulumi"


def test_regional_names_carry_environment_and_region():
    assert naming.Namer("bank", "prod").regional_name("euw1", "alb") == "bank-prod-euw1-alb"
