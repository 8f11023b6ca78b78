"""Physical names and tags.

Every physical name is ``<prefix>-<environment>-<region code>-<role>`` (global
resources drop the region code), so several environments live side by side in
one account and a name says where a resource belongs. Pure: no resources.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

ENVIRONMENT_PATTERN = re.compile(r"^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$")
"""Lowercase letters, digits and single inner hyphens: valid in S3, IAM, RDS and ELB names."""

PREFIX_PATTERN = ENVIRONMENT_PATTERN


@dataclass(frozen=True)
class NameBudget:
    """The tightest AWS length limit a component's names must fit."""

    resource: str
    """What AWS limits, e.g. ``ELB target group name``."""
    limit: int
    """The maximum length AWS accepts."""
    longest_role: str
    """The longest role suffix the platform gives that kind of resource."""
    regional: bool = True
    """Whether the region code is part of the name."""


# The longest name each limited kind of resource gets. Configuration
# validation checks an environment name against every row, so a name that
# would be refused by AWS halfway through a deployment is refused up front.
NAME_BUDGETS: tuple[NameBudget, ...] = (
    NameBudget("ELB target group name", 32, "payments-tg"),
    NameBudget("Application Load Balancer name", 32, "alb"),
    NameBudget("ElastiCache replication group id", 40, "sessions-redis"),
    NameBudget("IAM role name", 64, "secret-rotation-lambda"),
    NameBudget("Lambda function name", 64, "secret-rotation"),
    NameBudget(
        "S3 bucket name (before the 13-character account suffix)", 50, "transaction-archive"
    ),
    NameBudget("KMS alias name (after 'alias/')", 250, "secrets"),
    NameBudget("IAM role name (transaction flow)", 64, "firehose-transformer-lambda"),
    NameBudget("EventBridge archive name", 48, "transactions-archive"),
    NameBudget("Firehose delivery stream name", 64, "transactions-data-lake"),
)


@dataclass(frozen=True)
class Namer:
    """Builds physical names for one environment; pure and cheap to copy."""

    prefix: str
    environment: str

    def global_name(self, role: str) -> str:
        """Name of a resource that exists once per environment, e.g. an IAM role."""
        return f"{self.prefix}-{self.environment}-{role}"

    def regional_name(self, region_code: str, role: str) -> str:
        """Name of a resource that exists once per region."""
        return f"{self.prefix}-{self.environment}-{region_code}-{role}"


def longest_name_overflow(prefix: str, environment: str, region_code_length: int) -> list[str]:
    """Describe every budget that ``environment`` would overflow; empty when all fit."""
    problems: list[str] = []
    for budget in NAME_BUDGETS:
        region_part = region_code_length + 1 if budget.regional else 0
        length = len(prefix) + 1 + len(environment) + 1 + region_part + len(budget.longest_role)
        if length > budget.limit:
            problems.append(
                f"{budget.resource} would be {length} characters (limit {budget.limit}), "
                f"e.g. '{prefix}-{environment}-{'x' * region_code_length}-{budget.longest_role}'"
            )
    return problems


def max_environment_length(prefix: str, region_code_length: int) -> int:
    """The longest environment name that fits every budget."""
    return min(
        budget.limit
        - len(prefix)
        - 2
        - (region_code_length + 1 if budget.regional else 0)
        - len(budget.longest_role)
        for budget in NAME_BUDGETS
    )


REQUIRED_TAG_KEYS: tuple[str, ...] = (
    "Environment",
    "Project",
    "Compliance",
    "ManagedBy",
    "CostCenter",
)
"""Tags every taggable resource carries (REQUIREMENTS 2)."""

DATA_CLASSIFICATION_TAG = "DataClassification"


def standard_tags(
    *, project: str, environment: str, cost_center: str, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The tags every resource carries, applied as the providers' default tags."""
    tags = {
        "Environment": environment,
        "Project": project,
        "Compliance": "PCI-DSS",
        "ManagedBy": "Pulumi",
        "CostCenter": cost_center,
    }
    tags.update(extra or {})
    return tags


def data_tags(classification: str) -> dict[str, str]:
    """Tags for a resource that stores data; merged over the default tags by AWS."""
    return {DATA_CLASSIFICATION_TAG: classification}
