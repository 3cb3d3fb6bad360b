"""Fixtures for fault, crash, load and hostile-input tests.

``--soak`` turns on the tests marked ``soak`` and multiplies durations and counts by ``SOAK_FACTOR``
(the option is declared in tests/conftest.py); without it every test here takes a few seconds.
"""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import urllib3

from b2kit import B2Api, Bucket, InMemoryAccountInfo, RetryPolicy
from b2kit.server import LocalServer

SOAK_FACTOR = 20

FAST_RETRIES = RetryPolicy(max_attempts=6, initial_delay=0.01, max_delay=0.05, time_budget=5.0)
"""JSON calls and downloads: quick backoff so tests that provoke retries stay fast."""

FAST_UPLOAD_RETRIES = RetryPolicy(max_attempts=5, initial_delay=0.01, max_delay=0.05, time_budget=5.0)
"""Upload attempts (each with a new upload URL)."""

_bucket_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _soak_gate(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("soak") and not request.config.getoption("--soak"):
        pytest.skip("soak test: run with --soak")


@pytest.fixture
def scale(request: pytest.FixtureRequest) -> int:
    """1 normally, SOAK_FACTOR with --soak: multiply durations and counts by it."""
    return SOAK_FACTOR if request.config.getoption("--soak") else 1


def make_api(
    server: LocalServer, key_id: str | None = None, key: str | None = None, workers: int = 4
) -> B2Api:
    """A B2Api with quick retries, authorized against ``server`` (master key unless given)."""
    api = B2Api(InMemoryAccountInfo(), max_upload_workers=workers, retry_policy=FAST_RETRIES)
    api.session.upload_retry_policy = FAST_UPLOAD_RETRIES
    api.authorize_account(server.realm, key_id or server.key_id, key or server.key)
    return api


@pytest.fixture
def connect() -> Callable[..., B2Api]:
    """``make_api`` as a fixture: ``connect(server, key_id=None, key=None, workers=4)``."""
    return make_api


@pytest.fixture
def retry_policy() -> RetryPolicy:
    """The retry policy of the ``api`` fixture (and of ``make_api``)."""
    return FAST_RETRIES


@pytest.fixture
def api(server: LocalServer) -> Iterator[B2Api]:
    with make_api(server) as authorized:
        yield authorized


@pytest.fixture
def bucket(api: B2Api) -> Bucket:
    return api.create_bucket(f"fault-bucket-{next(_bucket_numbers):04d}", "allPrivate")


class Wire:
    """Raw HTTP to one server (no SDK in between), for hostile input and authorization checks."""

    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self.http = urllib3.PoolManager(maxsize=4, retries=False, timeout=urllib3.Timeout(10, 30))
        self.basic = "Basic " + base64.b64encode(f"{server.key_id}:{server.key}".encode()).decode()

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> urllib3.BaseHTTPResponse:
        url = path if path.startswith("http") else self.server.realm + path
        return self.http.request(method, url, body=body, headers=headers or {}, redirect=False)

    def call(self, name: str, token: str | None, params: dict[str, Any]) -> urllib3.BaseHTTPResponse:
        headers = {"Authorization": token} if token is not None else {}
        return self.request("POST", f"/b2api/v4/{name}", body=json.dumps(params).encode(), headers=headers)

    def authorize(self, key_id: str, key: str) -> dict[str, Any]:
        basic = "Basic " + base64.b64encode(f"{key_id}:{key}".encode()).decode()
        answer = self.request("GET", "/b2api/v4/b2_authorize_account", headers={"Authorization": basic})
        assert answer.status == 200, answer.data
        result: dict[str, Any] = answer.json()
        return result

    def admin(self, method: str, name: str, body: dict[str, Any] | None = None) -> urllib3.BaseHTTPResponse:
        data = json.dumps(body).encode() if body is not None else None
        return self.request(method, f"/_b2kit/{name}", body=data, headers={"Authorization": self.basic})


@pytest.fixture
def wire(server: LocalServer) -> Wire:
    return Wire(server)


@pytest.fixture
def make_wire() -> Callable[[LocalServer], Wire]:
    return Wire
