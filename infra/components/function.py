"""A Lambda function packaged from this repository, with the controls every function needs.

Not a domain of its own: each domain component creates the functions it runs
as children. One function gets its execution role (exactly the statements it
is given, plus logging, tracing, its dead-letter queue and, in a VPC, its
network interfaces), a KMS-encrypted log group, an encrypted dead-letter
queue, X-Ray active tracing, reserved concurrency and JSON logs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from infra import iam, packaging
from infra.naming import Namer

POWERTOOLS_ACCOUNT = "017000801446"
ENI_ACTIONS = (
    "ec2:AssignPrivateIpAddresses",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:UnassignPrivateIpAddresses",
)
"""Lambda manages its VPC interfaces with these; EC2 offers no resource-level scope for them."""
TRACE_ACTIONS = ("xray:PutTelemetryRecords", "xray:PutTraceSegments")
"""X-Ray writes have no resource-level scope."""


@dataclass(frozen=True)
class FunctionArgs:
    """Inputs of one platform function."""

    namer: Namer
    region: str
    """AWS region of the function; must match the provider in opts."""
    region_code: str
    """Short region code for names."""
    role: str
    """Role suffix of the physical name, e.g. ``secret-rotation``."""
    package: str
    """Folder under ``app/`` holding ``handler.py``."""
    description: str
    account_id: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
    """Key of the log group."""
    queue_key_arn: pulumi.Input[str]
    """Key of the dead-letter queue and of the environment variables."""
    log_retention_days: int
    runtime: str
    powertools_layer_version: int
    statements: pulumi.Input[Sequence[iam.Statement]]
    """What the function may do, resource by resource."""
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Names and ARNs only: secrets are read from Secrets Manager at run time."""
    subnet_ids: Sequence[pulumi.Input[str]] = ()
    """Private subnets to attach to; empty for functions that touch no private data."""
    security_group_ids: Sequence[pulumi.Input[str]] = ()
    reserved_concurrency: int = 5
    memory_mb: int = 256
    timeout_seconds: int = 30
    extra_packages: Sequence[str] = ()
    """Further packages under ``app/`` the handler imports (e.g. ``fraud``), shipped with it."""
    provisioned_concurrency: int = 0
    """Warm environments on a ``live`` alias of a published version; 0 publishes no alias."""
    async_failure_destination: bool = False
    """Send failed asynchronous invocations (with their error) to the dead-letter queue as an
    on-failure destination, for functions that AWS services invoke asynchronously."""
    async_retry_attempts: int = 2
    """Retries of a failed asynchronous invocation before it goes to the destination."""


