"""Secrets domain, once per stack (REQUIREMENTS 3.4).

Database and application secrets generated with pulumi-random (secret in
state), stored in Secrets Manager under the secrets key, replicated to every
replica region under that region's replica key, and rotated by the rotation
function in ``app/secret_rotation`` running in the primary region's private
subnets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from infra import iam
from infra.components.function import FunctionArgs, PlatformFunction
from infra.naming import Namer

# Characters RDS refuses in a master password are left out: / @ " and space.
PASSWORD_SPECIALS = "!#$%&*()-_=+[]{}<>:?"
DATABASE_MASTER_USER = "bank_admin"


@dataclass(frozen=True)
class ApplicationSecret:
    """An application secret the services read at run time."""

    role: str
    description: str
    length: int = 64


APPLICATION_SECRETS: tuple[ApplicationSecret, ...] = (
    ApplicationSecret("api-signing-key", "HMAC key that signs API request and idempotency tokens"),
    ApplicationSecret(
        "partner-webhook-key", "Shared key that authenticates payment partner webhooks"
    ),
    ApplicationSecret(
        "card-fingerprint-key", "HMAC key that fingerprints card numbers in place of the PAN"
    ),
)


@dataclass(frozen=True)
class SecretsArgs:
    """Inputs of the secrets domain."""

    namer: Namer
    primary_region: str
    primary_region_code: str
    replica_regions: Sequence[str]
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    secrets_key_arns: Mapping[str, pulumi.Input[str]]
    """Secrets key per region, primary included."""
    logs_key_arn: pulumi.Input[str]
    """Logs key of the primary region, for the rotation function's log group."""
    aurora_cluster_identifier: str
    """Identifier of the primary Aurora cluster whose master password rotates."""
    rotation_days: int
    log_retention_days: int
    lambda_runtime: str
    powertools_layer_version: int
    vpc_id: pulumi.Input[str]
    private_subnet_ids: Sequence[pulumi.Input[str]]
    endpoint_security_group_id: pulumi.Input[str]
    protect: bool
    """Protect secrets from deletion by the engine (prod)."""
    recovery_window_days: int = 30


