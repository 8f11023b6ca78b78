"""Transaction workflow, one per region (REQUIREMENTS 3.17, 3.18, 3.20).

The transaction processor consumes the FIFO transaction queue, records each
payment once in the transactions table and starts the approval state
machine, whose definition :mod:`infra.workflow_definition` builds and this
component serialises at plan time. The state machine is encrypted with the
messaging key, traced with X-Ray and logs every event at level ALL to a log
group under the logs key, without execution data: the state holds the
payment (masked card, amount, account), which the logs do not need.

The transactions table and its key attribute come from the data tier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra import iam
from infra.components.function import TRACE_ACTIONS, FunctionArgs, PlatformFunction
from infra.naming import Namer
from infra.workflow_definition import (
    LEDGER_ENTRY_SORT_VALUE,
    ApprovalWorkflowInputs,
    approval_definition,
    to_json,
)

LOG_DELIVERY_ACTIONS = (
    "logs:CreateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:DescribeLogGroups",
    "logs:DescribeResourcePolicies",
    "logs:GetLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:UpdateLogDelivery",
)
"""Step Functions sets up its log delivery with these; CloudWatch Logs has no resource scope."""
STATE_MACHINE_TRACE_ACTIONS = (*TRACE_ACTIONS, "xray:GetSamplingRules", "xray:GetSamplingTargets")


@dataclass(frozen=True)
class WorkflowArgs:
    """Inputs of one region's transaction workflow."""

    namer: Namer
    region: str
    region_code: str
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    messaging_key_arn: pulumi.Input[str]
    """Queues, stream, topics, bus and the state machine's own data."""
    logs_key_arn: pulumi.Input[str]
    secrets_key_arn: pulumi.Input[str]
    """Key of the fingerprint secret's copy in this region."""
    transactions_queue_arn: pulumi.Input[str]
    transactions_dead_letter_arn: pulumi.Input[str]
    transactions_dead_letter_url: pulumi.Input[str]
    review_queue_arn: pulumi.Input[str]
    review_queue_url: pulumi.Input[str]
    stream_arn: pulumi.Input[str]
    stream_name: pulumi.Input[str]
    bus_arn: pulumi.Input[str]
    bus_name: pulumi.Input[str]
    notifications_topic_arn: pulumi.Input[str]
    alerts_topic_arn: pulumi.Input[str]
    scorer_function_arn: pulumi.Input[str]
    scorer_target_arn: pulumi.Input[str]
    """The scorer's ``live`` alias, or the function where there is none."""
    transactions_table_name: pulumi.Input[str]
    transactions_table_arn: pulumi.Input[str]
    transactions_table_key: str
    """Partition key attribute of the transactions table (holds the idempotency key)."""
    transactions_table_sort_key: str
    """Sort key attribute of the transactions table."""
    fingerprint_secret_name: str
    """Secret holding the HMAC key for card fingerprints, replicated to every region."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """Private subnets the processor runs in (it reaches the transactions table)."""
    security_group_ids: Sequence[pulumi.Input[str]]
    approve_below: int
    reject_from: int
    scorer_timeout_seconds: int
    review_timeout_seconds: int
    review_heartbeat_seconds: int
    processor_timeout_seconds: int
    log_retention_days: int
    runtime: str
    powertools_layer_version: int
    processor_reserved_concurrency: int = 50
    queue_max_concurrency: int = 20
    """Concurrent batches the queue's event source may run; below the reserved concurrency."""


