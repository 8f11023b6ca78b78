"""Building blocks of the transaction-flow tests: a fake Lambda context and the AWS resources.

:func:`create_flow_resources` creates, in whatever moto the clients point at
(in-process ``mock_aws`` or a moto server), the resources the processor's
environment names, so in-process and cross-process tests share one setup.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any, cast

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext

from app.transaction_processor import handler as processor
from app.transaction_processor.handler import BatchResponse
from infra.components.tables import TABLES
from infra.workflow_definition import LEDGER_ENTRY_SORT_VALUE

REGION = "us-east-1"
ACCOUNT = "123456789012"
TABLE = "bank-test-use1-transactions"
# The schema the data tier gives the table, so the processor is tested against the real one.
TRANSACTIONS_SPEC = next(spec for spec in TABLES if spec.role == "transactions")
TABLE_KEY = TRANSACTIONS_SPEC.hash_key
TABLE_SORT_KEY = str(TRANSACTIONS_SPEC.range_key)
QUEUE = "bank-test-use1-transactions.fifo"
DEAD_LETTER_QUEUE = "bank-test-use1-transactions-dlq.fifo"
REVIEW_QUEUE = "bank-test-use1-manual-review.fifo"
STREAM = "bank-test-use1-transactions"
BUS = "bank-test-use1-transactions"
SECRET = "bank-test-api-signing-key"
STATE_MACHINE = "bank-test-use1-transaction-approval"
FINGERPRINT_KEY = "test-fingerprint-key-0123456789abcdef"


class FakeContext(LambdaContext):
    """A Lambda context with the attributes Powertools reads."""

    def __init__(self, function_name: str = "test-function") -> None:
        self._function_name = function_name
        self._function_version = "$LATEST"
        self._memory_limit_in_mb = 512
        self._invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function_name}"
        self._aws_request_id = "00000000-0000-0000-0000-000000000000"
        self._log_group_name = f"/aws/lambda/{function_name}"
        self._log_stream_name = "test"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


def run_batch(records: list[dict[str, Any]]) -> BatchResponse:
    """The processor's answer to one SQS batch."""
    return cast(BatchResponse, processor.handler({"Records": records}, FakeContext()))


@dataclass(frozen=True)
class FlowResources:
    """What :func:`create_flow_resources` made."""

    queue_url: str
    dead_letter_url: str
    review_queue_url: str
    state_machine_arn: str
    environment: dict[str, str]


def _client(service: str, endpoint: str | None) -> Any:
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint)


def lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def create_flow_resources(
    endpoint: str | None = None, definition: dict[str, Any] | None = None
) -> FlowResources:
    """Create the processor's table, queues, stream, bus, secret and state machine."""
    ddb = _client("dynamodb", endpoint)
    ddb.create_table(
        TableName=TABLE,
        KeySchema=[
            {"AttributeName": TABLE_KEY, "KeyType": "HASH"},
            {"AttributeName": TABLE_SORT_KEY, "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"}
            for name in TRANSACTIONS_SPEC.key_attributes
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.hash_key, "KeyType": "HASH"},
                    {"AttributeName": str(index.range_key), "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in TRANSACTIONS_SPEC.indexes
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    sqs = _client("sqs", endpoint)
    fifo = {"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    dead_letter_url = sqs.create_queue(QueueName=DEAD_LETTER_QUEUE, Attributes=fifo)["QueueUrl"]
    dead_letter_arn = sqs.get_queue_attributes(
        QueueUrl=dead_letter_url, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    queue_url = sqs.create_queue(
        QueueName=QUEUE,
        Attributes={
            **fifo,
            "VisibilityTimeout": "180",
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": 5}
            ),
        },
    )["QueueUrl"]
    review_url = sqs.create_queue(QueueName=REVIEW_QUEUE, Attributes=fifo)["QueueUrl"]
    _client("kinesis", endpoint).create_stream(StreamName=STREAM, ShardCount=1)
    _client("events", endpoint).create_event_bus(Name=BUS)
    _client("secretsmanager", endpoint).create_secret(
        Name=SECRET,
        SecretString=json.dumps({"rotationStrategy": "generated", "value": FINGERPRINT_KEY}),
    )
    role = _client("iam", endpoint).create_role(
        RoleName="approval-workflow", AssumeRolePolicyDocument="{}"
    )["Role"]["Arn"]
    placeholder = {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}
    state_machine_arn = _client("stepfunctions", endpoint).create_state_machine(
        name=STATE_MACHINE, definition=json.dumps(definition or placeholder), roleArn=role
    )["stateMachineArn"]
    environment = {
        "TRANSACTIONS_TABLE": TABLE,
        "TRANSACTIONS_TABLE_KEY": TABLE_KEY,
        "TRANSACTIONS_TABLE_SORT_KEY": TABLE_SORT_KEY,
        "LEDGER_ENTRY_SORT_VALUE": LEDGER_ENTRY_SORT_VALUE,
        "STATE_MACHINE_ARN": state_machine_arn,
        "EVENT_STREAM_NAME": STREAM,
        "EVENT_BUS_NAME": BUS,
        "DEAD_LETTER_QUEUE_URL": dead_letter_url,
        "PAN_FINGERPRINT_SECRET_ID": SECRET,
    }
    return FlowResources(queue_url, dead_letter_url, review_url, state_machine_arn, environment)


VISA_TEST_PANS = ("4111111111111111", "4012888888881881", "4222222222222")
MASTERCARD_TEST_PANS = ("5555555555554444", "5105105105105100")


def payment(index: int, **overrides: Any) -> dict[str, Any]:
    """A valid incoming payment; ``index`` makes its idempotency key and account."""
    pans = VISA_TEST_PANS + MASTERCARD_TEST_PANS
    body: dict[str, Any] = {
        "idempotencyKey": f"pay-{index:06d}",
        "accountId": f"acct-{index % 40:03d}",
        "amount": f"{10 + index % 500}.{index % 100:02d}",
        "currency": "EUR",
        "merchant": {"id": f"m-{index % 17}", "categoryCode": "5411", "country": "FR"},
        "card": {"pan": pans[index % len(pans)], "country": "FR"},
        "channel": "pos",
        "submittedAt": "2025-06-01T12:00:00Z",
        "notify": {"channels": ["sms"]},
    }
    body.update(overrides)
    return body


def sqs_record(body: str, message_id: str, group: str) -> dict[str, Any]:
    """An SQS record as the Lambda event source delivers it."""
    return {"messageId": message_id, "body": body, "attributes": {"MessageGroupId": group}}
