"""What an :class:`~b2kit.aio._bucket.AsyncBucket` needs from the :class:`~b2kit.aio._api.AsyncB2Api` that
made it: the bucket module depends on this Protocol, not on ``AsyncB2Api`` (which imports the bucket), so the
two form no import cycle, not even for type checking (``b2kit._api._owner`` is the sync twin)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from b2kit._api._owner import Named
from b2kit._models import FileIdAndName, Part
from b2kit.aio._copy import AsyncCopyManager
from b2kit.aio._download import AsyncDownloadManager
from b2kit.aio._session import AsyncB2Session
from b2kit.aio._upload import AsyncUploadManager


class AsyncBucketOwner(Protocol):
    """The members of ``AsyncB2Api`` that ``AsyncBucket`` uses."""

    @property
    def session(self) -> AsyncB2Session: ...

    @property
    def max_upload_workers(self) -> int: ...

    @property
    def upload_manager(self) -> AsyncUploadManager: ...

    @property
    def download_manager(self) -> AsyncDownloadManager: ...

    @property
    def copy_manager(self) -> AsyncCopyManager: ...

    @property
    def transfer_slots(self) -> asyncio.Semaphore: ...

    def get_thread_pool(self) -> ThreadPoolExecutor: ...

    def get_account_id(self) -> str: ...

    async def get_bucket_by_id(self, bucket_id: str) -> Named: ...

    def get_download_url_for_file_name(self, bucket_name: str, file_name: str) -> str: ...

    async def delete_file_version(
        self, file_id: str, file_name: str, bypass_governance: bool = False
    ) -> FileIdAndName: ...

    async def cancel_large_file(self, file_id: str) -> FileIdAndName: ...

    def list_parts(
        self, file_id: str, start_part_number: int | None = None, batch_size: int | None = None
    ) -> AsyncIterator[Part]: ...
