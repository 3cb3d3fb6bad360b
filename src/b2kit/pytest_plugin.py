"""The b2kit pytest plugin: B2 fixtures for your own test suite, backed by a local ``b2kit server``.

Installed with b2kit (entry point ``pytest11``), so ``pip install b2kit`` is all a project needs:

- ``b2_server`` (session): a ``LocalServer`` on a temp data dir with small part sizes (100 kB minimum, 1 MB
  recommended: multi-part uploads and downloads run on a few megabytes), or, with ``--b2-realm``, the
  external server those options name (a ``RemoteB2Server``: ``realm``, ``key_id``, ``key`` only).
- ``b2_api`` (per test): a ``B2Api`` authorized against ``b2_server`` with the master key.
- ``b2_bucket`` (per test): a fresh private bucket with a unique name, emptied (every version, hide marker
  and unfinished large file) and deleted after the test.
- ``b2_aio`` (per test, with ``b2kit[aio]``): the asyncio twin, ``async with b2_aio.api() as api`` and
  ``async with b2_aio.bucket() as bucket`` (made on the test's own event loop, whatever runs it).

Isolation: one server per session, **a fresh bucket per test**. A test that uses only ``b2_bucket`` cannot
see another test's files, and the same fixtures work against any B2-compatible server, real B2 included.
Tests that want a blank local server call ``b2_server.reset()`` themselves.

Options: ``--b2-minimum-part-size`` and ``--b2-part-size`` (local server part sizes), ``--b2-realm``,
``--b2-key-id`` and ``--b2-key`` (or ``B2KIT_TEST_REALM``, ``B2KIT_TEST_KEY_ID``, ``B2KIT_TEST_KEY``) for an
external server. ``B2_APPLICATION_KEY_ID``/``B2_APPLICATION_KEY`` are deliberately not read: a shell set up
for production never points a test suite at it by accident.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from b2kit import B2Api, B2Error, Bucket, InMemoryAccountInfo
from b2kit.server import LocalServer, ServerConfig

if TYPE_CHECKING:  # b2kit.aio needs the aio extra: imported when a test asks for b2_aio
    from b2kit.aio import AsyncB2Api, AsyncBucket

DEFAULT_MINIMUM_PART_SIZE = 100_000
DEFAULT_PART_SIZE = 1_000_000
BUCKET_NAME_PREFIX = "b2kit-test-"


@dataclass(frozen=True)
class RemoteB2Server:
    """A B2-compatible server the fixtures did not start (``--b2-realm``): where it is and its key."""

    realm: str
    key_id: str
    key: str


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("b2kit", "b2kit B2 fixtures (b2_server, b2_api, b2_bucket)")
    group.addoption(
        "--b2-minimum-part-size",
        type=int,
        default=DEFAULT_MINIMUM_PART_SIZE,
        help=f"absoluteMinimumPartSize of the local server (default {DEFAULT_MINIMUM_PART_SIZE})",
    )
    group.addoption(
        "--b2-part-size",
        type=int,
        default=DEFAULT_PART_SIZE,
        help=f"recommendedPartSize of the local server (default {DEFAULT_PART_SIZE})",
    )
    group.addoption(
        "--b2-realm",
        default=os.environ.get("B2KIT_TEST_REALM"),
        help="use this B2-compatible server instead of starting one (URL; env B2KIT_TEST_REALM)",
    )
    group.addoption(
        "--b2-key-id",
        default=os.environ.get("B2KIT_TEST_KEY_ID"),
        help="key id for --b2-realm (env B2KIT_TEST_KEY_ID)",
    )
    group.addoption(
        "--b2-key", default=os.environ.get("B2KIT_TEST_KEY"), help="key for --b2-realm (env B2KIT_TEST_KEY)"
    )


@pytest.fixture(scope="session")
def b2_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalServer | RemoteB2Server]:
    """The B2 server of this test session: a local one on a temp data dir, or the ``--b2-realm`` one."""
    options = request.config.option
    if options.b2_realm:
        if not (options.b2_key_id and options.b2_key):
            raise pytest.UsageError("--b2-realm needs --b2-key-id and --b2-key (or B2KIT_TEST_KEY_ID/KEY)")
        yield RemoteB2Server(options.b2_realm.rstrip("/"), options.b2_key_id, options.b2_key)
        return
    config = ServerConfig(
        data_dir=tmp_path_factory.mktemp("b2kit-server"),
        absolute_minimum_part_size=options.b2_minimum_part_size,
        recommended_part_size=options.b2_part_size,
    )
    problems = config.problems()
    if problems:
        raise pytest.UsageError("b2kit: " + "; ".join(problems))
    with LocalServer(config) as server:
        yield server


@pytest.fixture
def b2_api(b2_server: LocalServer | RemoteB2Server) -> Iterator[B2Api]:
    """A ``B2Api`` authorized against ``b2_server`` (a new one per test: no cache shared between tests)."""
    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(b2_server.realm, b2_server.key_id, b2_server.key)
    try:
        yield api
    finally:
        api.close()


@pytest.fixture
def b2_bucket(b2_api: B2Api) -> Iterator[Bucket]:
    """A fresh private bucket for one test; emptied and deleted afterwards."""
    bucket = b2_api.create_bucket(BUCKET_NAME_PREFIX + secrets.token_hex(8), "allPrivate")
    try:
        yield bucket
    finally:
        remove_bucket(b2_api, bucket)


@pytest.fixture
def b2_aio(b2_server: LocalServer | RemoteB2Server) -> AsyncB2:
    """The asyncio twin (``b2kit.aio``, needs ``b2kit[aio]``): ``async with b2_aio.api() as api`` and
    ``async with b2_aio.bucket() as bucket``. A factory rather than async fixtures, so the objects live on
    the test's own event loop whatever runs it (pytest-asyncio, anyio, or ``asyncio.run`` in a plain test)."""
    try:
        import b2kit.aio  # noqa: F401 - only checks that the aio extra is installed
    except ImportError as exc:
        pytest.fail(f"b2_aio needs b2kit's aio extra (pip install 'b2kit[aio]'): {exc}")
    return AsyncB2(b2_server)