class TransactionWorkflow(pulumi.ComponentResource):
    """The transaction processor, its queue trigger and the approval state machine."""

    state_machine_arn: pulumi.Output[str]
    state_machine_name: str
    processor_function_arn: pulumi.Output[str]
    log_group_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: WorkflowArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:workflow:TransactionWorkflow", name, None, opts)
        self._name = name
        self._args = args
        self.state_machine_name = args.namer.regional_name(args.region_code, "transaction-approval")
        # Known from the name alone, so the processor can name the state machine that
        # invokes it without a cycle between the two.
        state_machine_arn = pulumi.Output.concat(
            "arn:", args.partition, ":states:", args.region, ":", args.account_id,
            ":stateMachine:", self.state_machine_name,
        )  # fmt: skip

        processor = self._create_processor(state_machine_arn)
        self._create_queue_trigger(processor)
        state_machine, log_group = self._create_state_machine(processor)

        self.state_machine_arn = state_machine.arn
        self.processor_function_arn = processor.function_arn
        self.log_group_name = log_group.name
        self.register_outputs(
            {
                "stateMachineArn": state_machine.arn,
                "processorFunctionArn": processor.function_arn,
            }
        )

    # -- processor -------------------------------------------------------------------------

    def _secret_arn_pattern(self) -> pulumi.Output[str]:
        # A replica keeps the primary's six-character suffix; only the region differs.
        a = self._args
        return pulumi.Output.concat(
            "arn:", a.partition, ":secretsmanager:", a.region, ":", a.account_id,
            ":secret:", a.fingerprint_secret_name, "-??????",
        )  # fmt: skip

    def _create_processor(self, state_machine_arn: pulumi.Output[str]) -> PlatformFunction:
        a = self._args
        statements = pulumi.Output.all(
            a.transactions_queue_arn,
            a.transactions_dead_letter_arn,
            a.transactions_table_arn,
            state_machine_arn,
            a.stream_arn,
            a.bus_arn,
            self._secret_arn_pattern(),
            a.secrets_key_arn,
        ).apply(
            lambda v: [
                iam.statement(
                    "ConsumeTransactionQueue",
                    [
                        "sqs:ChangeMessageVisibility",
                        "sqs:DeleteMessage",
                        "sqs:GetQueueAttributes",
                        "sqs:ReceiveMessage",
                    ],
                    [v[0]],
                ),
                iam.statement("RejectToDeadLetterQueue", ["sqs:SendMessage"], [v[1]]),
                iam.statement(
                    "RecordPaymentsOnce",
                    ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
                    [v[2]],
                ),
                iam.statement("StartApproval", ["states:StartExecution"], [v[3]]),
                iam.statement("EmitToStream", ["kinesis:PutRecord", "kinesis:PutRecords"], [v[4]]),
                iam.statement("EmitToBus", ["events:PutEvents"], [v[5]]),
                iam.statement("ReadFingerprintKey", ["secretsmanager:GetSecretValue"], [v[6]]),
                iam.statement(
                    "DecryptFingerprintKey",
                    ["kms:Decrypt"],
                    [v[7]],
                    conditions={
                        "StringEquals": {
                            "kms:ViaService": f"secretsmanager.{a.region}.amazonaws.com"
                        }
                    },
                ),
            ]
        )
        return PlatformFunction(
            f"{self._name}-processor",
            FunctionArgs(
                namer=a.namer,
                region=a.region,
                region_code=a.region_code,
                role="transaction-processor",
                package="transaction_processor",
                description="Validates payments, records each once and starts their approval",
                account_id=a.account_id,
                logs_key_arn=a.logs_key_arn,
                queue_key_arn=a.messaging_key_arn,
                log_retention_days=a.log_retention_days,
                runtime=a.runtime,
                powertools_layer_version=a.powertools_layer_version,
                statements=statements,
                environment={
                    "TRANSACTIONS_TABLE": a.transactions_table_name,
                    "TRANSACTIONS_TABLE_KEY": a.transactions_table_key,
                    "TRANSACTIONS_TABLE_SORT_KEY": a.transactions_table_sort_key,
                    "LEDGER_ENTRY_SORT_VALUE": LEDGER_ENTRY_SORT_VALUE,
                    "STATE_MACHINE_ARN": state_machine_arn,
                    "EVENT_STREAM_NAME": a.stream_name,
                    "EVENT_BUS_NAME": a.bus_name,
                    "DEAD_LETTER_QUEUE_URL": a.transactions_dead_letter_url,
                    "PAN_FINGERPRINT_SECRET_ID": a.fingerprint_secret_name,
                },
                subnet_ids=a.subnet_ids,
                security_group_ids=a.security_group_ids,
                reserved_concurrency=a.processor_reserved_concurrency,
                memory_mb=512,
                timeout_seconds=a.processor_timeout_seconds,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _create_queue_trigger(self, processor: PlatformFunction) -> None:
        a = self._args
        aws.lambda_.EventSourceMapping(
            f"{self._name}-queue-trigger",
            event_source_arn=a.transactions_queue_arn,
            function_name=processor.function_arn,
            batch_size=10,
            function_response_types=["ReportBatchItemFailures"],
            scaling_config=aws.lambda_.EventSourceMappingScalingConfigArgs(
                maximum_concurrency=a.queue_max_concurrency
            ),
            opts=pulumi.ResourceOptions(parent=processor),
        )

    # -- state machine ---------------------------------------------------------------------

    def _create_state_machine(
        self, processor: PlatformFunction
    ) -> tuple[aws.sfn.StateMachine, aws.cloudwatch.LogGroup]:
        a = self._args
        log_group = aws.cloudwatch.LogGroup(
            f"{self._name}-approval-logs",
            # The vendedlogs prefix keeps Step Functions from growing the account's log
            # resource policy with one entry per state machine.
            name=f"/aws/vendedlogs/states/{self.state_machine_name}",
            kms_key_id=a.logs_key_arn,
            retention_in_days=a.log_retention_days,
            opts=pulumi.ResourceOptions(parent=self),
        )
        role = aws.iam.Role(
            f"{self._name}-approval-role",
            name=a.namer.regional_name(a.region_code, "approval-workflow"),
            description="Runs the transaction-approval state machine",
            assume_role_policy=pulumi.Output.from_input(a.account_id).apply(
                lambda account: iam.to_json(iam.service_trust("states.amazonaws.com", account))
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        policy = aws.iam.RolePolicy(
            f"{self._name}-approval-policy",
            role=role.id,
            policy=pulumi.Output.all(
                processor.function_arn,
                a.scorer_function_arn,
                a.scorer_target_arn,
                a.review_queue_arn,
                a.transactions_table_arn,
                a.notifications_topic_arn,
                a.alerts_topic_arn,
                a.bus_arn,
                a.messaging_key_arn,
            ).apply(lambda v: iam.to_json(iam.document(_state_machine_statements(v)))),
            opts=pulumi.ResourceOptions(parent=role),
        )
        definition = pulumi.Output.all(
            processor.function_arn,
            a.scorer_target_arn,
            a.review_queue_url,
            a.transactions_table_name,
            a.notifications_topic_arn,
            a.alerts_topic_arn,
            a.bus_name,
        ).apply(
            lambda v: to_json(
                approval_definition(
                    ApprovalWorkflowInputs(
                        processor_function_arn=v[0],
                        scorer_function_arn=v[1],
                        review_queue_url=v[2],
                        transactions_table=v[3],
                        transactions_table_key=a.transactions_table_key,
                        transactions_table_sort_key=a.transactions_table_sort_key,
                        notifications_topic_arn=v[4],
                        alerts_topic_arn=v[5],
                        event_bus_name=v[6],
                        approve_below=a.approve_below,
                        reject_from=a.reject_from,
                        scorer_timeout_seconds=a.scorer_timeout_seconds,
                        review_timeout_seconds=a.review_timeout_seconds,
                        review_heartbeat_seconds=a.review_heartbeat_seconds,
                    )
                )
            )
        )
        state_machine = aws.sfn.StateMachine(
            f"{self._name}-approval",
            name=self.state_machine_name,
            type="STANDARD",
            role_arn=role.arn,
            definition=definition,
            encryption_configuration=aws.sfn.StateMachineEncryptionConfigurationArgs(
                type="CUSTOMER_MANAGED_KMS_KEY",
                kms_key_id=a.messaging_key_arn,
                kms_data_key_reuse_period_seconds=300,
            ),
            logging_configuration=aws.sfn.StateMachineLoggingConfigurationArgs(
                level="ALL",
                include_execution_data=False,
                log_destination=log_group.arn.apply(lambda arn: f"{arn}:*"),
            ),
            tracing_configuration=aws.sfn.StateMachineTracingConfigurationArgs(enabled=True),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )
        return state_machine, log_group


def _state_machine_statements(v: Sequence[str]) -> list[iam.Statement]:
    processor, scorer, scorer_target, review_queue, table, notifications, alerts, bus, key = v
    return [
        iam.statement(
            "InvokeSteps",
            ["lambda:InvokeFunction"],
            sorted({processor, scorer, scorer_target}),
        ),
        iam.statement("RequestReview", ["sqs:SendMessage"], [review_queue]),
        iam.statement("RecordDecision", ["dynamodb:UpdateItem"], [table]),
        iam.statement("Notify", ["sns:Publish"], [notifications, alerts]),
        iam.statement("PublishDecision", ["events:PutEvents"], [bus]),
        iam.statement("UseMessagingKey", ["kms:Decrypt", "kms:GenerateDataKey"], [key]),
        iam.statement("DeliverLogs", LOG_DELIVERY_ACTIONS, "*"),
        iam.statement("Trace", STATE_MACHINE_TRACE_ACTIONS, "*"),
    ]
