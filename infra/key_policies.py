"""KMS key domains and their key policies. Pure: no resources.

Each data domain has its own multi-region key so that the people and services
that may decrypt one kind of data cannot decrypt another (segregation of
duties). A key policy names exactly who may administer the key, which AWS
services may use it on the account's behalf, and who may audit it; nobody
gets ``kms:*``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from infra import iam


@dataclass(frozen=True)
class KeyDomain:
    """One data domain with its own key."""

    name: str
    description: str
    services: tuple[str, ...]
    """Service endpoint prefixes allowed to use the key through ``kms:ViaService``."""
    service_principals: tuple[str, ...] = ()
    """Service principal prefixes that call KMS themselves (e.g. ``logs``)."""
    direct_principals: tuple[str, ...] = ()
    """Global service principals (e.g. ``events.amazonaws.com``) that encrypt for this account's
    resources themselves, such as EventBridge publishing to an encrypted topic."""


KEY_DOMAINS: tuple[KeyDomain, ...] = (
    KeyDomain(
        "data",
        "Data at rest: Aurora, DynamoDB, ElastiCache, S3, EFS and backups",
        services=("rds", "dynamodb", "elasticache", "s3", "elasticfilesystem", "backup"),
    ),
    KeyDomain(
        "logs",
        "CloudWatch Logs, VPC flow logs and audit trails",
        services=("logs",),
        service_principals=("logs",),
    ),
    KeyDomain(
        "messaging",
        "Transaction queues, stream, delivery, topics, event buses and workflow state",
        services=("sqs", "sns", "kinesis", "firehose", "events", "lambda", "states"),
        # EventBridge rules and CloudWatch alarms publish to encrypted topics with their own
        # service identity, not through a role, so they need a grant of their own.
        direct_principals=("events.amazonaws.com", "cloudwatch.amazonaws.com"),
    ),
    KeyDomain(
        "secrets",
        "Secrets Manager secrets, the rotation function's queue and environment",
        services=("secretsmanager", "sqs", "lambda"),
    ),
)

ADMIN_ACTIONS = (
    "kms:CancelKeyDeletion",
    "kms:Create*",
    "kms:Delete*",
    "kms:Describe*",
    "kms:Disable*",
    "kms:Enable*",
    "kms:Get*",
    "kms:List*",
    "kms:Put*",
    "kms:ReplicateKey",
    "kms:Revoke*",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:Update*",
)
"""Key administration without the right to encrypt or decrypt."""

USE_ACTIONS = (
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
)

GRANT_ACTIONS = ("kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant")

AUDIT_ACTIONS = (
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
)


@dataclass(frozen=True)
class KeyPolicyContext:
    """The account facts and principals a key policy names."""

    account_id: str
    partition: str
    region: str
    admin_role_arns: tuple[str, ...]
    auditor_role_arn: str


def key_policy(domain: KeyDomain, ctx: KeyPolicyContext) -> dict[str, Any]:
    """The key policy of ``domain``'s key in ``ctx.region``."""
    root = f"arn:{ctx.partition}:iam::{ctx.account_id}:root"
    via = [f"{service}.{ctx.region}.amazonaws.com" for service in domain.services]
    statements = [
        iam.statement(
            "KeyAdministration",
            ADMIN_ACTIONS,
            "*",
            principals={"AWS": list(ctx.admin_role_arns)},
        ),
        # Principals of the account may use the key only through the domain's
        # services, and only where their own IAM policy also allows it.
        iam.statement(
            "UseThroughDomainServices",
            USE_ACTIONS,
            "*",
            principals={"AWS": root},
            conditions={
                "StringEquals": {"kms:CallerAccount": ctx.account_id, "kms:ViaService": via}
            },
        ),
        iam.statement(
            "GrantsForDomainServices",
            GRANT_ACTIONS,
            "*",
            principals={"AWS": root},
            conditions={
                "StringEquals": {"kms:CallerAccount": ctx.account_id, "kms:ViaService": via},
                "Bool": {"kms:GrantIsForAWSResource": "true"},
            },
        ),
        iam.statement("Audit", AUDIT_ACTIONS, "*", principals={"AWS": ctx.auditor_role_arn}),
    ]
    for prefix in domain.service_principals:
        statements.append(
            iam.statement(
                f"ServicePrincipal{prefix.capitalize()}",
                USE_ACTIONS,
                "*",
                principals={"Service": f"{prefix}.{ctx.region}.amazonaws.com"},
                conditions={
                    "ArnLike": {
                        f"kms:EncryptionContext:aws:{prefix}:arn": (
                            f"arn:{ctx.partition}:{prefix}:{ctx.region}:{ctx.account_id}:*"
                        )
                    }
                },
            )
        )
    for principal in domain.direct_principals:
        statements.append(
            iam.statement(
                f"DirectUseBy{principal.split('.', 1)[0].capitalize()}",
                ("kms:Decrypt", "kms:GenerateDataKey"),
                "*",
                principals={"Service": principal},
                conditions={"StringEquals": {"aws:SourceAccount": ctx.account_id}},
            )
        )
    return iam.document(statements)
