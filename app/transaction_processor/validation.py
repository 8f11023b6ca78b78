"""Validate an incoming payment and turn it into the platform's accepted form. Pure.

The accepted form holds no PAN: the card becomes its last four digits, its
BIN country and a keyed fingerprint, so nothing downstream (ledger, workflow,
stream, data lake) ever stores a card number (PCI-DSS 3.4).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

from app.common.pan import luhn_valid

MAX_PAYLOAD_BYTES = 8192
"""A payment is a few hundred bytes; anything this large is abuse or a bug upstream."""
MAX_AMOUNT = Decimal("1000000")
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
CATEGORY_CODE = re.compile(r"^[0-9]{4}$")
CHANNELS = ("pos", "ecommerce", "atm", "moto")
NOTIFICATION_CHANNELS = ("sms", "email", "push")

CURRENCY_EXPONENTS: Mapping[str, int] = {
    "AUD": 2, "BRL": 2, "CAD": 2, "CHF": 2, "CNY": 2, "CZK": 2, "DKK": 2, "EUR": 2,
    "GBP": 2, "HKD": 2, "HUF": 2, "ILS": 2, "INR": 2, "JPY": 0, "KRW": 0, "MXN": 2,
    "NOK": 2, "NZD": 2, "PLN": 2, "SEK": 2, "SGD": 2, "USD": 2, "ZAR": 2, "AED": 2,
}  # fmt: skip
"""ISO 4217 currencies the bank settles, with their minor-unit exponents."""


class Card(TypedDict):
    """The card as the platform keeps it: never the PAN."""

    last4: str
    country: str
    fingerprint: str


class AcceptedPayment(TypedDict):
    """A valid payment in the form every later step reads."""

    idempotencyKey: str
    accountId: str
    amount: str
    currency: str
    merchant: dict[str, str]
    card: Card
    channel: str
    submittedAt: str
    context: dict[str, float]
    notify: dict[str, list[str]]


@dataclass(frozen=True)
class Rejection:
    """Why a payment was refused; ``reason`` is a stable code, ``detail`` says what to fix."""

    reason: str
    detail: str


class PaymentRejectedError(Exception):
    """Raised by :func:`accept` with the rejection."""

    def __init__(self, rejection: Rejection) -> None:
        super().__init__(f"{rejection.reason}: {rejection.detail}")
        self.rejection = rejection


def _reject(reason: str, detail: str) -> PaymentRejectedError:
    return PaymentRejectedError(Rejection(reason, detail))


def _text(raw: Mapping[str, Any], key: str, pattern: re.Pattern[str] | None = None) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        raise _reject("missing-field", f"'{key}' is required and must be a non-empty string")
    if pattern is not None and not pattern.match(value):
        raise _reject("invalid-field", f"'{key}' does not match {pattern.pattern}")
    return value


def _object(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key)
    if not isinstance(value, Mapping):
        raise _reject("missing-field", f"'{key}' is required and must be an object")
    return value


def parse(body: str) -> Mapping[str, Any]:
    """Decode a message body, refusing oversized or non-object payloads."""
    size = len(body.encode())
    if size > MAX_PAYLOAD_BYTES:
        raise _reject("oversized", f"payload is {size} bytes; the limit is {MAX_PAYLOAD_BYTES}")
    try:
        raw = json.loads(body)
    except json.JSONDecodeError as error:
        raise _reject("not-json", f"payload is not JSON ({error.msg})") from None
    if not isinstance(raw, Mapping):
        raise _reject("not-an-object", "payload must be a JSON object")
    return raw


def _amount(raw: Mapping[str, Any], currency: str) -> str:
    value = raw.get("amount")
    if value is None:
        raise _reject("missing-field", "'amount' is required")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _reject("invalid-amount", "'amount' must be a decimal string such as '12.50'")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _reject("invalid-amount", "'amount' is not a number") from None
    if not amount.is_finite() or amount <= 0:
        raise _reject("invalid-amount", "'amount' must be a positive number")
    if amount > MAX_AMOUNT:
        raise _reject("invalid-amount", f"'amount' exceeds the single-payment limit {MAX_AMOUNT}")
    exponent = CURRENCY_EXPONENTS[currency]
    if -amount.as_tuple().exponent > exponent:  # type: ignore[operator]
        raise _reject("invalid-amount", f"{currency} amounts have at most {exponent} decimals")
    return f"{amount:.{exponent}f}"


def _card(raw: Mapping[str, Any], fingerprint_key: bytes) -> Card:
    card = _object(raw, "card")
    pan = card.get("pan")
    if not isinstance(pan, str) or not pan:
        raise _reject("missing-field", "'card.pan' is required")
    digits = pan.replace(" ", "").replace("-", "")
    if not (13 <= len(digits) <= 19 and luhn_valid(digits)):
        raise _reject("invalid-card", "'card.pan' is not a valid card number")
    country = _text(card, "country", COUNTRY)
    fingerprint = hmac.new(fingerprint_key, digits.encode(), hashlib.sha256).hexdigest()
    return Card(last4=digits[-4:], country=country, fingerprint=fingerprint)


def _submitted_at(raw: Mapping[str, Any]) -> str:
    value = _text(raw, "submittedAt")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _reject("invalid-field", "'submittedAt' must be an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        raise _reject("invalid-field", "'submittedAt' must carry a time zone, e.g. 'Z'")
    return value


def _context(raw: Mapping[str, Any]) -> dict[str, float]:
    context = raw.get("context") or {}
    if not isinstance(context, Mapping):
        raise _reject("invalid-field", "'context' must be an object")
    allowed = ("accountAgeDays", "transactionsLast24h", "averageAmount")
    result: dict[str, float] = {}
    for key in allowed:
        value = context.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise _reject("invalid-field", f"'context.{key}' must be a non-negative number")
        result[key] = value
    return result


def _notify(raw: Mapping[str, Any]) -> dict[str, list[str]]:
    notify = raw.get("notify") or {}
    channels = notify.get("channels", []) if isinstance(notify, Mapping) else None
    if not isinstance(channels, list) or any(c not in NOTIFICATION_CHANNELS for c in channels):
        raise _reject(
            "invalid-field", f"'notify.channels' must list some of {NOTIFICATION_CHANNELS}"
        )
    return {"channels": sorted(set(channels))}


def accept(body: str, fingerprint_key: bytes) -> AcceptedPayment:
    """The accepted form of a message body, or :class:`PaymentRejectedError` saying why not."""
    raw = parse(body)
    key = _text(raw, "idempotencyKey", IDEMPOTENCY_KEY)
    account = _text(raw, "accountId")
    currency = _text(raw, "currency")
    if currency not in CURRENCY_EXPONENTS:
        raise _reject("unknown-currency", f"currency {currency!r} is not one the bank settles")
    amount = _amount(raw, currency)
    merchant = _object(raw, "merchant")
    merchant_fields = {
        "id": _text(merchant, "id"),
        "categoryCode": _text(merchant, "categoryCode", CATEGORY_CODE),
        "country": _text(merchant, "country", COUNTRY),
    }
    channel = _text(raw, "channel")
    if channel not in CHANNELS:
        raise _reject("invalid-field", f"'channel' must be one of {CHANNELS}")
    return AcceptedPayment(
        idempotencyKey=key,
        accountId=account,
        amount=amount,
        currency=currency,
        merchant=merchant_fields,
        card=_card(raw, fingerprint_key),
        channel=channel,
        submittedAt=_submitted_at(raw),
        context=_context(raw),
        notify=_notify(raw),
    )


def recheck(payment: Mapping[str, Any]) -> list[str]:
    """Problems with an already accepted payment (the workflow's own validation step).

    Executions may be started by replays or operators, not only by the
    processor, so the workflow checks again what it relies on.
    """
    problems: list[str] = []
    for key in ("idempotencyKey", "accountId", "amount", "currency", "merchant", "card"):
        if key not in payment:
            problems.append(f"missing-field:{key}")
    currency = payment.get("currency")
    if currency is not None and currency not in CURRENCY_EXPONENTS:
        problems.append("unknown-currency")
    try:
        if Decimal(str(payment.get("amount", "0"))) <= 0:
            problems.append("invalid-amount")
    except InvalidOperation:
        problems.append("invalid-amount")
    card = payment.get("card")
    if isinstance(card, Mapping) and "pan" in card:
        problems.append("card-number-present")
    return problems
