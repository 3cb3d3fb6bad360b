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

State, requests and answers are the sync client's own (:mod:`b2kit._api._api_core`); this class keeps the
signatures, its aiohttp transport and the awaited I/O.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

from b2kit._account_info import AbstractAccountInfo, SqliteAccountInfo
from b2kit._account_info._cache import AbstractCache, AuthInfoCache
from b2kit._api._api_core import DEFAULT_WORKERS, ApiCore, BucketKey, client_config
from b2kit._api._bucket_core import dest_and_listener
from b2kit._exceptions import Unauthorized
from b2kit._models import ApplicationKey, EncryptionSetting, FileIdAndName, FullApplicationKey, Part
from b2kit._transfer._download import DownloadManager, DownloadTuning
from b2kit._transfer._download_dest import AbstractDownloadDestination
from b2kit._transfer._progress import AbstractProgressListener
from b2kit._transfer._session_contract import TransferSession
from b2kit._transport._retry import RetryPolicy
from b2kit.aio._bucket import AsyncBucket
from b2kit.aio._copy import AsyncCopyManager
from b2kit.aio._download import AsyncDownloadedFile, AsyncDownloadManager, save_to_destination
from b2kit.aio._drive import ask, walk
from b2kit.aio._session import AsyncB2Session
from b2kit.aio._transport import AsyncB2Http
from b2kit.aio._upload import AsyncUploadManager
from b2kit.config import ClientConfig

if TYPE_CHECKING:
    from b2kit.aio._owner import AsyncBucketOwner


