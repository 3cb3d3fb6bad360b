"""Client fixtures: a B2Api authorized against the real local server, and a fresh bucket in it."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest

from b2kit import B2Api, Bucket, InMemoryAccountInfo, RetryPolicy
from b2kit.server import LocalServer

FAST_RETRIES = RetryPolicy(max_attempts=3, initial_delay=0.01, max_delay=0.05, time_budget=10.0)
"""Quick backoff so tests that provoke retries stay fast."""

_bucket_numbers = itertools.count(1)


def _make_api(server: LocalServer, **kwargs) -> B2Api:
    api = B2Api(InMemoryAccountInfo(), retry_policy=FAST_RETRIES, **kwargs)
    api.authorize_account(server.realm, server.key_id, server.key)
    return api


@pytest.fixture
def make_api(server: LocalServer) -> Iterator[Callable[..., B2Api]]:
    """Makes B2Api objects with their own in-memory account info, authorized with the master key."""
    made: list[B2Api] = []

    def make(**kwargs) -> B2Api:
        made.append(_make_api(server, **kwargs))
        return made[-1]

    yield make
    for api in made:
        api.close()


@pytest.fixture
def fast_retries() -> RetryPolicy:
    return FAST_RETRIES


@pytest.fixture
def api(server: LocalServer) -> Iterator[B2Api]:
    """An authorized B2Api (master key), closed after the test."""
    with _make_api(server, max_upload_workers=4) as authorized:
        yield authorized


@pytest.fixture
def bucket_name() -> str:
    return f"test-bucket-{next(_bucket_numbers):04d}"


@pytest.fixture
def bucket(api: B2Api, bucket_name: str) -> Bucket:
    """A fresh private bucket."""
    return api.create_bucket(bucket_name, "allPrivate")
