"""Fixtures for b2kit.aio: ``async def`` tests run on a fresh event loop each, no pytest plugin needed.

A coroutine test function is run by :func:`pytest_pyfunc_call` with ``asyncio.run`` (debug mode on, so
a forgotten ``await`` or a never-retrieved task exception fails loudly). Async resources are made inside
the test with the ``make_aio_api`` factory (``async with make_aio_api() as api``), so they live on the
test's own loop.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest

from b2kit import InMemoryAccountInfo, RetryPolicy
from b2kit.aio import AsyncB2Api, AsyncBucket
from b2kit.server import LocalServer

FAST_RETRIES = RetryPolicy(max_attempts=3, initial_delay=0.01, max_delay=0.05, time_budget=10.0)
"""Quick backoff so tests that provoke retries stay fast (the sync client tests use the same)."""

_bucket_numbers = itertools.count(1)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests on a new event loop."""
    function = pyfuncitem.obj
    if not inspect.iscoroutinefunction(function):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    arguments = {name: pyfuncitem.funcargs[name] for name in names}
    asyncio.run(function(**arguments), debug=True)
    return True


@asynccontextmanager
async def authorized_api(server: LocalServer, **kwargs: Any) -> AsyncIterator[AsyncB2Api]:
    """An AsyncB2Api with its own in-memory account info, authorized with the master key, then closed."""
    kwargs.setdefault("retry_policy", FAST_RETRIES)
    kwargs.setdefault("max_upload_workers", 4)
    async with AsyncB2Api(InMemoryAccountInfo(), **kwargs) as api:
        await api.authorize_account(server.realm, server.key_id, server.key)
        yield api


@pytest.fixture
def make_aio_api(server: LocalServer) -> Callable[..., AbstractAsyncContextManager[AsyncB2Api]]:
    """``async with make_aio_api(**options) as api``: an authorized AsyncB2Api on the test's loop."""
    return lambda **kwargs: authorized_api(server, **kwargs)


@pytest.fixture
def bucket_name() -> str:
    return f"aio-bucket-{next(_bucket_numbers):04d}"


async def new_bucket(api: AsyncB2Api, name: str) -> AsyncBucket:
    """A fresh private bucket."""
    return await api.create_bucket(name, "allPrivate")
