"""Messaging domain, one per region (REQUIREMENTS 3.20-3.23, 3.26).

The queues, stream, delivery stream, event bus and topics a payment travels
through, all encrypted with the region's messaging key:

* FIFO queues for incoming transactions and for manual review, each with a
  FIFO dead-letter queue, redrive both ways, and content-based deduplication;
* the transaction event stream (Kinesis), on-demand or provisioned;
* a Firehose delivery stream from that stream to the data-lake bucket, with
  the PAN-masking transformer function, GZIP objects and SSE-KMS;
* an EventBridge bus with an archive for replay, an alert rule, a
  dead-letter queue for its targets and, in a replica region, a rule that
  forwards every platform event to the primary region's bus;
* the alerts and customer-notifications topics with the subscriptions from
  configuration and the notification fan-out function.

The data-lake bucket and its key come from the data tier as inputs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from infra import iam
from infra.components.function import FunctionArgs, PlatformFunction
from infra.naming import Namer

PLATFORM_EVENT_SOURCE_PREFIX = "bank."
MAX_MESSAGE_RETENTION_SECONDS = 14 * 24 * 3600
TRANSACTION_RETENTION_SECONDS = 4 * 24 * 3600
DATA_LAKE_PREFIX = "transactions/"
FIREHOSE_READ_ACTIONS = (
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
)
STREAM_METRICS = (
    "IncomingBytes",
    "IncomingRecords",
    "IteratorAgeMilliseconds",
    "OutgoingRecords",
    "ReadProvisionedThroughputExceeded",
    "WriteProvisionedThroughputExceeded",
)


@dataclass(frozen=True)
class Subscription:
    """One subscription to one of the region's topics."""

    topic: str
    """``alerts`` or ``customer-notifications``."""
    protocol: str
    """``email``, ``sms`` or ``lambda``."""
    endpoint: str


@dataclass(frozen=True)
class MessagingArgs:
    """Inputs of one region's messaging."""

    namer: Namer
    region: str
    """AWS region; must match the provider in opts."""
    region_code: str
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    messaging_key_arn: pulumi.Input[str]
    """The region's messaging key: queues, stream, topics, bus, functions' environment."""
    logs_key_arn: pulumi.Input[str]
    data_key_arn: pulumi.Input[str]
    """The region's data key, which the data-lake bucket is encrypted with."""
    data_lake_bucket_arn: pulumi.Input[str]
    """The data tier's data-lake bucket in this region."""
    primary_bus_arn: pulumi.Input[str] | None
    """The primary region's bus; ``None`` in the primary region itself."""
    stream_mode: str
    stream_shards: int
    stream_retention_hours: int
    queue_max_receive_count: int
    queue_visibility_timeout_seconds: int
    event_archive_retention_days: int
    delivery_buffer_seconds: int
    delivery_buffer_mb: int
    log_retention_days: int
    runtime: str
    powertools_layer_version: int
    subscriptions: Sequence[Subscription] = field(default_factory=tuple)
    """Subscriptions from configuration; a Lambda one applies only in its function's region."""


@dataclass
class _FifoQueue:
    queue: aws.sqs.Queue
    dead_letter: aws.sqs.Queue


