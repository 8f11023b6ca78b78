"""Fixtures for the application tests: fake credentials, moto in process or as a server."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

from app.common.clients import client
from tests.app.flow_fixtures import REGION, FlowResources, create_flow_resources


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Credentials and region that can only reach moto; fresh cached clients per test."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    client.cache_clear()
    yield
    client.cache_clear()


@pytest.fixture
def flow(monkeypatch: pytest.MonkeyPatch) -> Iterator[FlowResources]:
    """The processor's resources in an in-process moto, with its environment set."""
    with mock_aws():
        resources = create_flow_resources()
        for key, value in resources.environment.items():
            monkeypatch.setenv(key, value)
        yield resources


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def moto_server() -> Iterator[str]:
    """A moto server on loopback for tests that cross processes; stopped afterwards."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
