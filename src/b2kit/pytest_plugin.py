"""The b2kit pytest plugin: B2 fixtures for your own test suite, backed by a local ``b2kit server``.

Installed with b2kit (entry point ``pytest11``), so ``pip install b2kit`` is all a project needs:

- ``b2_server`` (session): a ``LocalServer`` on a temp data dir with small part sizes (100 kB minimum, 1 MB
  recommended: multi-part uploads and downloads run on a few megabytes), or, with ``--b2-realm``, the
  external server those options name (a ``RemoteB2Server``: ``realm``, ``key_id``, ``key`` only).
- ``b2_api`` (per test): a ``B2Api`` authorized against ``b2_server`` with the master key.
- ``b2_bucket`` (per test): a fresh private bucket with a unique name, emptied (every version, hide marker
  and unfinished large file) and deleted after the test.

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
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from b2kit import B2Api, B2Error, Bucket, InMemoryAccountInfo
from b2kit.server import LocalServer, ServerConfig

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
