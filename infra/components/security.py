"""Security domain, once per stack (REQUIREMENTS 3.3, 6).

Multi-region customer-managed keys, one per data domain, with a replica in
every replica region, and the roles that keep duties apart: operators run the
platform, auditors read its evidence, break-glass is for emergencies only, and
the existing deploy role (the one that runs ``pulumi up``) administers keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra import iam
from infra.key_policies import KEY_DOMAINS, KeyDomain, KeyPolicyContext, key_policy
from infra.naming import Namer

MAX_MFA_AGE_SECONDS = 3600
BREAK_GLASS_MFA_AGE_SECONDS = 900


@dataclass(frozen=True)
class SecurityArgs:
    """Inputs of the security domain."""

    namer: Namer
    """Builds physical names for the environment."""
    regions: Sequence[str]
    """Region names, primary first."""
    providers: Mapping[str, pulumi.ProviderResource]
    """The AWS provider of each region, made once at the top."""
    account_id: pulumi.Input[str]
    """The account the stack deploys to."""
    partition: pulumi.Input[str]
    """The AWS partition, e.g. ``aws``."""
    deploy_role_name: str
    """Existing role that runs deployments and administers the keys."""
    key_deletion_window_days: int
    """Waiting period of a scheduled key deletion."""
    key_rotation_period_days: int
    """Automatic rotation period of every key."""
    protect: bool
    """Protect keys from deletion by the engine (prod)."""
    key_domains: Sequence[KeyDomain] = KEY_DOMAINS
    """The data domains that each get their own key."""


class Security(pulumi.ComponentResource):
    """Keys per data domain and region, and the separated human roles."""

    key_arns: dict[str, dict[str, pulumi.Output[str]]]
    """``key_arns[domain][region]``: the key ARN of that domain in that region."""
    operator_role_arn: pulumi.Output[str]
    auditor_role_arn: pulumi.Output[str]
    break_glass_role_arn: pulumi.Output[str]
    deploy_role_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: SecurityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:security:Security", name, None, opts)
        self._name = name
        self._args = args
        self._primary = args.regions[0]

        self._create_roles()
        self.key_arns = {
            domain.name: self._create_domain_keys(domain) for domain in args.key_domains
        }

        self.register_outputs(
            {
                "keyArns": self.key_arns,
                "operatorRoleArn": self.operator_role_arn,
                "auditorRoleArn": self.auditor_role_arn,
                "breakGlassRoleArn": self.break_glass_role_arn,
            }
        )

    def _opts(self, region: str, **kwargs: object) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, provider=self._args.providers[region], **kwargs)  # type: ignore[arg-type]

    # -- roles -----------------------------------------------------------------------------

    def _create_roles(self) -> None:
        args = self._args
        self.deploy_role_arn = pulumi.Output.concat(
            "arn:", args.partition, ":iam::", args.account_id, ":role/", args.deploy_role_name
        )
        self.operator_role_arn = self._human_role(
            "operator",
            "Runs the platform: read-only access to every service, no data-plane secrets",
            managed_policy="ReadOnlyAccess",
            mfa_age_seconds=MAX_MFA_AGE_SECONDS,
        )
        self.auditor_role_arn = self._human_role(
            "auditor",
            "Reads audit evidence: security configuration, logs and trails",
            managed_policy="SecurityAudit",
            mfa_age_seconds=MAX_MFA_AGE_SECONDS,
        )
        self.break_glass_role_arn = self._human_role(
            "break-glass",
            "Emergency key administration; every assumption alerts (see docs/dr-runbook.md)",
            managed_policy=None,
            mfa_age_seconds=BREAK_GLASS_MFA_AGE_SECONDS,
        )

    def _human_role(
        self, role: str, description: str, *, managed_policy: str | None, mfa_age_seconds: int
    ) -> pulumi.Output[str]:
        trust = pulumi.Output.all(self._args.account_id, self._args.partition).apply(
            lambda values: iam.to_json(iam.human_trust(values[0], values[1], mfa_age_seconds))
        )
        resource = aws.iam.Role(
            f"{self._name}-{role}-role",
            name=self._args.namer.global_name(role),
            description=description,
            assume_role_policy=trust,
            max_session_duration=3600,
            opts=self._opts(self._primary),
        )
        if managed_policy is not None:
            aws.iam.RolePolicyAttachment(
                f"{self._name}-{role}-{managed_policy.lower()}",
                role=resource.name,
                policy_arn=pulumi.Output.concat(
                    "arn:", self._args.partition, ":iam::aws:policy/", managed_policy
                ),
                opts=pulumi.ResourceOptions(parent=resource),
            )
        return resource.arn

    # -- keys ------------------------------------------------------------------------------

    def _policy(self, domain: KeyDomain, region: str) -> pulumi.Output[str]:
        return pulumi.Output.all(
            self._args.account_id,
            self._args.partition,
            self.deploy_role_arn,
            self.break_glass_role_arn,
            self.auditor_role_arn,
        ).apply(
            lambda v: iam.to_json(
                key_policy(
                    domain,
                    KeyPolicyContext(
                        account_id=v[0],
                        partition=v[1],
                        region=region,
                        admin_role_arns=(v[2], v[3]),
                        auditor_role_arn=v[4],
                    ),
                )
            )
        )

    def _create_domain_keys(self, domain: KeyDomain) -> dict[str, pulumi.Output[str]]:
        args = self._args
        protect = pulumi.ResourceOptions(protect=args.protect, retain_on_delete=args.protect)
        primary = aws.kms.Key(
            f"{self._name}-{domain.name}-key",
            description=f"{args.namer.global_name(domain.name)}: {domain.description}",
            multi_region=True,
            enable_key_rotation=True,
            rotation_period_in_days=args.key_rotation_period_days,
            deletion_window_in_days=args.key_deletion_window_days,
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            policy=self._policy(domain, self._primary),
            opts=pulumi.ResourceOptions.merge(self._opts(self._primary), protect),
        )
        arns = {self._primary: primary.arn}
        self._alias(domain, self._primary, primary.key_id)
        for region in args.regions[1:]:
            replica = aws.kms.ReplicaKey(
                f"{self._name}-{domain.name}-key-{region}",
                primary_key_arn=primary.arn,
                description=f"{args.namer.global_name(domain.name)} replica: {domain.description}",
                deletion_window_in_days=args.key_deletion_window_days,
                policy=self._policy(domain, region),
                opts=pulumi.ResourceOptions.merge(self._opts(region), protect),
            )
            self._alias(domain, region, replica.key_id)
            arns[region] = replica.arn
        return arns

    def _alias(self, domain: KeyDomain, region: str, key_id: pulumi.Output[str]) -> None:
        aws.kms.Alias(
            f"{self._name}-{domain.name}-alias-{region}",
            name=f"alias/{self._args.namer.global_name(domain.name)}",
            target_key_id=key_id,
            opts=self._opts(region),
        )
