"""Every rule the plan and the policy pack enforce, gathered from the domain rule modules.

Each domain keeps its rules in its own module (``rules.py`` holds the
framework and the foundation rules); this list is the single place that
decides what runs.
"""

from __future__ import annotations

from infra.policy import rules, rules_data, rules_flow
from infra.policy.rules import Rule

ALL_RULES: tuple[Rule, ...] = (*rules.RULES, *rules_data.RULES, *rules_flow.RULES)