class AsyncB2Api(ApiCore[AsyncBucket, AsyncUploadManager, AsyncDownloadManager, AsyncCopyManager]):
    """File-level access to B2 from asyncio: authorization, buckets, keys, and transfers behind buckets."""

    session: AsyncB2Session
    _bucket_class = AsyncBucket
    _thread_prefix = "b2kit-aio"

    def __init__(
        self,
        account_info: AbstractAccountInfo | None = None,
        cache: AbstractCache | None = None,
        max_upload_workers: int = DEFAULT_WORKERS,
        *,
        retry_policy: RetryPolicy | None = None,
        download_tuning: DownloadTuning | None = None,
        config: ClientConfig | None = None,
    ) -> None:
        self._configure(client_config(config, max_upload_workers, retry_policy, download_tuning))
        info = account_info if account_info is not None else SqliteAccountInfo()
        self.http = AsyncB2Http(max_connections=self.max_upload_workers, settings=self.config.http_settings())
        self.session = AsyncB2Session(
            info,
            cache if cache is not None else AuthInfoCache(info),
            self.http,
            upload_retry_policy=self.config.upload_retry_policy,
        )
        self._slots: asyncio.Semaphore | None = None

    # --- layers --------------------------------------------------------------------------------------------

    @property
    def transfer_slots(self) -> asyncio.Semaphore:
        """Held by each upload while it runs (``max_upload_workers`` slots): see the module docstring."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_upload_workers)
        return self._slots

    # --- executor, connections and transfer managers -------------------------------------------------------

    def _set_connections(self, count: int) -> None:
        self.http.max_connections = count

    def reserve_connections(self, count: int) -> None:
        """Keep at least ``count`` connections for callers sending that many requests at once (beyond the
        pool's size they would wait for a free connection)."""
        with self._pool_lock:
            if count > self.http.max_connections:
                self.http.resize(count)

    def _new_managers(
        self, pool: ThreadPoolExecutor, workers: int
    ) -> tuple[AsyncUploadManager, AsyncDownloadManager, AsyncCopyManager]:
        config = self.config
        session = cast(TransferSession, self.session)
        planner = DownloadManager(session, pool, workers, config.download_tuning, config.retry_policy)
        return (
            AsyncUploadManager(self.session, pool, workers),
            AsyncDownloadManager(self.session, pool, planner),
            AsyncCopyManager(self.session, workers),
        )

    async def close(self) -> None:
        """Close every pooled connection and stop the thread pool."""
        pool = self._release_pool()
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
        settings = (bucket_info, cors_rules, lifecycle_rules, default_server_side_encryption)
        return await ask(
            self.session, self._create_bucket(name, bucket_type, *settings, is_file_lock_enabled)
        )

    async def delete_bucket(self, bucket: AsyncBucket) -> dict[str, Any]:
        """Delete a bucket (it must be empty); returns the server's answer (the deleted bucket)."""
        return await ask(self.session, self._delete_bucket(bucket))

    async def list_buckets(
        self, bucket_name: str | None = None, bucket_id: str | None = None
    ) -> list[AsyncBucket]:
        """All buckets of the account, or just the one named (a bucket-restricted key must name it)."""
        return await ask(self.session, self._list_buckets(bucket_name, bucket_id))

    async def get_bucket_by_name(self, bucket_name: str) -> AsyncBucket:
        """The bucket called ``bucket_name``; NonExistentBucket when there is none."""
        return await self._get_bucket(BucketKey(name=bucket_name))

    async def get_bucket_by_id(self, bucket_id: str) -> AsyncBucket:
        """The bucket with id ``bucket_id``; BucketIdNotFound (a NonExistentBucket) when there is none."""
        return await self._get_bucket(BucketKey(id_=bucket_id))

    async def _get_bucket(self, key: BucketKey) -> AsyncBucket:
        self._check(key)
        try:
            found = await self.list_buckets(key.name, key.id_)
        except Unauthorized as error:
            return self._remembered(key, error)
        return self._found(key, found)

    async def bucket_from_cache_or_name(self, bucket_name: str) -> AsyncBucket:
        """A bucket by name without a request when its id is cached (no bucket details loaded)."""
        return self._cached_bucket(bucket_name) or await self.get_bucket_by_name(bucket_name)

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
        key = (capabilities, key_name, valid_duration_seconds, bucket_id, name_prefix, bucket_ids)
        return await ask(self.session, self._create_key(*key))

    async def delete_key(self, application_key_id: str | ApplicationKey) -> ApplicationKey:
        """Delete an application key (by id, or b2sdk 2.x's way: the key object); returns what it was."""
        return await ask(self.session, self._delete_key(application_key_id))

    async def list_keys(self, start_application_key_id: str | None = None) -> AsyncIterator[ApplicationKey]:
        """Every application key from ``start_application_key_id`` on (pages fetched lazily)."""
        async for key in walk(self.session, self._keys(start_application_key_id)):
            yield key

    # --- files ---------------------------------------------------------------------------------------------

    async def delete_file_version(
        self, file_id: str, file_name: str, bypass_governance: bool = False
    ) -> FileIdAndName:
        """Permanently delete one version of a file (``bypass_governance`` past a governance retention)."""
        return await ask(self.session, self._delete_file_version(file_id, file_name, bypass_governance))

    async def cancel_large_file(self, file_id: str) -> FileIdAndName:
        """Cancel an unfinished large file, discarding its parts (and its pooled part upload URLs)."""
        return await self.session.cancel_large_file(file_id)

    async def list_parts(
        self, file_id: str, start_part_number: int | None = None, batch_size: int | None = None
    ) -> AsyncIterator[Part]:
        """The uploaded parts of an unfinished large file, ``batch_size`` per request."""
        async for part in walk(self.session, self._parts(file_id, start_part_number, batch_size)):
            yield part

    async def get_file_info(self, file_id: str) -> dict[str, Any]:
        """The raw ``b2_get_file_info`` answer for a file version."""
        return await ask(self.session, self._file_info(file_id))

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
        dest, listener = dest_and_listener(download_dest, progress_listener)
        downloaded = await self.download_manager.download_file_by_id(file_id, listener, range_, encryption)
        return downloaded if dest is None else await save_to_destination(downloaded, dest)


if TYPE_CHECKING:

    def _owns_buckets(api: AsyncB2Api) -> AsyncBucketOwner:
        """Where mypy checks that an AsyncB2Api gives its buckets all they use."""
        return api
