"""Policy rules of the transaction flow (REQUIREMENTS 3.17-3.23, 6). Pure: no resources.

Queues, streams, topics, buses and delivery streams are encrypted with a
customer-managed key; every function is traced and has a failure path, and
runs in a VPC when its role reaches a data store; state machines are logged
and traced; no execution role a service assumes holds a wildcard action.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from infra.policy.rules import PlannedResource, Rule, of_type

QUEUE = "aws:sqs/queue:Queue"
TOPIC = "aws:sns/topic:Topic"
STREAM = "aws:kinesis/stream:Stream"
EVENT_BUS = "aws:cloudwatch/eventBus:EventBus"
EVENT_ARCHIVE = "aws:cloudwatch/eventArchive:EventArchive"
DELIVERY_STREAM = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
FUNCTION = "aws:lambda/function:Function"
EVENT_INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"

AWS_MANAGED_KEY_PREFIX = "alias/aws/"
LOGGED_LEVELS = ("ALL", "ERROR", "FATAL")
EXECUTION_SERVICES = (
    "lambda.amazonaws.com",
    "states.amazonaws.com",
    "firehose.amazonaws.com",
    "events.amazonaws.com",
)
"""Services whose roles run the transaction flow's code and integrations."""
DATA_STORE_ACTION_PREFIXES = (
    "dynamodb:",
    "rds-data:",
    "rds-db:",
    "elasticache:Connect",
    "elasticfilesystem:Client",
    "s3:GetObject",
)
"""Actions that read or write a data store's content."""

# Where each type names its customer-managed key.
_KEY_INPUTS: Mapping[str, str] = {
    QUEUE: "kmsMasterKeyId",
    TOPIC: "kmsMasterKeyId",
    STREAM: "kmsKeyId",
    EVENT_BUS: "kmsKeyIdentifier",
    EVENT_ARCHIVE: "kmsKeyIdentifier",
}


