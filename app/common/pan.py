"""Finding and masking primary account numbers (PANs) in text and JSON values.

PCI-DSS 3.4 forbids a readable PAN anywhere it is stored, logs and the data
lake included. A "PAN-like" number is any run of 13 or more digits, where single
spaces or hyphens may separate the digits (``4111 1111 1111 1111``). Runs
longer than 19 digits are masked too: over-masking an order number is cheap,
missing a card number is not. Only the last four digits survive.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MIN_PAN_DIGITS = 13
KEPT_DIGITS = 4
MASK = "*"

PAN_LIKE = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,}(?!\d)")
"""13 or more digits, optionally separated by one space or hyphen, not inside a longer number."""


def _mask_match(match: re.Match[str]) -> str:
    digits = [ch for ch in match.group(0) if ch.isdigit()]
    return MASK * (len(digits) - KEPT_DIGITS) + "".join(digits[-KEPT_DIGITS:])


def mask_text(text: str) -> str:
    """``text`` with every PAN-like number replaced by stars and its last four digits."""
    return PAN_LIKE.sub(_mask_match, text)


def contains_pan(text: str) -> bool:
    """Whether ``text`` still holds a PAN-like number."""
    return PAN_LIKE.search(text) is not None


def mask_value(value: Any) -> Any:
    """Mask PANs everywhere in a decoded JSON value: strings, long integers, keys included."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and len(str(abs(value))) >= MIN_PAN_DIGITS:
        return mask_text(str(value))
    if isinstance(value, Mapping):
        return {mask_text(str(key)): mask_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(item) for item in value]
    return value


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check every card number carries."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0