@dataclass(frozen=True)
class AsyncB2:
    """Async counterparts of ``b2_api`` and ``b2_bucket``, made on the running event loop."""

    server: LocalServer | RemoteB2Server

    @contextlib.asynccontextmanager
    async def api(self) -> AsyncIterator[AsyncB2Api]:
        """An ``AsyncB2Api`` authorized against ``b2_server``, closed at the end of the block."""
        from b2kit.aio import AsyncB2Api

        async with AsyncB2Api(InMemoryAccountInfo()) as api:
            await api.authorize_account(self.server.realm, self.server.key_id, self.server.key)
            yield api

    @contextlib.asynccontextmanager
    async def bucket(self) -> AsyncIterator[AsyncBucket]:
        """A fresh private bucket, emptied and deleted at the end of the block."""
        async with self.api() as api:
            bucket = await api.create_bucket(BUCKET_NAME_PREFIX + secrets.token_hex(8), "allPrivate")
            try:
                yield bucket
            finally:
                await remove_async_bucket(api, bucket)


def remove_bucket(api: B2Api, bucket: Bucket) -> None:
    """Delete every version and unfinished large file of ``bucket``, then the bucket (best effort on errors
    a test may have caused on purpose, e.g. files under retention: those buckets are left behind)."""
    for unfinished in list(bucket.list_unfinished_large_files()):
        with contextlib.suppress(B2Error):
            bucket.cancel_large_file(unfinished.file_id)
    for version in list(bucket.list_file_versions()):
        with contextlib.suppress(B2Error):
            bucket.delete_file_version(version.id_, version.file_name)
    with contextlib.suppress(B2Error):
        api.delete_bucket(bucket)


async def remove_async_bucket(api: AsyncB2Api, bucket: AsyncBucket) -> None:
    """``remove_bucket`` for the asyncio client."""
    unfinished = [entry async for entry in bucket.list_unfinished_large_files()]
    for entry in unfinished:
        with contextlib.suppress(B2Error):
            await bucket.cancel_large_file(entry.file_id)
    versions = [version async for version in bucket.list_file_versions()]
    for version in versions:
        with contextlib.suppress(B2Error):
            await bucket.delete_file_version(version.id_, version.file_name)
    with contextlib.suppress(B2Error):
        await api.delete_bucket(bucket)
