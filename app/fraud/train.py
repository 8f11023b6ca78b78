"""Train the shipped fraud model offline on generated transactions; deterministic.

    python -m app.fraud.train            # rewrite app/fraud/model-v1.json
    python -m app.fraud.train --check    # fail if the file differs from a fresh training

The generator draws transactions from plausible distributions and labels them
with a known "true" risk function plus noise, with a fixed seed; training is
Newton's method (iteratively reweighted least squares) with a small L2
penalty, in plain Python, so the same seed gives the same file on any machine.
A bank replaces the generator with its labelled history and keeps the rest.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from app.fraud.features import FEATURES, HIGH_RISK_CATEGORIES, extract
from app.fraud.model import MODEL_FILE

SEED = 20251107
SAMPLES = 6000
ITERATIONS = 12
L2_PENALTY = 1.0
VERSION = "fraud-logit-1.0.0"

# The generator's hidden truth, in FEATURES order: what a good model should recover.
TRUE_BIAS = -6.0
TRUE_WEIGHTS = (0.35, 1.1, 1.2, 0.9, 1.5, 0.8, -0.45, 0.9)
ORDINARY_CATEGORIES = ("5411", "5812", "5541", "4111", "5311", "5999")
COUNTRIES = ("US", "GB", "DE", "FR", "SG", "JP")
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


def generate_payment(rng: random.Random) -> dict[str, Any]:
    """One synthetic payment in the processor's normalised form."""
    home = rng.choice(COUNTRIES)
    abroad = rng.random() < 0.12
    merchant_country = rng.choice([c for c in COUNTRIES if c != home]) if abroad else home
    risky = rng.random() < 0.06
    category = rng.choice(sorted(HIGH_RISK_CATEGORIES) if risky else ORDINARY_CATEGORIES)
    average = round(math.exp(rng.gauss(3.5, 0.8)), 2)
    spike = rng.random() < 0.08
    amount = round(average * (math.exp(rng.gauss(2.0, 0.7)) if spike else rng.uniform(0.2, 2.0)), 2)
    submitted = EPOCH + timedelta(seconds=rng.randrange(365 * 24 * 3600))
    return {
        "amount": f"{max(amount, 0.01):.2f}",
        "currency": "USD",
        "merchant": {"id": "m", "categoryCode": category, "country": merchant_country},
        "card": {"last4": "0000", "country": home},
        "channel": "ecommerce" if rng.random() < 0.45 else "pos",
        "submittedAt": submitted.isoformat().replace("+00:00", "Z"),
        "context": {
            "averageAmount": average,
            "accountAgeDays": int(math.exp(rng.uniform(0.0, 8.0))),
            "transactionsLast24h": int(rng.expovariate(0.5)),
        },
    }


def generate(seed: int = SEED, samples: int = SAMPLES) -> tuple[list[tuple[float, ...]], list[int]]:
    """Feature vectors and fraud labels drawn from the hidden truth."""
    rng = random.Random(seed)
    rows: list[tuple[float, ...]] = []
    labels: list[int] = []
    for _ in range(samples):
        x = extract(generate_payment(rng))
        z = TRUE_BIAS + sum(w * v for w, v in zip(TRUE_WEIGHTS, x, strict=True))
        rows.append(x)
        labels.append(1 if rng.random() < 1.0 / (1.0 + math.exp(-z)) else 0)
    return rows, labels


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting; the systems here are 9 by 9."""
    n = len(vector)
    a = [[*row, vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for row in range(col + 1, n):
            factor = a[row][col] / a[col][col]
            for k in range(col, n + 1):
                a[row][k] -= factor * a[col][k]
    solution = [0.0] * n
    for row in reversed(range(n)):
        tail = sum(a[row][k] * solution[k] for k in range(row + 1, n))
        solution[row] = (a[row][n] - tail) / a[row][row]
    return solution


def _standardise(rows: Sequence[Sequence[float]]) -> tuple[list[float], list[float]]:
    count = len(rows)
    means = [sum(r[j] for r in rows) / count for j in range(len(FEATURES))]
    scales = [
        math.sqrt(sum((r[j] - means[j]) ** 2 for r in rows) / count) or 1.0
        for j in range(len(FEATURES))
    ]
    return means, scales


def train(rows: Sequence[Sequence[float]], labels: Sequence[int]) -> dict[str, Any]:
    """Fit the model; returns the content of the parameter file."""
    means, scales = _standardise(rows)
    design = [[1.0] + [(r[j] - means[j]) / scales[j] for j in range(len(FEATURES))] for r in rows]
    size = len(FEATURES) + 1
    beta = [0.0] * size
    for _ in range(ITERATIONS):
        hessian = [[0.0] * size for _ in range(size)]
        gradient = [0.0] * size
        for xi, yi in zip(design, labels, strict=True):
            z = sum(b * v for b, v in zip(beta, xi, strict=True))
            p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
            weight = p * (1.0 - p)
            for j in range(size):
                gradient[j] += (yi - p) * xi[j]
                row = hessian[j]
                wx = weight * xi[j]
                for k in range(j, size):
                    row[k] += wx * xi[k]
        for j in range(size):
            for k in range(j):
                hessian[j][k] = hessian[k][j]
            if j > 0:  # the intercept is not penalised
                hessian[j][j] += L2_PENALTY
                gradient[j] -= L2_PENALTY * beta[j]
        step = _solve(hessian, gradient)
        beta = [b + s for b, s in zip(beta, step, strict=True)]
    return {
        "version": VERSION,
        "features": list(FEATURES),
        "means": [round(v, 6) for v in means],
        "scales": [round(v, 6) for v in scales],
        "weights": [round(v, 6) for v in beta[1:]],
        "bias": round(beta[0], 6),
        "training": {
            "seed": SEED,
            "samples": len(rows),
            "fraudRate": round(sum(labels) / len(labels), 4),
            "auc": round(_auc(design, labels, beta), 4),
            "method": f"IRLS, {ITERATIONS} iterations, L2 {L2_PENALTY}",
        },
    }


def _auc(design: Sequence[Sequence[float]], labels: Sequence[int], beta: Sequence[float]) -> float:
    scored = sorted(
        (sum(b * v for b, v in zip(beta, xi, strict=True)), y)
        for xi, y in zip(design, labels, strict=True)
    )
    positives = sum(labels)
    negatives = len(labels) - positives
    rank_sum = sum(rank for rank, (_, y) in enumerate(scored, start=1) if y == 1)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def render(parameters: dict[str, Any]) -> str:
    """The parameter file's text, stable across runs."""
    return json.dumps(parameters, indent=2, sort_keys=True) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m app.fraud.train", description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    options = parser.parse_args(argv)
    text = render(train(*generate()))
    if options.check:
        if MODEL_FILE.read_text() != text:
            print(
                f"{MODEL_FILE} differs from a fresh training; run without --check", file=sys.stderr
            )
            return 1
        print(f"{MODEL_FILE} matches a fresh training")
        return 0
    MODEL_FILE.write_text(text)
    print(f"wrote {MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
