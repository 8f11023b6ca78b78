"""Turn an accepted payment into the numeric features the model reads. Pure and fast.

The payment is the processor's normalised form (no PAN). Optional context the
caller may add (account age, recent activity) falls back to neutral values, so
a missing field lowers the model's confidence rather than failing the score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

FEATURES: tuple[str, ...] = (
    "log_amount",
    "amount_vs_average",
    "foreign_merchant",
    "night_time",
    "high_risk_merchant",
    "card_not_present",
    "account_age",
    "velocity_24h",
)
"""Feature names, in the order of the model's weights; reasons name them."""

HIGH_RISK_CATEGORIES = frozenset(
    {
        "4829",  # money transfer
        "5967",  # direct marketing, inbound telemarketing
        "6051",  # quasi-cash, crypto
        "6211",  # securities brokers
        "7995",  # gambling
    }
)
"""Merchant category codes the card schemes treat as high risk."""

NIGHT_HOURS = range(0, 6)
DEFAULT_ACCOUNT_AGE_DAYS = 365.0
DEFAULT_TRANSACTIONS_24H = 1.0


def _hour(submitted_at: str) -> int:
    return datetime.fromisoformat(submitted_at.replace("Z", "+00:00")).hour


def extract(payment: Mapping[str, Any]) -> tuple[float, ...]:
    """The feature vector of ``payment``, in :data:`FEATURES` order."""
    amount = float(payment["amount"])
    context: Mapping[str, Any] = payment.get("context") or {}
    merchant: Mapping[str, Any] = payment["merchant"]
    card: Mapping[str, Any] = payment.get("card") or {}
    average = float(context.get("averageAmount", amount))
    age_days = float(context.get("accountAgeDays", DEFAULT_ACCOUNT_AGE_DAYS))
    recent = float(context.get("transactionsLast24h", DEFAULT_TRANSACTIONS_24H))
    card_country = card.get("country")
    return (
        math.log1p(amount),
        math.log((1.0 + amount) / (1.0 + average)),
        1.0 if card_country and merchant.get("country") != card_country else 0.0,
        1.0 if _hour(str(payment["submittedAt"])) in NIGHT_HOURS else 0.0,
        1.0 if str(merchant.get("categoryCode")) in HIGH_RISK_CATEGORIES else 0.0,
        1.0 if payment.get("channel") == "ecommerce" else 0.0,
        math.log1p(max(age_days, 0.0)),
        math.log1p(max(recent, 0.0)),
    )