class PlatformFunction(pulumi.ComponentResource):
    """A function, its role, its log group and its dead-letter queue."""

    function_arn: pulumi.Output[str]
    function_name: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    dead_letter_queue_arn: pulumi.Output[str]
    log_group_name: pulumi.Output[str]
    target_arn: pulumi.Output[str]
    """What callers invoke: the ``live`` alias when it exists, else the function itself."""

    def __init__(
        self, name: str, args: FunctionArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:function:PlatformFunction", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        physical = args.namer.regional_name(args.region_code, args.role)
        archive = packaging.build_archive(args.package, args.extra_packages)

        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/aws/lambda/{physical}",
            kms_key_id=args.logs_key_arn,
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        dlq = aws.sqs.Queue(
            f"{name}-dlq",
            name=f"{physical}-dlq",
            kms_master_key_id=args.queue_key_arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=14 * 24 * 3600,
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-role",
            name=f"{physical}-lambda",
            assume_role_policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account: iam.to_json(iam.service_trust("lambda.amazonaws.com", account))
            ),
            opts=child,
        )
        baseline = pulumi.Output.all(log_group.arn, dlq.arn, args.queue_key_arn).apply(
            lambda v: (
                [
                    iam.statement(
                        "WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [f"{v[0]}:*"]
                    ),
                    iam.statement("SendToOwnDeadLetterQueue", ["sqs:SendMessage"], [v[1]]),
                    iam.statement(
                        "EncryptForQueue", ["kms:Decrypt", "kms:GenerateDataKey"], [v[2]]
                    ),
                    iam.statement("Trace", TRACE_ACTIONS, "*"),
                ]
                + (
                    [iam.statement("ManageVpcInterfaces", ENI_ACTIONS, "*")]
                    if args.subnet_ids
                    else []
                )
            )
        )
        policy = pulumi.Output.all(baseline, pulumi.Output.from_input(args.statements)).apply(
            lambda parts: iam.to_json(iam.document([*parts[0], *parts[1]]))
        )
        role_policy = aws.iam.RolePolicy(
            f"{name}-policy", role=role.id, policy=policy, opts=pulumi.ResourceOptions(parent=role)
        )

        vpc_config = (
            aws.lambda_.FunctionVpcConfigArgs(
                subnet_ids=list(args.subnet_ids), security_group_ids=list(args.security_group_ids)
            )
            if args.subnet_ids
            else None
        )
        function = aws.lambda_.Function(
            f"{name}-function",
            name=physical,
            description=args.description,
            role=role.arn,
            runtime=args.runtime,
            architectures=["arm64"],
            handler=archive.handler,
            # Relative to the project directory, where Pulumi runs the program.
            code=pulumi.FileArchive(archive.path.relative_to(packaging.REPO_ROOT).as_posix()),
            source_code_hash=archive.source_code_hash,
            layers=[
                f"arn:aws:lambda:{args.region}:{POWERTOOLS_ACCOUNT}:layer:"
                f"AWSLambdaPowertoolsPythonV3-{args.runtime.replace('.', '')}-arm64:"
                f"{args.powertools_layer_version}"
            ],
            memory_size=args.memory_mb,
            timeout=args.timeout_seconds,
            reserved_concurrent_executions=args.reserved_concurrency,
            kms_key_arn=args.queue_key_arn,
            environment=aws.lambda_.FunctionEnvironmentArgs(
                variables={"POWERTOOLS_SERVICE_NAME": args.role, **args.environment}
            ),
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"),
            dead_letter_config=aws.lambda_.FunctionDeadLetterConfigArgs(target_arn=dlq.arn),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="JSON", log_group=log_group.name
            ),
            vpc_config=vpc_config,
            publish=args.provisioned_concurrency > 0,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy]),
        )
        self.target_arn = function.arn
        if args.provisioned_concurrency > 0:
            self.target_arn = self._create_live_alias(name, function, args.provisioned_concurrency)
        if args.async_failure_destination:
            aws.lambda_.FunctionEventInvokeConfig(
                f"{name}-async",
                function_name=function.name,
                maximum_retry_attempts=args.async_retry_attempts,
                maximum_event_age_in_seconds=3600,
                destination_config=aws.lambda_.FunctionEventInvokeConfigDestinationConfigArgs(
                    on_failure=aws.lambda_.FunctionEventInvokeConfigDestinationConfigOnFailureArgs(
                        destination=dlq.arn
                    )
                ),
                opts=pulumi.ResourceOptions(parent=function),
            )

        self.function_arn = function.arn
        self.function_name = function.name
        self.role_arn = role.arn
        self.dead_letter_queue_arn = dlq.arn
        self.log_group_name = log_group.name
        self.register_outputs(
            {"functionArn": function.arn, "roleArn": role.arn, "targetArn": self.target_arn}
        )

    def _create_live_alias(
        self, name: str, function: aws.lambda_.Function, provisioned: int
    ) -> pulumi.Output[str]:
        # Provisioned concurrency attaches to a version or an alias, never to $LATEST; the
        # alias gives callers one stable ARN while each deployment publishes a new version.
        alias = aws.lambda_.Alias(
            f"{name}-live",
            name="live",
            function_name=function.name,
            function_version=function.version,
            description="The version the platform invokes; carries the provisioned concurrency",
            opts=pulumi.ResourceOptions(parent=function),
        )
        aws.lambda_.ProvisionedConcurrencyConfig(
            f"{name}-warm",
            function_name=function.name,
            qualifier=alias.name,
            provisioned_concurrent_executions=provisioned,
            opts=pulumi.ResourceOptions(parent=alias),
        )
        return alias.arn
