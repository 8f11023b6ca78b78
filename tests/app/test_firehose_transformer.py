"""The Firehose transformer: every PAN-like number masked, every record answered."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from app.common.pan import PAN_LIKE, contains_pan, mask_text
from app.firehose_transformer import handler
from tests.app.flow_fixtures import FakeContext

SEPARATORS = st.sampled_from(["", " ", "-"])
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@st.composite
def pan_like(draw: st.DrawFn) -> str:
    """13 to 19 digits, each gap possibly a single space or hyphen."""
    digits = draw(st.lists(st.sampled_from("0123456789"), min_size=13, max_size=19))
    return digits[0] + "".join(draw(SEPARATORS) + d for d in digits[1:])


def _record(record_id: str, data: bytes) -> handler.FirehoseRecord:
    return handler.FirehoseRecord(recordId=record_id, data=base64.b64encode(data).decode())


def _decoded(record: Mapping[str, object]) -> str:
    return base64.b64decode(str(record["data"])).decode()


@given(prefix=TEXT, pan=pan_like(), suffix=TEXT)
def test_a_pan_anywhere_in_text_is_masked_to_its_last_four_digits(
    prefix: str, pan: str, suffix: str
):
    masked = mask_text(prefix + pan + suffix)

    assert not contains_pan(masked), masked
    digits = re.sub(r"\D", "", pan)
    assert digits not in re.sub(r"\D", "", masked) or len(digits) <= 4


@given(
    pans=st.lists(pan_like(), min_size=1, max_size=4),
    note=TEXT,
    as_number=st.booleans(),
)
@settings(max_examples=200)
def test_the_transformer_masks_every_pan_in_every_field_of_an_event(
    pans: list[str], note: str, as_number: bool
):
    event = {
        "type": "Payment Received",
        "transactionId": "pay-1",
        "memo": note + " ".join(pans),
        "nested": {"items": [{"ref": pan} for pan in pans]},
        "numeric": int(re.sub(r"\D", "", pans[0])) if as_number else 0,
    }

    result = handler.transform_all([_record("r-1", json.dumps(event).encode())])["records"][0]

    assert result["result"] == "Ok"
    output = _decoded(result)
    assert output.endswith("\n"), "one JSON line per record"
    assert PAN_LIKE.search(output) is None, output
    assert json.loads(output)["transactionId"] == "pay-1"


@given(payloads=st.lists(st.binary(max_size=60) | st.just(b'{"type": "Heartbeat"}'), max_size=30))
def test_every_record_comes_back_once_in_order_with_a_valid_result(payloads: list[bytes]):
    records = [_record(f"r-{i}", data) for i, data in enumerate(payloads)]

    results = handler.transform_all(records)["records"]

    assert [r["recordId"] for r in results] == [r["recordId"] for r in records]
    assert {r["result"] for r in results} <= {"Ok", "Dropped", "ProcessingFailed"}


def test_each_kind_of_record_gets_the_result_firehose_expects():
    records = [
        _record("ok", json.dumps({"type": "Payment Received", "pan": "4111111111111111"}).encode()),
        _record("heartbeat", b'{"type": "Heartbeat"}'),
        _record("not-an-object", b"[1, 2, 3]"),
        _record("binary", b"\xff\xfe\x00garbage"),
        handler.FirehoseRecord(recordId="not-base64", data="***"),
    ]

    event = handler.FirehoseEvent(invocationId="inv-1", records=records)
    response = handler.handler(event, FakeContext())

    results = {r["recordId"]: r["result"] for r in response["records"]}
    assert results == {
        "ok": "Ok",
        "heartbeat": "Dropped",
        "not-an-object": "Dropped",
        "binary": "ProcessingFailed",
        "not-base64": "ProcessingFailed",
    }
    assert "************1111" in _decoded(response["records"][0])
