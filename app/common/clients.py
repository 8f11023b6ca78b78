"""AWS clients created once per execution environment, outside the handler."""

from __future__ import annotations

import functools
import os
from typing import Any

import boto3
from botocore.config import Config

_RETRIES = Config(
    retries={"mode": "standard", "max_attempts": 5}, connect_timeout=2, read_timeout=5
)


@functools.cache
def client(service: str) -> Any:
    """A cached boto3 client for ``service`` in the function's region.

    ``AWS_ENDPOINT_URL`` (honoured by botocore) points tests at a local emulator.
    """
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    return boto3.client(service, region_name=region, config=_RETRIES)
