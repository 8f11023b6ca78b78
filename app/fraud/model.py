"""Inference for the shipped fraud model: a risk score from 0 to 100 and the reasons for it.

Scoring is a dot product and a logistic, a few microseconds in process, so the
scorer fits the workflow's latency budget with room to spare. Reasons are the
features that pushed the score up the most, measured as their standardised
contribution to the log-odds: a reviewer sees *why*, not just *how much*.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from app.fraud.features import FEATURES, extract

MODEL_FILE = Path(__file__).with_name("model-v1.json")
MAX_REASONS = 3
MIN_REASON_CONTRIBUTION = 0.05
"""Contributions below this (in log-odds) are noise, not a reason."""


class Reason(TypedDict):
    """One feature that raised the score."""

    feature: str
    value: float
    contribution: float


class Score(TypedDict):
    """What the scorer returns to the workflow."""

    score: int
    reasons: list[Reason]
    modelVersion: str


@dataclass(frozen=True)
class LogisticModel:
    """Standardised logistic regression: ``sigmoid(bias + sum(w * (x - mean) / scale))``."""

    version: str
    features: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> LogisticModel:
        """Build from the parameter file's content; refuses a file for other features."""
        features = tuple(raw["features"])
        if features != FEATURES:
            raise ValueError(
                f"model {raw.get('version')!r} was trained on features {features}, but this "
                f"code extracts {FEATURES}; retrain with python -m app.fraud.train"
            )
        return cls(
            version=str(raw["version"]),
            features=features,
            means=tuple(float(v) for v in raw["means"]),
            scales=tuple(float(v) for v in raw["scales"]),
            weights=tuple(float(v) for v in raw["weights"]),
            bias=float(raw["bias"]),
        )

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> LogisticModel:
        """Read the versioned parameter file."""
        return cls.from_dict(json.loads(path.read_text()))

    def contributions(self, x: Sequence[float]) -> list[float]:
        """Each feature's share of the log-odds."""
        return [
            w * (v - m) / s
            for w, v, m, s in zip(self.weights, x, self.means, self.scales, strict=True)
        ]

    def probability(self, x: Sequence[float]) -> float:
        """Probability of fraud for one feature vector."""
        z = self.bias + sum(self.contributions(x))
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    def score(self, payment: Mapping[str, Any]) -> Score:
        """Risk score 0 to 100 of an accepted payment, with the features that drove it."""
        x = extract(payment)
        parts = self.contributions(x)
        z = self.bias + sum(parts)
        probability = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        ranked = sorted(range(len(parts)), key=lambda i: (-parts[i], self.features[i]))
        reasons: list[Reason] = [
            Reason(feature=self.features[i], value=round(x[i], 4), contribution=round(parts[i], 4))
            for i in ranked[:MAX_REASONS]
            if parts[i] >= MIN_REASON_CONTRIBUTION
        ]
        return Score(score=round(100 * probability), reasons=reasons, modelVersion=self.version)
