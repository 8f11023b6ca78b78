"""IAM policy documents as plain data. Pure: no resources.

Documents are built as dictionaries and serialised once, so tests and policy
rules read the same structure the provider receives.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Statement = dict[str, Any]


def statement(
    sid: str,
    actions: Sequence[str],
    resources: Sequence[str] | str,
    *,
    effect: str = "Allow",
    principals: Mapping[str, Any] | None = None,
    conditions: Mapping[str, Mapping[str, Any]] | None = None,
) -> Statement:
    """One policy statement; ``resources`` is a list of ARNs or ``"*"`` where the API has none."""
    result: Statement = {"Sid": sid, "Effect": effect, "Action": sorted(actions)}
    if principals is not None:
        result["Principal"] = dict(principals)
    result["Resource"] = resources if isinstance(resources, str) else list(resources)
    if conditions:
        result["Condition"] = {op: dict(values) for op, values in conditions.items()}
    return result


def document(statements: Iterable[Statement]) -> dict[str, Any]:
    """A policy document from its statements."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def to_json(doc: Mapping[str, Any]) -> str:
    """Serialise with sorted keys so an unchanged document gives an unchanged diff."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def service_trust(service: str, account_id: str, source_arn: str | None = None) -> dict[str, Any]:
    """Trust policy for an AWS service, pinned to this account (confused-deputy guard)."""
    conditions: dict[str, dict[str, Any]] = {"StringEquals": {"aws:SourceAccount": account_id}}
    if source_arn is not None:
        conditions["ArnLike"] = {"aws:SourceArn": source_arn}
    return document(
        [
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": conditions,
            }
        ]
    )


def human_trust(account_id: str, partition: str, max_mfa_age_seconds: int) -> dict[str, Any]:
    """Trust policy for a role people assume: principals of this account, with recent MFA."""
    return document(
        [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    "NumericLessThan": {"aws:MultiFactorAuthAge": str(max_mfa_age_seconds)},
                },
            }
        ]
    )


def wildcard_grants(doc: Mapping[str, Any]) -> list[str]:
    """Sids (or indexes) of Allow statements granting every action on every resource."""
    found: list[str] = []
    raw = doc.get("Statement", [])
    statements = [raw] if isinstance(raw, Mapping) else list(raw)
    for index, stmt in enumerate(statements):
        if stmt.get("Effect") != "Allow":
            continue
        actions = _as_list(stmt.get("Action", []))
        resources = _as_list(stmt.get("Resource", []))
        if any(a in ("*", "*:*") for a in actions) and "*" in resources:
            found.append(str(stmt.get("Sid", index)))
    return found


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]
