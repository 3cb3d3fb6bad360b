"""AsyncB2Api: the asyncio twin of :class:`~b2kit._api._b2api.B2Api`, method for method.

Every public method of ``B2Api`` exists here with the same name and parameters (pinned by a test). Those that
do I/O are ``async def``; those returning an iterator in the sync API return an async iterator here; pure ones
(``get_account_id``, ``get_download_url_for_file_name``, ...) stay plain. Account info, cache, models, options
and exceptions are the sync client's own.

Resources, all released by ``async with AsyncB2Api() as api`` or ``await api.close()``:

- one aiohttp connection pool of ``max_upload_workers`` connections shared by every call: a task that needs
  a connection while all are busy waits for one, so thousands of concurrent tasks keep a bounded number of
  sockets and buffers;
- a semaphore of ``max_upload_workers`` slots held by each upload while it runs, so at most that many
  sources are open and being read at once however many upload tasks are started (the rest wait, holding
  nothing but their arguments);
- a thread pool of ``max_upload_workers`` threads (``get_thread_pool``) for file reads, writes and SHA-1 of
  large blocks, so the event loop never blocks on the disk or on hashing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import AsyncIterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, cast

from b2kit._account_info import AbstractAccountInfo, SqliteAccountInfo
from b2kit._account_info._cache import AbstractCache, AuthInfoCache
from b2kit._api._b2api import DEFAULT_LIST_KEY_COUNT, DEFAULT_LIST_PARTS_COUNT, _client_config
from b2kit._exceptions import (
    BucketIdNotFound,
    MissingAccountData,
    NonExistentBucket,
    RestrictedBucket,
    RestrictedBucketMissing,
    Unauthorized,
)
from b2kit._models import ApplicationKey, EncryptionSetting, FileIdAndName, FullApplicationKey, Part
from b2kit._transfer._download import DownloadManager, DownloadTuning
from b2kit._transfer._download_dest import AbstractDownloadDestination
from b2kit._transfer._progress import AbstractProgressListener
from b2kit._transfer._session_contract import TransferSession
from b2kit._transport._retry import RetryPolicy
from b2kit._wire import (
    CancelLargeFile,
    CreateBucket,
    CreateKey,
    DeleteBucket,
    DeleteFileVersion,
    DeleteKey,
    GetFileInfo,
    ListBuckets,
    ListKeys,
    ListParts,
)
from b2kit.aio._bucket import AsyncBucket
from b2kit.aio._copy import AsyncCopyManager
from b2kit.aio._download import AsyncDownloadedFile, AsyncDownloadManager, save_to_destination
from b2kit.aio._session import AsyncB2Session
from b2kit.aio._transport import AsyncB2Http
from b2kit.aio._upload import AsyncUploadManager
from b2kit.config import ClientConfig


class AsyncB2Api:
    """File-level access to B2 from asyncio: authorization, buckets, keys, and transfers behind buckets."""

    def __init__(
        self,
        account_info: AbstractAccountInfo | None = None,
        cache: AbstractCache | None = None,
        max_upload_workers: int = 10,
        *,
        retry_policy: RetryPolicy | None = None,
        download_tuning: DownloadTuning | None = None,
        config: ClientConfig | None = None,
    ) -> None:
        if max_upload_workers < 1:
            raise ValueError(f"max_upload_workers must be at least 1, got {max_upload_workers}")
        self.config = _client_config(config, max_upload_workers, retry_policy, download_tuning)
        """Every setting of this client (the sync client's ClientConfig); each layer got its part of it."""
        self.max_upload_workers = self.config.workers
        self.download_tuning = self.config.download_tuning
        info = account_info if account_info is not None else SqliteAccountInfo()
        self.http = AsyncB2Http(max_connections=self.max_upload_workers, settings=self.config.http_settings())
        self.session = AsyncB2Session(
            info,
            cache if cache is not None else AuthInfoCache(info),
            self.http,
            upload_retry_policy=self.config.upload_retry_policy,
        )
        self._pool_lock = threading.Lock()
        self._thread_pool: ThreadPoolExecutor | None = None
        self._slots: asyncio.Semaphore | None = None
        self._managers: tuple[AsyncUploadManager, AsyncDownloadManager, AsyncCopyManager] | None = None

    # --- layers --------------------------------------------------------------------------------------------

    @property
    def account_info(self) -> AbstractAccountInfo:
        return self.session.account_info

    @property
    def cache(self) -> AbstractCache:
        return self.session.cache

    @property
    def transfer_slots(self) -> asyncio.Semaphore:
        """Held by each upload while it runs (``max_upload_workers`` slots): see the module docstring."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_upload_workers)
        return self._slots

    # --- executor and transfer managers --------------------------------------------------------------------

    def set_thread_pool_size(self, max_workers: int) -> None:
        """Set the number of threads, connections and upload slots; call it before any transfer starts."""
        if max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, got {max_workers}")
        with self._pool_lock:
            if self._thread_pool is not None and max_workers != self.max_upload_workers:
                raise RuntimeError("the thread pool is already in use; set its size before any transfer")
            self.max_upload_workers = max_workers
            self.config = dataclasses.replace(self.config, workers=max_workers)
            self.http.max_connections = max_workers

    def reserve_connections(self, count: int) -> None:
        """Keep at least ``count`` connections for callers sending that many requests at once (beyond the
        pool's size they would wait for a free connection)."""
        with self._pool_lock:
            if count > self.http.max_connections:
                self.http.resize(count)

    def get_thread_pool(self) -> ThreadPoolExecutor:
        """The executor for file reads, writes and hashing of large blocks (created on first use)."""
        with self._pool_lock:
            if self._thread_pool is None:
                self._thread_pool = ThreadPoolExecutor(
                    max_workers=self.max_upload_workers, thread_name_prefix="b2kit-aio"
                )
            return self._thread_pool

    def _transfer_managers(self) -> tuple[AsyncUploadManager, AsyncDownloadManager, AsyncCopyManager]:
        pool = self.get_thread_pool()
        if self._managers is None:
            workers = self.max_upload_workers
            config = self.config
            session = cast(TransferSession, self.session)
            planner = DownloadManager(session, pool, workers, config.download_tuning, config.retry_policy)
            self._managers = (
                AsyncUploadManager(self.session, pool, workers),
                AsyncDownloadManager(self.session, pool, planner),
                AsyncCopyManager(self.session, workers),
            )
        return self._managers

    @property
    def upload_manager(self) -> AsyncUploadManager:
        return self._transfer_managers()[0]

    @property
    def download_manager(self) -> AsyncDownloadManager:
        return self._transfer_managers()[1]

    @property
    def copy_manager(self) -> AsyncCopyManager:
        return self._transfer_managers()[2]

    async def close(self) -> None:
        """Close every pooled connection and stop the thread pool."""
        with self._pool_lock:
            pool, self._thread_pool, self._managers = self._thread_pool, None, None
        await self.http.close()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    async def __aenter__(self) -> AsyncB2Api:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # --- authorization -------------------------------------------------------------------------------------

    async def authorize_account(self, realm: str, application_key_id: str, application_key: str) -> None:
        """Authorize with a key; ``realm`` is ``"production"`` (or staging/dev) or a base URL."""
        await self.session.authorize_account(realm, application_key_id, application_key)
        self._cache_allowed_buckets()

    async def authorize_automatically(self) -> bool:
        """Authorize again with the realm and key stored in the account info; False when none is stored."""
        authorized = await self.session.authorize_automatically()
        if authorized:
            self._cache_allowed_buckets()
        return authorized

    def get_account_id(self) -> str:
        """The account id of the authorized key."""
        return self.account_info.get_account_id()

    def _cache_allowed_buckets(self) -> None:
        allowed = self.account_info.get_allowed()["buckets"]
        if not allowed:
            return
        if any(item["name"] is None for item in allowed):
            raise RestrictedBucketMissing()
        for item in allowed:
            self.cache.save_bucket(AsyncBucket(self, item["id"], name=item["name"]))

    def _allowed_buckets(self) -> Sequence[Mapping[str, Any]]:
        try:
            return self.account_info.get_allowed()["buckets"] or ()
        except MissingAccountData:
            return ()

    def check_bucket_restrictions(self, bucket_name: str) -> None:
        """Raise RestrictedBucket when the key is restricted to buckets other than ``bucket_name``."""
        allowed = self._allowed_buckets()
        if allowed and all(item["name"] != bucket_name for item in allowed):
            raise RestrictedBucket(bucket_name, allowed=[str(item["name"]) for item in allowed])

    def check_bucket_id_restrictions(self, bucket_id: str) -> None:
        """Raise RestrictedBucket when the key is restricted to buckets other than ``bucket_id``."""
        allowed = self._allowed_buckets()
        if allowed and all(item["id"] != bucket_id for item in allowed):
            raise RestrictedBucket(bucket_id, allowed=[str(item["name"]) for item in allowed])

    # --- buckets -------------------------------------------------------------------------------------------

    async def create_bucket(
        self,
        name: str,
        bucket_type: str,
        bucket_info: Mapping[str, str] | None = None,
        cors_rules: Sequence[Mapping[str, Any]] | None = None,
        lifecycle_rules: Sequence[Mapping[str, Any]] | None = None,
        *,
        default_server_side_encryption: EncryptionSetting | None = None,
        is_file_lock_enabled: bool | None = None,
    ) -> AsyncBucket:
        """Create a bucket (``bucket_type`` ``allPublic`` or ``allPrivate``) and return it."""
        call = CreateBucket(
            self.get_account_id(),
            name,
            bucket_type,
            bucket_info=bucket_info,
            cors_rules=cors_rules,
            lifecycle_rules=lifecycle_rules,
            default_server_side_encryption=default_server_side_encryption,
            file_lock_enabled=is_file_lock_enabled,
        )
        response = await self.session.call(call)
        bucket = AsyncBucket.from_api_bucket_dict(self, response)
        self.cache.save_bucket(bucket)
        return bucket

    async def delete_bucket(self, bucket: AsyncBucket) -> dict[str, Any]:
        """Delete a bucket (it must be empty); returns the server's answer (the deleted bucket)."""
        response = await self.session.call(DeleteBucket(self.get_account_id(), bucket.id_))
        if bucket.name is not None:
            self.cache.remove_bucket_name(bucket.name)
        return response

    async def list_buckets(
        self, bucket_name: str | None = None, bucket_id: str | None = None
    ) -> list[AsyncBucket]:
        """All buckets of the account, or just the one named (a bucket-restricted key must name it)."""
        if bucket_name is not None and bucket_id is not None:
            raise ValueError("give bucket_name or bucket_id, not both")
        if bucket_id is not None:
            self.check_bucket_id_restrictions(bucket_id)
        elif bucket_name is not None:
            self.check_bucket_restrictions(bucket_name)
        call = ListBuckets(self.get_account_id(), bucket_id=bucket_id, bucket_name=bucket_name)
        response = await self.session.call(call)
        buckets = [AsyncBucket.from_api_bucket_dict(self, item) for item in response["buckets"]]
        if bucket_name is None and bucket_id is None:
            self.cache.set_bucket_name_cache(buckets)
        else:
            for bucket in buckets:
                self.cache.save_bucket(bucket)
        return buckets

    async def get_bucket_by_name(self, bucket_name: str) -> AsyncBucket:
        """The bucket called ``bucket_name``; NonExistentBucket when there is none."""
        self.check_bucket_restrictions(bucket_name)
        try:
            found = await self.list_buckets(bucket_name=bucket_name)
        except Unauthorized:
            cached_id = self.cache.get_bucket_id_or_none_from_bucket_name(bucket_name)
            if cached_id is None:
                raise
            return AsyncBucket(self, cached_id, name=bucket_name)
        for bucket in found:
            if bucket.name == bucket_name:
                return bucket
        self.cache.remove_bucket_name(bucket_name)
        raise NonExistentBucket(f"Bucket does not exist: {bucket_name}")

    async def get_bucket_by_id(self, bucket_id: str) -> AsyncBucket:
        """The bucket with id ``bucket_id``; BucketIdNotFound (a NonExistentBucket) when there is none."""
        self.check_bucket_id_restrictions(bucket_id)
        try:
            found = await self.list_buckets(bucket_id=bucket_id)
        except Unauthorized:
            cached_name = self.cache.get_bucket_name_or_none_from_bucket_id(bucket_id)
            if cached_name is None:
                raise
            return AsyncBucket(self, bucket_id, name=cached_name)
        for bucket in found:
            if bucket.id_ == bucket_id:
                return bucket
        raise BucketIdNotFound(f"No bucket with id {bucket_id}")

    async def bucket_from_cache_or_name(self, bucket_name: str) -> AsyncBucket:
        """A bucket by name without a request when its id is cached (no bucket details loaded)."""
        self.check_bucket_restrictions(bucket_name)
        bucket_id = self.cache.get_bucket_id_or_none_from_bucket_name(bucket_name)
        if bucket_id is not None:
            return AsyncBucket(self, bucket_id, name=bucket_name)
        return await self.get_bucket_by_name(bucket_name)

    # --- keys ----------------------------------------------------------------------------------------------

    async def create_key(
        self,
        capabilities: Sequence[str],
        key_name: str,
        valid_duration_seconds: int | None = None,
        bucket_id: str | None = None,
        name_prefix: str | None = None,
        *,
        bucket_ids: Sequence[str] | None = None,
    ) -> FullApplicationKey:
        """Create an application key; the result carries the secret, which B2 shows only this once."""
        if bucket_id is not None and bucket_ids is not None:
            raise ValueError("give bucket_id or bucket_ids, not both")
        ids = [bucket_id] if bucket_id is not None else bucket_ids
        call = CreateKey(
            self.get_account_id(), list(capabilities), key_name, valid_duration_seconds, ids, name_prefix
        )
        response = await self.session.call(call)
        return FullApplicationKey.from_create_response(response)

    async def delete_key(self, application_key_id: str | ApplicationKey) -> ApplicationKey:
        """Delete an application key (by id, or b2sdk 2.x's way: the key object); returns what it was."""
        key_id = application_key_id if isinstance(application_key_id, str) else application_key_id.id_
        return ApplicationKey.from_api_response(await self.session.call(DeleteKey(key_id)))

    async def list_keys(self, start_application_key_id: str | None = None) -> AsyncIterator[ApplicationKey]:
        """Every application key from ``start_application_key_id`` on (pages fetched lazily)."""
        first = ListKeys(self.get_account_id(), DEFAULT_LIST_KEY_COUNT, start_application_key_id)
        async for entry in self.session.paged(first).items():
            yield ApplicationKey.from_api_response(entry)

    # --- files ---------------------------------------------------------------------------------------------

    async def delete_file_version(
        self, file_id: str, file_name: str, bypass_governance: bool = False
    ) -> FileIdAndName:
        """Permanently delete one version of a file (``bypass_governance`` past a governance retention)."""
        response = await self.session.call(DeleteFileVersion(file_id, file_name, bypass_governance))
        return FileIdAndName.from_cancel_or_delete_response(response)

    async def cancel_large_file(self, file_id: str) -> FileIdAndName:
        """Cancel an unfinished large file, discarding its parts."""
        response = await self.session.call(CancelLargeFile(file_id))
        return FileIdAndName.from_cancel_or_delete_response(response)

    async def list_parts(
        self, file_id: str, start_part_number: int | None = None, batch_size: int | None = None
    ) -> AsyncIterator[Part]:
        """The uploaded parts of an unfinished large file, ``batch_size`` per request."""
        first = ListParts(file_id, start_part_number, batch_size or DEFAULT_LIST_PARTS_COUNT)
        async for entry in self.session.paged(first).items():
            yield Part.from_list_parts_dict(entry)

    async def get_file_info(self, file_id: str) -> dict[str, Any]:
        """The raw ``b2_get_file_info`` answer for a file version."""
        return await self.session.call(GetFileInfo(file_id))

    def get_download_url_for_fileid(self, file_id: str) -> str:
        """The URL that downloads the file version ``file_id``."""
        return self.session.get_download_url_by_id(file_id)

    def get_download_url_for_file_name(self, bucket_name: str, file_name: str) -> str:
        """The URL that downloads the current version of ``file_name`` in ``bucket_name``."""
        self.check_bucket_restrictions(bucket_name)
        return self.session.get_download_url_by_name(bucket_name, file_name)

    async def download_file_by_id(
        self,
        file_id: str,
        download_dest: AbstractDownloadDestination | AbstractProgressListener | None = None,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        *,
        encryption: EncryptionSetting | None = None,
    ) -> AsyncDownloadedFile | dict[str, Any]:
        """Download a file version (``range_`` inclusive): the unread :class:`AsyncDownloadedFile`, or with a
        ``download_dest`` the bytes written there (checked) and the file's metadata dict. A progress listener
        as the second argument (b2sdk 2.x's order) is taken as ``progress_listener``."""
        if isinstance(download_dest, AbstractProgressListener):
            download_dest, progress_listener = None, download_dest
        downloaded = await self.download_manager.download_file_by_id(
            file_id, progress_listener, range_, encryption
        )
        if download_dest is None:
            return downloaded
        return await save_to_destination(downloaded, download_dest)
