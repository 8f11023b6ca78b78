"""Backup domain, once per stack (REQUIREMENTS 3.33).

A backup vault in every region, encrypted with the region's data key and
locked (compliance mode in production: nobody, root included, can shorten a
recovery point's life once the grace days pass); a plan per region with a
daily and a monthly rule, the monthly one kept for the 7-year audit
retention; the primary plan copies every recovery point to the vault of each
replica region; each plan selects, by ARN, the stores of its region that the
caller names (the Aurora primary cluster, the DynamoDB tables, the EFS file
systems), with a role AWS Backup assumes for that.

A replica region's plan keeps its copies at home: what a replica region holds
of its own (its file system) stays in that region, as the data-residency rule
asks; what the primary holds is copied out on purpose, for disaster recovery.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra import iam, naming
from infra.naming import Namer

SERVICE_POLICIES = (
    "service-role/AWSBackupServiceRolePolicyForBackup",
    "service-role/AWSBackupServiceRolePolicyForRestores",
)
"""AWS-managed policies scoped by AWS to what Backup needs per resource type."""
START_WINDOW_MINUTES = 60
COMPLETION_WINDOW_MINUTES = 24 * 60
SELECTED_TYPES = ("Aurora", "DynamoDB", "EFS")


@dataclass(frozen=True)
class BackupRegion:
    """What one region's vault and plan need."""

    region_code: str
    data_key_arn: pulumi.Input[str]
    """Encrypts the vault's recovery points."""
    resource_arns: Sequence[pulumi.Input[str]]
    """Stores of this region the plan selects; the primary's includes the Aurora cluster."""


@dataclass(frozen=True)
class BackupArgs:
    """Inputs of the backup domain."""

    namer: Namer
    primary_region: str
    regions: Mapping[str, BackupRegion]
    """Every region, primary first."""
    providers: Mapping[str, pulumi.ProviderResource]
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    daily_retention_days: int
    monthly_retention_days: int
    daily_schedule: str
    monthly_schedule: str
    vault_lock_mode: str
    """``compliance`` (immutable after the grace days) or ``governance``."""
    vault_lock_grace_days: int
    data_classification: str
    protect: bool


class Backup(pulumi.ComponentResource):
    """Vaults, vault locks, plans and selections in every region."""

    vault_arns: dict[str, pulumi.Output[str]]
    plan_ids: dict[str, pulumi.Output[str]]
    role_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: BackupArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:backup:Backup", name, None, opts)
        self._name = name
        self._args = args
        self._primary = args.primary_region

        self.role_arn = self._create_role()
        vaults = {region: self._create_vault(region) for region in args.regions}
        self.vault_arns = {region: vault.arn for region, vault in vaults.items()}

        self.plan_ids = {}
        for region in args.regions:
            copy_to = (
                [vaults[r] for r in args.regions if r != self._primary]
                if region == self._primary
                else []
            )
            self.plan_ids[region] = self._create_plan(region, vaults[region], copy_to)

        self.register_outputs({"vaultArns": self.vault_arns, "planIds": self.plan_ids})

    def _opts(self, region: str, **kwargs: object) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, provider=self._args.providers[region], **kwargs)  # type: ignore[arg-type]

    def _physical(self, region: str, role: str) -> str:
        return self._args.namer.regional_name(self._args.regions[region].region_code, role)

    def _create_role(self) -> pulumi.Output[str]:
        args = self._args
        role = aws.iam.Role(
            f"{self._name}-role",
            name=args.namer.global_name("backup"),
            description="Assumed by AWS Backup to back up and restore the selected stores",
            assume_role_policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account: iam.to_json(iam.service_trust("backup.amazonaws.com", account))
            ),
            opts=self._opts(self._primary),
        )
        for policy in SERVICE_POLICIES:
            aws.iam.RolePolicyAttachment(
                f"{self._name}-role-{policy.rsplit('For', 1)[-1].lower()}",
                role=role.name,
                policy_arn=pulumi.Output.concat(
                    "arn:", args.partition, ":iam::aws:policy/", policy
                ),
                opts=pulumi.ResourceOptions(parent=role),
            )
        return role.arn

    def _create_vault(self, region: str) -> aws.backup.Vault:
        args = self._args
        prefix = f"{self._name}-{region}"
        # Opting in is per region and account, so every stack in the account manages
        # the same setting (docs/limitations.md). DynamoDB's advanced backup features
        # are what allow copies to another region's vault.
        aws.backup.RegionSettings(
            f"{prefix}-settings",
            resource_type_opt_in_preference=dict.fromkeys(SELECTED_TYPES, True),
            resource_type_management_preference={"DynamoDB": True, "EFS": True},
            opts=self._opts(region),
        )
        vault = aws.backup.Vault(
            f"{prefix}-vault",
            name=self._physical(region, "backup-vault"),
            kms_key_arn=args.regions[region].data_key_arn,
            force_destroy=False,
            tags=naming.data_tags(args.data_classification),
            opts=self._opts(region, protect=args.protect, retain_on_delete=args.protect),
        )
        compliance = args.vault_lock_mode == "compliance"
        aws.backup.VaultLockConfiguration(
            f"{prefix}-vault-lock",
            backup_vault_name=vault.name,
            min_retention_days=args.daily_retention_days,
            max_retention_days=args.monthly_retention_days,
            # With grace days the lock turns immutable (compliance mode); without, it
            # stays removable by administrators (governance mode).
            changeable_for_days=args.vault_lock_grace_days if compliance else None,
            opts=pulumi.ResourceOptions(parent=vault, protect=args.protect and compliance),
        )
        return vault

    def _create_plan(
        self, region: str, vault: aws.backup.Vault, copy_to: Sequence[aws.backup.Vault]
    ) -> pulumi.Output[str]:
        args = self._args
        prefix = f"{self._name}-{region}"
        rules = [
            self._rule("daily", args.daily_schedule, args.daily_retention_days, vault, copy_to),
            self._rule(
                "monthly", args.monthly_schedule, args.monthly_retention_days, vault, copy_to
            ),
        ]
        plan = aws.backup.Plan(
            f"{prefix}-plan",
            name=self._physical(region, "backup-plan"),
            rules=rules,
            opts=self._opts(region),
        )
        aws.backup.Selection(
            f"{prefix}-selection",
            name=self._physical(region, "data-stores"),
            plan_id=plan.id,
            iam_role_arn=self.role_arn,
            resources=list(args.regions[region].resource_arns),
            opts=pulumi.ResourceOptions(parent=plan),
        )
        return plan.id

    @staticmethod
    def _rule(
        name: str,
        schedule: str,
        retention_days: int,
        vault: aws.backup.Vault,
        copy_to: Sequence[aws.backup.Vault],
    ) -> aws.backup.PlanRuleArgs:
        lifecycle = aws.backup.PlanRuleLifecycleArgs(delete_after=retention_days)
        return aws.backup.PlanRuleArgs(
            rule_name=name,
            target_vault_name=vault.name,
            schedule=schedule,
            start_window=START_WINDOW_MINUTES,
            completion_window=COMPLETION_WINDOW_MINUTES,
            lifecycle=lifecycle,
            recovery_point_tags={"BackupRule": name},
            copy_actions=[
                aws.backup.PlanRuleCopyActionArgs(
                    destination_vault_arn=destination.arn,
                    lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(
                        delete_after=retention_days
                    ),
                )
                for destination in copy_to
            ],
        )