class Secrets(pulumi.ComponentResource):
    """The platform's secrets and their rotation."""

    database_secret_arn: pulumi.Output[str]
    database_password: pulumi.Output[str]
    """The generated master password, secret in state; the database consumes it."""
    application_secret_arns: dict[str, pulumi.Output[str]]
    rotation_function_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: SecretsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:secrets:Secrets", name, None, opts)
        self._name = name
        self._args = args

        rotation = self._create_rotation_function()
        self.rotation_function_arn = rotation.function_arn

        password = random.RandomPassword(
            f"{name}-database-password",
            length=32,
            special=True,
            override_special=PASSWORD_SPECIALS,
            min_lower=2,
            min_upper=2,
            min_numeric=2,
            min_special=2,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.database_password = password.result
        self.database_secret_arn = self._create_secret(
            "database-master",
            "Aurora master credentials",
            pulumi.Output.json_dumps(
                {
                    "rotationStrategy": "aurora-master",
                    "engine": "postgres",
                    "port": 5432,
                    "username": DATABASE_MASTER_USER,
                    "password": password.result,
                    "dbClusterIdentifier": args.aurora_cluster_identifier,
                }
            ),
            rotation,
        )

        self.application_secret_arns = {}
        for secret in APPLICATION_SECRETS:
            value = random.RandomPassword(
                f"{name}-{secret.role}-value",
                length=secret.length,
                special=False,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.application_secret_arns[secret.role] = self._create_secret(
                secret.role,
                secret.description,
                pulumi.Output.json_dumps({"rotationStrategy": "generated", "value": value.result}),
                rotation,
            )

        self.register_outputs(
            {
                "databaseSecretArn": self.database_secret_arn,
                "applicationSecretArns": self.application_secret_arns,
                "rotationFunctionArn": self.rotation_function_arn,
            }
        )

    def _secret_arn_pattern(self, role: str) -> pulumi.Output[str]:
        # Secrets Manager appends six random characters to the ARN of a new secret.
        a = self._args
        return pulumi.Output.concat(
            "arn:", a.partition, ":secretsmanager:", a.primary_region, ":", a.account_id,
            ":secret:", a.namer.global_name(role), "-??????",
        )  # fmt: skip

    def _create_rotation_function(self) -> PlatformFunction:
        a = self._args
        roles = ["database-master", *(secret.role for secret in APPLICATION_SECRETS)]
        cluster_arn = pulumi.Output.concat(
            "arn:", a.partition, ":rds:", a.primary_region, ":", a.account_id,
            ":cluster:", a.aurora_cluster_identifier,
        )  # fmt: skip
        security_group = aws.ec2.SecurityGroup(
            f"{self._name}-rotation-sg",
            vpc_id=a.vpc_id,
            description="Secret rotation function: HTTPS to the VPC's interface endpoints only",
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{self._name}-rotation-https-out",
            security_group_id=security_group.id,
            referenced_security_group_id=a.endpoint_security_group_id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            description="Secrets Manager, RDS and KMS through interface endpoints",
            opts=pulumi.ResourceOptions(parent=security_group),
        )
        statements = pulumi.Output.all(
            pulumi.Output.all(*[self._secret_arn_pattern(role) for role in roles]),
            a.secrets_key_arns[a.primary_region],
            cluster_arn,
        ).apply(
            lambda v: [
                iam.statement(
                    "RotateOwnSecrets",
                    [
                        "secretsmanager:DescribeSecret",
                        "secretsmanager:GetSecretValue",
                        "secretsmanager:PutSecretValue",
                        "secretsmanager:UpdateSecretVersionStage",
                    ],
                    v[0],
                ),
                # GetRandomPassword has no resource to scope to.
                iam.statement("GeneratePasswords", ["secretsmanager:GetRandomPassword"], "*"),
                iam.statement(
                    "UseSecretsKey",
                    ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
                    [v[1]],
                ),
                iam.statement(
                    "SetAuroraMasterPassword",
                    ["rds:DescribeDBClusters", "rds:ModifyDBCluster"],
                    [v[2]],
                ),
            ]
        )
        function = PlatformFunction(
            f"{self._name}-rotation",
            FunctionArgs(
                namer=a.namer,
                region=a.primary_region,
                region_code=a.primary_region_code,
                role="secret-rotation",
                package="secret_rotation",
                description="Rotates the platform's Secrets Manager secrets",
                account_id=a.account_id,
                logs_key_arn=a.logs_key_arn,
                queue_key_arn=a.secrets_key_arns[a.primary_region],
                log_retention_days=a.log_retention_days,
                runtime=a.lambda_runtime,
                powertools_layer_version=a.powertools_layer_version,
                statements=statements,
                subnet_ids=a.private_subnet_ids,
                security_group_ids=[security_group.id],
                reserved_concurrency=2,
                timeout_seconds=60,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.lambda_.Permission(
            f"{self._name}-rotation-invoke",
            function=function.function_name,
            action="lambda:InvokeFunction",
            principal="secretsmanager.amazonaws.com",
            source_account=a.account_id,
            opts=pulumi.ResourceOptions(parent=function),
        )
        return function

    def _create_secret(
        self,
        role: str,
        description: str,
        value: pulumi.Output[str],
        rotation: PlatformFunction,
    ) -> pulumi.Output[str]:
        a = self._args
        secret = aws.secretsmanager.Secret(
            f"{self._name}-{role}",
            name=a.namer.global_name(role),
            description=description,
            kms_key_id=a.secrets_key_arns[a.primary_region],
            recovery_window_in_days=a.recovery_window_days,
            replicas=[
                aws.secretsmanager.SecretReplicaArgs(
                    region=region, kms_key_id=a.secrets_key_arns[region]
                )
                for region in a.replica_regions
            ],
            tags={"DataClassification": "Secret"},
            opts=pulumi.ResourceOptions(parent=self, protect=a.protect, retain_on_delete=a.protect),
        )
        version = aws.secretsmanager.SecretVersion(
            f"{self._name}-{role}-value",
            secret_id=secret.id,
            secret_string=pulumi.Output.secret(value),
            # After the first rotation the value lives in Secrets Manager only;
            # the program must not write the generated one back.
            opts=pulumi.ResourceOptions(parent=secret, ignore_changes=["secretString"]),
        )
        aws.secretsmanager.SecretRotation(
            f"{self._name}-{role}-rotation",
            secret_id=secret.id,
            rotation_lambda_arn=rotation.function_arn,
            rotation_rules=aws.secretsmanager.SecretRotationRotationRulesArgs(
                automatically_after_days=a.rotation_days
            ),
            opts=pulumi.ResourceOptions(parent=secret, depends_on=[version]),
        )
        return secret.arn