def _parse_document(value: Any) -> Mapping[str, Any] | None:
    """An IAM document given as JSON text or already decoded; ``None`` if neither."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return None
    return value if isinstance(value, Mapping) else None


def _customer_key(value: Any) -> bool:
    return bool(value) and not str(value).startswith(AWS_MANAGED_KEY_PREFIX)


def _messaging_encrypted(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    for resource in of_type(resources, *_KEY_INPUTS):
        key_input = _KEY_INPUTS[resource.type]
        if not _customer_key(resource.inputs.get(key_input)):
            yield (
                resource.urn,
                f"{key_input} is {resource.inputs.get(key_input)!r}; encrypt with the region's "
                f"messaging key (a customer-managed key, not an alias/aws/ key)",
            )
        if resource.type == STREAM and resource.inputs.get("encryptionType") != "KMS":
            yield resource.urn, "stream encryptionType is not KMS; set encryption_type='KMS'"


def _delivery_streams_encrypted(
    resources: Sequence[PlannedResource],
) -> Iterator[tuple[str, str]]:
    streams = list(of_type(resources, STREAM))
    for delivery in of_type(resources, DELIVERY_STREAM):
        s3 = delivery.inputs.get("extendedS3Configuration") or {}
        if not _customer_key(s3.get("kmsKeyArn")):
            yield (
                delivery.urn,
                "objects written to S3 have no customer-managed key; set "
                "extended_s3_configuration.kms_key_arn to the data key",
            )
        source = delivery.inputs.get("kinesisSourceConfiguration") is not None
        sse = delivery.inputs.get("serverSideEncryption") or {}
        if source:
            sources = [
                s for s in streams if delivery.depends_through("kinesisSourceConfiguration", s.urn)
            ]
            if not sources or not all(_customer_key(s.inputs.get("kmsKeyId")) for s in sources):
                yield (
                    delivery.urn,
                    "its source stream is not in the plan or not encrypted with a "
                    "customer-managed key; encrypt the stream with the messaging key",
                )
        elif not (sse.get("enabled") and sse.get("keyType") == "CUSTOMER_MANAGED_CMK"):
            yield (
                delivery.urn,
                "direct-put delivery stream without server_side_encryption "
                "key_type CUSTOMER_MANAGED_CMK",
            )


def _functions_traced(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    for function in of_type(resources, FUNCTION):
        mode = (function.inputs.get("tracingConfig") or {}).get("mode")
        if mode != "Active":
            yield function.urn, f"tracing mode is {mode!r}; set tracing_config mode='Active'"


def _functions_have_failure_path(
    resources: Sequence[PlannedResource],
) -> Iterator[tuple[str, str]]:
    configs = list(of_type(resources, EVENT_INVOKE_CONFIG))
    for function in of_type(resources, FUNCTION):
        if (function.inputs.get("deadLetterConfig") or {}).get("targetArn"):
            continue
        with_destination = [
            c
            for c in configs
            if c.depends_through("functionName", function.urn)
            and ((c.inputs.get("destinationConfig") or {}).get("onFailure") or {}).get(
                "destination"
            )
        ]
        if not with_destination:
            yield (
                function.urn,
                "function has neither a dead-letter queue nor an on-failure destination; set "
                "dead_letter_config or a FunctionEventInvokeConfig with on_failure",
            )


def _role_policies(
    resources: Sequence[PlannedResource], role: PlannedResource
) -> list[Mapping[str, Any]]:
    documents = []
    for policy in of_type(resources, ROLE_POLICY):
        if policy.depends_through("role", role.urn):
            document = _parse_document(policy.inputs.get("policy"))
            if document is not None:
                documents.append(document)
    return documents


def _allowed_actions(documents: Sequence[Mapping[str, Any]]) -> list[str]:
    actions: list[str] = []
    for document in documents:
        raw = document.get("Statement", [])
        for stmt in [raw] if isinstance(raw, Mapping) else raw:
            if stmt.get("Effect") == "Allow":
                value = stmt.get("Action", [])
                actions += [value] if isinstance(value, str) else list(value)
    return actions


def _functions_in_vpc_for_data(
    resources: Sequence[PlannedResource],
) -> Iterator[tuple[str, str]]:
    roles = list(of_type(resources, ROLE))
    for function in of_type(resources, FUNCTION):
        own_roles = [r for r in roles if function.depends_through("role", r.urn)]
        actions = [a for r in own_roles for a in _allowed_actions(_role_policies(resources, r))]
        data_actions = sorted({a for a in actions if a.startswith(DATA_STORE_ACTION_PREFIXES)})
        subnets = (function.inputs.get("vpcConfig") or {}).get("subnetIds")
        if data_actions and not subnets:
            yield (
                function.urn,
                f"role allows {', '.join(data_actions)} but the function is not in a VPC; attach "
                f"it to the private subnets",
            )


def _state_machines_logged_and_traced(
    resources: Sequence[PlannedResource],
) -> Iterator[tuple[str, str]]:
    for machine in of_type(resources, STATE_MACHINE):
        logging = machine.inputs.get("loggingConfiguration") or {}
        if logging.get("level") not in LOGGED_LEVELS or not logging.get("logDestination"):
            yield (
                machine.urn,
                f"logging level {logging.get('level')!r} without a destination; log level ALL "
                f"to an encrypted log group",
            )
        if not (machine.inputs.get("tracingConfiguration") or {}).get("enabled"):
            yield machine.urn, "X-Ray tracing is off; set tracing_configuration enabled=True"


def _trusted_services(role: PlannedResource) -> set[str]:
    document = _parse_document(role.inputs.get("assumeRolePolicy")) or {}
    raw = document.get("Statement", [])
    services: set[str] = set()
    for stmt in [raw] if isinstance(raw, Mapping) else raw:
        principal = (stmt.get("Principal") or {}).get("Service", [])
        services |= {principal} if isinstance(principal, str) else set(principal)
    return services


def _is_wildcard_action(action: str) -> bool:
    return action == "*" or action.endswith(":*")


def _execution_roles_without_wildcards(
    resources: Sequence[PlannedResource],
) -> Iterator[tuple[str, str]]:
    for role in of_type(resources, ROLE):
        if not _trusted_services(role) & set(EXECUTION_SERVICES):
            continue
        wildcards = sorted(
            {a for a in _allowed_actions(_role_policies(resources, role)) if _is_wildcard_action(a)}
        )
        if wildcards:
            yield (
                role.urn,
                f"execution role allows {', '.join(wildcards)}; list the exact actions it calls",
            )


RULES: tuple[Rule, ...] = (
    Rule(
        id="messaging-cmk",
        severity="mandatory",
        description="Queues, topics, streams, event buses and archives use a customer-managed key",
        pci_dss="3.5.1, 4.2.1",
        check=_messaging_encrypted,
    ),
    Rule(
        id="delivery-stream-cmk",
        severity="mandatory",
        description="Firehose delivery streams keep records and objects under customer-managed "
        "keys",
        pci_dss="3.5.1",
        check=_delivery_streams_encrypted,
    ),
    Rule(
        id="lambda-traced",
        severity="mandatory",
        description="Every Lambda function has X-Ray active tracing",
        pci_dss="10.2.1",
        check=_functions_traced,
    ),
    Rule(
        id="lambda-failure-path",
        severity="mandatory",
        description="Every Lambda function has a dead-letter queue or an on-failure destination",
        pci_dss="10.7.2",
        check=_functions_have_failure_path,
    ),
    Rule(
        id="lambda-vpc-for-data",
        severity="mandatory",
        description="A Lambda function whose role reaches a data store runs in the VPC",
        pci_dss="1.3.1, 1.4.4",
        check=_functions_in_vpc_for_data,
    ),
    Rule(
        id="state-machine-logged-traced",
        severity="mandatory",
        description="Every state machine logs to CloudWatch Logs and is traced with X-Ray",
        pci_dss="10.2.1",
        check=_state_machines_logged_and_traced,
    ),
    Rule(
        id="execution-role-no-wildcard-action",
        severity="mandatory",
        description="No role assumed by Lambda, Step Functions, Firehose or EventBridge allows a "
        "wildcard action",
        pci_dss="7.2.1, 7.2.2",
        check=_execution_roles_without_wildcards,
    ),
)
