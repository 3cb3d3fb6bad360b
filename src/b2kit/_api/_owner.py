"""What a :class:`~b2kit._api._bucket.Bucket` needs from the :class:`~b2kit._api._b2api.B2Api` that made it.

The bucket module depends on this Protocol, not on ``B2Api`` (which imports the bucket to create buckets),
so the two modules form no import cycle, not even for type checking. ``B2Api`` satisfies it (checked by mypy
wherever a ``B2Api`` makes a ``Bucket``). Code that reaches a bucket's API (``b2kit.sync``, ``b2kit.fs``) uses
only these members too.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from b2kit._models import EncryptionSetting, FileIdAndName, Part
from b2kit._session._session import B2Session
from b2kit._transfer._copy import CopyManager
from b2kit._transfer._download import DownloadedFile, DownloadManager
from b2kit._transfer._progress import AbstractProgressListener
from b2kit._transfer._upload import UploadManager


class Named(Protocol):
    """A bucket as far as a lookup of its name is concerned."""

    @property
    def name(self) -> str | None: ...


class BucketOwner(Protocol):
    """The members of ``B2Api`` that ``Bucket`` (and the code holding ``bucket.api``) uses."""

    @property
    def session(self) -> B2Session: ...

    @property
    def max_upload_workers(self) -> int: ...

    @property
    def upload_manager(self) -> UploadManager: ...

    @property
    def download_manager(self) -> DownloadManager: ...

    @property
    def copy_manager(self) -> CopyManager: ...

    def get_thread_pool(self) -> ThreadPoolExecutor: ...

    def get_account_id(self) -> str: ...

    def get_bucket_by_id(self, bucket_id: str) -> Named: ...

    def get_download_url_for_file_name(self, bucket_name: str, file_name: str) -> str: ...

    def reserve_connections(self, count: int) -> None: ...

    def delete_file_version(
        self, file_id: str, file_name: str, bypass_governance: bool = False
    ) -> FileIdAndName: ...

    def cancel_large_file(self, file_id: str) -> FileIdAndName: ...

    def list_parts(
        self, file_id: str, start_part_number: int | None = None, batch_size: int | None = None
    ) -> Iterator[Part]: ...

    def download_file_by_id(
        self,
        file_id: str,
        download_dest: None = None,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        *,
        encryption: EncryptionSetting | None = None,
    ) -> DownloadedFile: ...
