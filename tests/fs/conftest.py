"""Fixtures of the fsspec filesystem tests: a B2FileSystem on the test's LocalServer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from b2kit.fs import B2FileSystem
from b2kit.server import LocalServer

BUCKET = "fsspec-tests"


@pytest.fixture
def storage_options(server: LocalServer) -> dict[str, Any]:
    """What a data tool gets as ``storage_options`` to reach the test server."""
    return {"application_key_id": server.key_id, "application_key": server.key, "realm": server.realm}


@pytest.fixture
def b2fs(storage_options: dict[str, Any]) -> Iterator[B2FileSystem]:
    """A fresh (uncached) B2FileSystem on the test server; its B2Api is closed afterwards."""
    fs = B2FileSystem(skip_instance_cache=True, **storage_options)
    yield fs
    fs.api.close()


@pytest.fixture
def bucket(b2fs: B2FileSystem) -> str:
    """An empty bucket on the test server."""
    b2fs.mkdir(BUCKET)
    return BUCKET