class Messaging(pulumi.ComponentResource):
    """One region's queues, stream, delivery stream, bus and topics."""

    transactions_queue_arn: pulumi.Output[str]
    transactions_queue_url: pulumi.Output[str]
    transactions_dead_letter_arn: pulumi.Output[str]
    transactions_dead_letter_url: pulumi.Output[str]
    review_queue_arn: pulumi.Output[str]
    review_queue_url: pulumi.Output[str]
    stream_arn: pulumi.Output[str]
    stream_name: pulumi.Output[str]
    bus_arn: pulumi.Output[str]
    bus_name: pulumi.Output[str]
    alerts_topic_arn: pulumi.Output[str]
    notifications_topic_arn: pulumi.Output[str]
    delivery_stream_arn: pulumi.Output[str]
    transformer_function_arn: pulumi.Output[str]
    fanout_function_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: MessagingArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:messaging:Messaging", name, None, opts)
        self._name = name
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)

        transactions = self._create_fifo_queue(
            "transactions", args.queue_visibility_timeout_seconds, TRANSACTION_RETENTION_SECONDS
        )
        review = self._create_fifo_queue(
            "manual-review", 300, MAX_MESSAGE_RETENTION_SECONDS
        )  # a review task lives as long as its workflow's timeout allows
        stream = self._create_stream()
        bus = self._create_bus()
        topics = {
            "alerts": self._create_topic("alerts", "Platform alerts for the operators"),
            "customer-notifications": self._create_topic(
                "customer-notifications", "Payment decisions to notify customers about"
            ),
        }
        target_dlq = self._create_event_target_dead_letter_queue(bus)
        self._create_alert_rule(bus, topics["alerts"], target_dlq)
        if args.primary_bus_arn is not None:
            self._create_forwarding_rule(bus, args.primary_bus_arn, target_dlq)
        fanout = self._create_fanout_function(bus, topics["customer-notifications"])
        self._create_subscriptions(topics)
        transformer = self._create_transformer_function()
        delivery = self._create_delivery_stream(stream, transformer)

        self.transactions_queue_arn = transactions.queue.arn
        self.transactions_queue_url = transactions.queue.url
        self.transactions_dead_letter_arn = transactions.dead_letter.arn
        self.transactions_dead_letter_url = transactions.dead_letter.url
        self.review_queue_arn = review.queue.arn
        self.review_queue_url = review.queue.url
        self.stream_arn = stream.arn
        self.stream_name = stream.name
        self.bus_arn = bus.arn
        self.bus_name = bus.name
        self.alerts_topic_arn = topics["alerts"].arn
        self.notifications_topic_arn = topics["customer-notifications"].arn
        self.delivery_stream_arn = delivery.arn
        self.transformer_function_arn = transformer.function_arn
        self.fanout_function_arn = fanout.function_arn
        self.register_outputs(
            {
                "transactionsQueueArn": self.transactions_queue_arn,
                "reviewQueueArn": self.review_queue_arn,
                "streamArn": self.stream_arn,
                "busArn": self.bus_arn,
                "alertsTopicArn": self.alerts_topic_arn,
                "notificationsTopicArn": self.notifications_topic_arn,
                "deliveryStreamArn": self.delivery_stream_arn,
            }
        )

    def _physical(self, role: str) -> str:
        return self._args.namer.regional_name(self._args.region_code, role)

    # -- queues ----------------------------------------------------------------------------

    def _create_fifo_queue(
        self, role: str, visibility_timeout_seconds: int, retention_seconds: int
    ) -> _FifoQueue:
        a = self._args
        dead_letter = aws.sqs.Queue(
            f"{self._name}-{role}-dlq",
            name=f"{self._physical(role)}-dlq.fifo",
            fifo_queue=True,
            content_based_deduplication=True,
            kms_master_key_id=a.messaging_key_arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=MAX_MESSAGE_RETENTION_SECONDS,
            opts=self._child,
        )
        queue = aws.sqs.Queue(
            f"{self._name}-{role}",
            name=f"{self._physical(role)}.fifo",
            fifo_queue=True,
            content_based_deduplication=True,
            # High-throughput FIFO: order and deduplication per message group (an account).
            deduplication_scope="messageGroup",
            fifo_throughput_limit="perMessageGroupId",
            kms_master_key_id=a.messaging_key_arn,
            kms_data_key_reuse_period_seconds=300,
            visibility_timeout_seconds=visibility_timeout_seconds,
            message_retention_seconds=retention_seconds,
            redrive_policy=dead_letter.arn.apply(
                lambda arn: json.dumps(
                    {"deadLetterTargetArn": arn, "maxReceiveCount": a.queue_max_receive_count}
                )
            ),
            opts=self._child,
        )
        aws.sqs.RedriveAllowPolicy(
            f"{self._name}-{role}-dlq-allow",
            queue_url=dead_letter.url,
            redrive_allow_policy=queue.arn.apply(
                lambda arn: json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [arn]})
            ),
            opts=pulumi.ResourceOptions(parent=dead_letter),
        )
        for resource, suffix in ((queue, ""), (dead_letter, "-dlq")):
            aws.sqs.QueuePolicy(
                f"{self._name}-{role}{suffix}-tls-only",
                queue_url=resource.url,
                policy=resource.arn.apply(lambda arn: iam.to_json(_deny_insecure("sqs:*", arn))),
                opts=pulumi.ResourceOptions(parent=resource),
            )
        return _FifoQueue(queue=queue, dead_letter=dead_letter)

    # -- stream ----------------------------------------------------------------------------

    def _create_stream(self) -> aws.kinesis.Stream:
        a = self._args
        provisioned = a.stream_mode == "PROVISIONED"
        return aws.kinesis.Stream(
            f"{self._name}-stream",
            name=self._physical("transactions"),
            stream_mode_details=aws.kinesis.StreamStreamModeDetailsArgs(stream_mode=a.stream_mode),
            shard_count=a.stream_shards if provisioned else None,
            retention_period=a.stream_retention_hours,
            encryption_type="KMS",
            kms_key_id=a.messaging_key_arn,
            shard_level_metrics=list(STREAM_METRICS),
            opts=self._child,
        )

    # -- events ----------------------------------------------------------------------------

    def _create_bus(self) -> aws.cloudwatch.EventBus:
        a = self._args
        bus = aws.cloudwatch.EventBus(
            f"{self._name}-bus",
            name=self._physical("transactions"),
            description="Payment and notification events of the region",
            kms_key_identifier=a.messaging_key_arn,
            opts=self._child,
        )
        aws.cloudwatch.EventArchive(
            f"{self._name}-archive",
            name=self._physical("transactions-archive"),
            description="Every platform event on the bus, for replay",
            event_source_arn=bus.arn,
            retention_days=a.event_archive_retention_days,
            event_pattern=json.dumps({"source": [{"prefix": PLATFORM_EVENT_SOURCE_PREFIX}]}),
            kms_key_identifier=a.messaging_key_arn,
            opts=pulumi.ResourceOptions(parent=bus),
        )
        return bus

    def _rule_arn_pattern(self, bus: aws.cloudwatch.EventBus) -> pulumi.Output[str]:
        a = self._args
        return pulumi.Output.concat(
            "arn:", a.partition, ":events:", a.region, ":", a.account_id, ":rule/", bus.name, "/*"
        )

    def _create_event_target_dead_letter_queue(self, bus: aws.cloudwatch.EventBus) -> aws.sqs.Queue:
        """Events a rule could not deliver after its retries, kept for 14 days."""
        queue = aws.sqs.Queue(
            f"{self._name}-event-targets-dlq",
            name=f"{self._physical('event-targets')}-dlq",
            kms_master_key_id=self._args.messaging_key_arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=MAX_MESSAGE_RETENTION_SECONDS,
            opts=self._child,
        )
        policy = pulumi.Output.all(queue.arn, self._rule_arn_pattern(bus), self._args.account_id)
        aws.sqs.QueuePolicy(
            f"{self._name}-event-targets-dlq-policy",
            queue_url=queue.url,
            policy=policy.apply(
                lambda v: iam.to_json(
                    iam.document(
                        [
                            iam.statement(
                                "EventBridgeDeadLetters",
                                ["sqs:SendMessage"],
                                [v[0]],
                                principals={"Service": "events.amazonaws.com"},
                                conditions={
                                    "ArnLike": {"aws:SourceArn": v[1]},
                                    "StringEquals": {"aws:SourceAccount": v[2]},
                                },
                            ),
                            *_deny_insecure("sqs:*", v[0])["Statement"],
                        ]
                    )
                )
            ),
            opts=pulumi.ResourceOptions(parent=queue),
        )
        return queue

    def _target_options(
        self, dead_letter: aws.sqs.Queue
    ) -> tuple[
        aws.cloudwatch.EventTargetDeadLetterConfigArgs, aws.cloudwatch.EventTargetRetryPolicyArgs
    ]:
        return (
            aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=dead_letter.arn),
            aws.cloudwatch.EventTargetRetryPolicyArgs(
                maximum_event_age_in_seconds=24 * 3600, maximum_retry_attempts=185
            ),
        )

    def _create_alert_rule(
        self, bus: aws.cloudwatch.EventBus, alerts: aws.sns.Topic, dead_letter: aws.sqs.Queue
    ) -> None:
        rule = aws.cloudwatch.EventRule(
            f"{self._name}-payment-declined-rule",
            name=self._physical("payment-declined"),
            description="Payments declined for fraud risk or an expired review alert the operators",
            event_bus_name=bus.name,
            event_pattern=json.dumps(
                {
                    "source": ["bank.payments"],
                    "detail-type": ["Payment Decided"],
                    "detail": {"status": ["REJECTED"], "reason": ["high-risk", "review-timed-out"]},
                }
            ),
            opts=pulumi.ResourceOptions(parent=bus),
        )
        dead_letter_config, retry_policy = self._target_options(dead_letter)
        aws.cloudwatch.EventTarget(
            f"{self._name}-payment-declined-alert",
            rule=rule.name,
            event_bus_name=bus.name,
            arn=alerts.arn,
            input_transformer=aws.cloudwatch.EventTargetInputTransformerArgs(
                input_paths={"id": "$.detail.transactionId", "reason": "$.detail.reason"},
                input_template='"Payment <id> was declined: <reason>"',
            ),
            dead_letter_config=dead_letter_config,
            retry_policy=retry_policy,
            opts=pulumi.ResourceOptions(parent=rule),
        )
        a = self._args
        aws.sns.TopicPolicy(
            f"{self._name}-alerts-policy",
            arn=alerts.arn,
            policy=pulumi.Output.all(alerts.arn, rule.arn, a.account_id).apply(
                lambda v: iam.to_json(
                    iam.document(
                        [
                            iam.statement(
                                "EventBridgeAlerts",
                                ["sns:Publish"],
                                [v[0]],
                                principals={"Service": "events.amazonaws.com"},
                                conditions={"ArnEquals": {"aws:SourceArn": v[1]}},
                            ),
                            iam.statement(
                                "CloudWatchAlarms",
                                ["sns:Publish"],
                                [v[0]],
                                principals={"Service": "cloudwatch.amazonaws.com"},
                                conditions={"StringEquals": {"aws:SourceAccount": v[2]}},
                            ),
                            *_deny_insecure("sns:Publish", v[0])["Statement"],
                        ]
                    )
                )
            ),
            opts=pulumi.ResourceOptions(parent=alerts),
        )

    def _create_forwarding_rule(
        self,
        bus: aws.cloudwatch.EventBus,
        primary_bus_arn: pulumi.Input[str],
        dead_letter: aws.sqs.Queue,
    ) -> None:
        a = self._args
        rule = aws.cloudwatch.EventRule(
            f"{self._name}-forward-rule",
            name=self._physical("forward-to-primary"),
            description="Every platform event of this region, copied to the primary region's bus",
            event_bus_name=bus.name,
            event_pattern=json.dumps({"source": [{"prefix": PLATFORM_EVENT_SOURCE_PREFIX}]}),
            opts=pulumi.ResourceOptions(parent=bus),
        )
        role = aws.iam.Role(
            f"{self._name}-forward-role",
            name=self._physical("events-forward"),
            description="Lets this region's forwarding rule put events on the primary bus",
            assume_role_policy=pulumi.Output.all(a.account_id, rule.arn).apply(
                lambda v: iam.to_json(iam.service_trust("events.amazonaws.com", v[0], v[1]))
            ),
            opts=pulumi.ResourceOptions(parent=rule),
        )
        aws.iam.RolePolicy(
            f"{self._name}-forward-policy",
            role=role.id,
            policy=pulumi.Output.from_input(primary_bus_arn).apply(
                lambda arn: iam.to_json(
                    iam.document([iam.statement("PutOnPrimaryBus", ["events:PutEvents"], [arn])])
                )
            ),
            opts=pulumi.ResourceOptions(parent=role),
        )
        dead_letter_config, retry_policy = self._target_options(dead_letter)
        aws.cloudwatch.EventTarget(
            f"{self._name}-forward-target",
            rule=rule.name,
            event_bus_name=bus.name,
            arn=primary_bus_arn,
            role_arn=role.arn,
            dead_letter_config=dead_letter_config,
            retry_policy=retry_policy,
            opts=pulumi.ResourceOptions(parent=rule),
        )

    # -- topics ----------------------------------------------------------------------------

    def _create_topic(self, role: str, display: str) -> aws.sns.Topic:
        return aws.sns.Topic(
            f"{self._name}-{role}-topic",
            name=self._physical(role),
            display_name=display[:100],
            kms_master_key_id=self._args.messaging_key_arn,
            opts=self._child,
        )

    def _create_subscriptions(self, topics: dict[str, aws.sns.Topic]) -> None:
        for index, sub in enumerate(self._args.subscriptions):
            if sub.protocol == "lambda" and sub.endpoint.split(":")[3] != self._args.region:
                # A function answers its own region's topics, so data stays in the region.
                continue
            topic = topics[sub.topic]
            subscription_name = f"{self._name}-{sub.topic}-{sub.protocol}-{index}"
            if sub.protocol == "lambda":
                aws.lambda_.Permission(
                    f"{subscription_name}-invoke",
                    function=sub.endpoint,
                    action="lambda:InvokeFunction",
                    principal="sns.amazonaws.com",
                    source_arn=topic.arn,
                    opts=pulumi.ResourceOptions(parent=topic),
                )
            aws.sns.TopicSubscription(
                subscription_name,
                topic=topic.arn,
                protocol=sub.protocol,
                endpoint=sub.endpoint,
                opts=pulumi.ResourceOptions(parent=topic),
            )

    # -- functions -------------------------------------------------------------------------

    def _function(
        self,
        suffix: str,
        role: str,
        description: str,
        statements: pulumi.Input[Sequence[iam.Statement]],
        *,
        environment: dict[str, pulumi.Input[str]] | None = None,
        memory_mb: int = 256,
        timeout_seconds: int = 30,
        async_failure_destination: bool = False,
    ) -> PlatformFunction:
        a = self._args
        return PlatformFunction(
            f"{self._name}-{suffix}",
            FunctionArgs(
                namer=a.namer,
                region=a.region,
                region_code=a.region_code,
                role=role,
                package=role.replace("-", "_"),
                description=description,
                account_id=a.account_id,
                logs_key_arn=a.logs_key_arn,
                queue_key_arn=a.messaging_key_arn,
                log_retention_days=a.log_retention_days,
                runtime=a.runtime,
                powertools_layer_version=a.powertools_layer_version,
                statements=statements,
                environment=environment or {},
                reserved_concurrency=20,
                memory_mb=memory_mb,
                timeout_seconds=timeout_seconds,
                async_failure_destination=async_failure_destination,
            ),
            opts=self._child,
        )

    def _create_fanout_function(
        self, bus: aws.cloudwatch.EventBus, notifications: aws.sns.Topic
    ) -> PlatformFunction:
        # No VPC: the function reads only the SNS message and writes only to the bus.
        function = self._function(
            "fanout",
            "notification-fanout",
            "Fans a payment decision out to the customer's notification channels",
            bus.arn.apply(
                lambda arn: [iam.statement("PutNotificationRequests", ["events:PutEvents"], [arn])]
            ),
            environment={"EVENT_BUS_NAME": bus.name},
            timeout_seconds=15,
            async_failure_destination=True,
        )
        aws.lambda_.Permission(
            f"{self._name}-fanout-invoke",
            function=function.function_name,
            action="lambda:InvokeFunction",
            principal="sns.amazonaws.com",
            source_arn=notifications.arn,
            opts=pulumi.ResourceOptions(parent=function),
        )
        aws.sns.TopicSubscription(
            f"{self._name}-customer-notifications-fanout",
            topic=notifications.arn,
            protocol="lambda",
            endpoint=function.function_arn,
            opts=pulumi.ResourceOptions(parent=notifications),
        )
        return function

    def _create_transformer_function(self) -> PlatformFunction:
        # No VPC and no statements: Firehose hands it the records and takes the answer back.
        return self._function(
            "transformer",
            "firehose-transformer",
            "Masks PANs in transaction events on their way to the data lake",
            [],
            memory_mb=512,
            timeout_seconds=60,
        )

    # -- delivery to the data lake ---------------------------------------------------------

    def _create_delivery_stream(
        self, stream: aws.kinesis.Stream, transformer: PlatformFunction
    ) -> aws.kinesis.FirehoseDeliveryStream:
        a = self._args
        physical = self._physical("transactions-data-lake")
        log_group = aws.cloudwatch.LogGroup(
            f"{self._name}-delivery-logs",
            name=f"/aws/kinesisfirehose/{physical}",
            kms_key_id=a.logs_key_arn,
            retention_in_days=a.log_retention_days,
            opts=self._child,
        )
        log_stream = aws.cloudwatch.LogStream(
            f"{self._name}-delivery-log-stream",
            name="DestinationDelivery",
            log_group_name=log_group.name,
            opts=pulumi.ResourceOptions(parent=log_group),
        )
        role = aws.iam.Role(
            f"{self._name}-delivery-role",
            name=self._physical("firehose-data-lake"),
            description="Firehose: read the transaction stream, transform, write the data lake",
            assume_role_policy=pulumi.Output.from_input(a.account_id).apply(
                lambda account: iam.to_json(iam.service_trust("firehose.amazonaws.com", account))
            ),
            opts=self._child,
        )
        policy = aws.iam.RolePolicy(
            f"{self._name}-delivery-policy",
            role=role.id,
            policy=pulumi.Output.all(
                stream.arn,
                a.messaging_key_arn,
                a.data_lake_bucket_arn,
                a.data_key_arn,
                transformer.function_arn,
                log_group.arn,
            ).apply(
                lambda v: iam.to_json(
                    iam.document(
                        _delivery_statements(
                            a.region,
                            stream_arn=v[0],
                            messaging_key_arn=v[1],
                            bucket_arn=v[2],
                            data_key_arn=v[3],
                            transformer_arn=v[4],
                            log_group_arn=v[5],
                        )
                    )
                )
            ),
            opts=pulumi.ResourceOptions(parent=role),
        )
        processor = aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessorArgs(  # noqa: E501 - provider class name
            type="Lambda",
            parameters=[
                aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessorParameterArgs(
                    parameter_name=name, parameter_value=value
                )
                for name, value in (
                    ("LambdaArn", transformer.function_arn),
                    ("NumberOfRetries", "3"),
                    ("BufferSizeInMBs", "1"),
                    ("BufferIntervalInSeconds", "60"),
                )
            ],
        )
        # A Kinesis-sourced delivery stream cannot take its own server-side encryption: the
        # records stay encrypted by the stream's key, and the objects by the data key (SSE-KMS).
        return aws.kinesis.FirehoseDeliveryStream(
            f"{self._name}-delivery",
            name=physical,
            destination="extended_s3",
            kinesis_source_configuration=aws.kinesis.FirehoseDeliveryStreamKinesisSourceConfigurationArgs(
                kinesis_stream_arn=stream.arn, role_arn=role.arn
            ),
            extended_s3_configuration=aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationArgs(
                bucket_arn=a.data_lake_bucket_arn,
                role_arn=role.arn,
                prefix=f"{DATA_LAKE_PREFIX}year=!{{timestamp:yyyy}}/month=!{{timestamp:MM}}/"
                "day=!{timestamp:dd}/",
                error_output_prefix="processing-failed/!{firehose:error-output-type}/"
                "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
                buffering_interval=a.delivery_buffer_seconds,
                buffering_size=a.delivery_buffer_mb,
                compression_format="GZIP",
                kms_key_arn=a.data_key_arn,
                processing_configuration=aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationArgs(
                    enabled=True, processors=[processor]
                ),
                cloudwatch_logging_options=aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationCloudwatchLoggingOptionsArgs(
                    enabled=True, log_group_name=log_group.name, log_stream_name=log_stream.name
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )


def _deny_insecure(action: str, resource_arn: str) -> dict[str, Any]:
    return iam.document(
        [
            iam.statement(
                "DenyInsecureTransport",
                [action],
                [resource_arn],
                effect="Deny",
                principals={"AWS": "*"},
                conditions={"Bool": {"aws:SecureTransport": "false"}},
            )
        ]
    )


def _delivery_statements(
    region: str,
    *,
    stream_arn: str,
    messaging_key_arn: str,
    bucket_arn: str,
    data_key_arn: str,
    transformer_arn: str,
    log_group_arn: str,
) -> list[iam.Statement]:
    return [
        iam.statement("ReadTransactionStream", FIREHOSE_READ_ACTIONS, [stream_arn]),
        iam.statement(
            "DecryptTransactionStream",
            ["kms:Decrypt"],
            [messaging_key_arn],
            conditions={"StringEquals": {"kms:ViaService": f"kinesis.{region}.amazonaws.com"}},
        ),
        iam.statement(
            "WriteDataLake",
            [
                "s3:AbortMultipartUpload",
                "s3:GetBucketLocation",
                "s3:GetObject",
                "s3:ListBucket",
                "s3:ListBucketMultipartUploads",
                "s3:PutObject",
            ],
            [bucket_arn, f"{bucket_arn}/{DATA_LAKE_PREFIX}*", f"{bucket_arn}/processing-failed/*"],
        ),
        iam.statement(
            "EncryptDataLakeObjects",
            ["kms:Decrypt", "kms:GenerateDataKey"],
            [data_key_arn],
            conditions={
                "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
                "StringLike": {"kms:EncryptionContext:aws:s3:arn": f"{bucket_arn}/*"},
            },
        ),
        iam.statement(
            "InvokeTransformer",
            ["lambda:GetFunctionConfiguration", "lambda:InvokeFunction"],
            [transformer_arn, f"{transformer_arn}:*"],
        ),
        iam.statement("WriteDeliveryLogs", ["logs:PutLogEvents"], [f"{log_group_arn}:*"]),
    ]
