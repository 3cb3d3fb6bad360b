"""Client fixtures: an authorized session against the real local server, a bucket, and transfer managers."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from b2kit._account_info import InMemoryAccountInfo
from b2kit._copy import CopyManager
from b2kit._download import DownloadManager
from b2kit._session import B2Session
from b2kit._upload import UploadManager
from b2kit.server import LocalServer

TRANSFER_WORKERS = 4


@pytest.fixture
def transfer_session(server: LocalServer) -> B2Session:
    """A session authorized with the server's master key (part sizes: 100_000 / 1_000_000)."""
    session = B2Session(InMemoryAccountInfo())
    session.authorize_account(server.realm, server.key_id, server.key)
    return session


@pytest.fixture
def transfer_bucket(transfer_session: B2Session) -> dict[str, Any]:
    """A private bucket (its JSON) to upload into."""
    account_id = transfer_session.account_info.get_account_id()
    return transfer_session.create_bucket(account_id, "transfer-bucket", "allPrivate")


@pytest.fixture
def transfer_executor() -> Iterator[ThreadPoolExecutor]:
    """The thread pool parts and ranges run on (as B2Api's would be)."""
    with ThreadPoolExecutor(TRANSFER_WORKERS, thread_name_prefix="transfer") as executor:
        yield executor


@pytest.fixture
def upload_manager(transfer_session: B2Session, transfer_executor: ThreadPoolExecutor) -> UploadManager:
    return UploadManager(transfer_session, transfer_executor, TRANSFER_WORKERS)


@pytest.fixture
def download_manager(transfer_session: B2Session, transfer_executor: ThreadPoolExecutor) -> DownloadManager:
    """Downloads with 256 kB stripes, so parallel saves happen on a few megabytes."""
    return DownloadManager(
        transfer_session,
        transfer_executor,
        TRANSFER_WORKERS,
        stripe_size=256_000,
        max_buffered_bytes=1_000_000,
    )


@pytest.fixture
def copy_manager(transfer_session: B2Session, transfer_executor: ThreadPoolExecutor) -> CopyManager:
    return CopyManager(transfer_session, transfer_executor, TRANSFER_WORKERS)


@pytest.fixture
def sequential_upload_manager(transfer_session: B2Session) -> Iterator[UploadManager]:
    """An upload manager with one worker: parts go strictly in order (for deterministic interruptions)."""
    with ThreadPoolExecutor(1, thread_name_prefix="sequential") as executor:
        yield UploadManager(transfer_session, executor, 1)
