"""What ``B2Api`` and its asyncio twin ``AsyncB2Api`` share: everything but the I/O.

The client configuration and its worker count, the thread pool and the lazily built transfer managers,
bucket restrictions of the key, the bucket cache, the request each method sends (a ``b2kit._wire``
description in an :class:`~b2kit._api._steps.Exchange`, or a :class:`~b2kit._api._steps.Listing`) and how an
answer becomes buckets, keys or parts. ``B2Api`` runs these with ``b2kit._api._drive``, ``AsyncB2Api`` with
``b2kit.aio._drive``; each keeps only its public signatures, its transport and those calls.
"""

from __future__ import annotations

import abc
import dataclasses
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from b2kit._account_info import AbstractAccountInfo
from b2kit._account_info._cache import AbstractCache
from b2kit._account_info._restrictions import KeyRestrictions
from b2kit._api._bucket_core import BucketCore
from b2kit._api._steps import Exchange, Listing, as_is
from b2kit._exceptions import (
    BucketIdNotFound,
    MissingAccountData,
    NonExistentBucket,
    RestrictedBucket,
    RestrictedBucketMissing,
    Unauthorized,
)
from b2kit._models import (
    JSON,
    ApplicationKey,
    EncryptionSetting,
    FileIdAndName,
    FileVersion,
    FullApplicationKey,
    Part,
)
from b2kit._transfer._download import DownloadTuning
from b2kit._transport._retry import RetryPolicy
from b2kit._wire import (
    BucketRecord,
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
from b2kit.config import ClientConfig

DEFAULT_WORKERS = 10
DEFAULT_LIST_KEY_COUNT = 1000
DEFAULT_LIST_PARTS_COUNT = 1000

BucketT = TypeVar("BucketT", bound=BucketCore[Any])
UploadT = TypeVar("UploadT")
DownloadT = TypeVar("DownloadT")
CopyT = TypeVar("CopyT")


class AccountSession(Protocol):
    """The members of both sessions that need no I/O."""

    @property
    def account_info(self) -> AbstractAccountInfo: ...

    @property
    def cache(self) -> AbstractCache: ...

    def get_download_url_by_id(self, file_id: str) -> str: ...

    def get_download_url_by_name(self, bucket_name: str, file_name: str) -> str: ...


def client_config(
    config: ClientConfig | None,
    workers: int,
    retry_policy: RetryPolicy | None,
    download_tuning: DownloadTuning | None,
) -> ClientConfig:
    """``config`` with the settings also given as B2Api arguments (they win; workers unless the default)."""
    if workers < 1:
        raise ValueError(f"max_upload_workers must be at least 1, got {workers}")
    base = config or ClientConfig()
    changes: dict[str, Any] = {}
    if config is None or workers != DEFAULT_WORKERS:
        changes["workers"] = workers
    if retry_policy is not None:
        changes["retry_policy"] = retry_policy
    if download_tuning is not None:
        changes["download_tuning"] = download_tuning
    return dataclasses.replace(base, **changes)


@dataclasses.dataclass(frozen=True)
class BucketKey:
    """A bucket asked for by name or by id."""

    name: str | None = None
    id_: str | None = None


class ApiCore(abc.ABC, Generic[BucketT, UploadT, DownloadT, CopyT]):
    """Authorization state, buckets, keys and transfer resources of one client (see the module docstring)."""

    session: AccountSession
    _bucket_class: type[BucketT]
    """The twin's bucket class (``Bucket`` or ``AsyncBucket``)."""
    _thread_prefix: ClassVar[str]

    def _configure(self, config: ClientConfig) -> None:
        """Take the effective configuration; set up the (not yet started) thread pool."""
        self.config = config
        """Every setting of this client; each layer below got its part of it."""
        self.max_upload_workers = config.workers
        self.download_tuning = config.download_tuning
        self._pool_lock = threading.Lock()
        self._thread_pool: ThreadPoolExecutor | None = None
        self._managers: tuple[UploadT, DownloadT, CopyT] | None = None

    # --- layers --------------------------------------------------------------------------------------------

    @property
    def account_info(self) -> AbstractAccountInfo:
        return self.session.account_info

    @property
    def cache(self) -> AbstractCache:
        return self.session.cache

    # --- thread pool and transfer managers -----------------------------------------------------------------

    def set_thread_pool_size(self, max_workers: int) -> None:
        """Set the number of transfer threads (and connections); call it before any transfer starts."""
        if max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, got {max_workers}")
        with self._pool_lock:
            if self._thread_pool is not None and max_workers != self.max_upload_workers:
                raise RuntimeError("the thread pool is already in use; set its size before any transfer")
            self.max_upload_workers = max_workers
            self.config = dataclasses.replace(self.config, workers=max_workers)
            self._set_connections(max_workers)

    @abc.abstractmethod
    def _set_connections(self, count: int) -> None:
        """Size the connection pool for ``count`` workers (the twins' transports differ)."""

    def get_thread_pool(self) -> ThreadPoolExecutor:
        """The executor that transfers (sync) or file reads, writes and hashing (asyncio) run on."""
        with self._pool_lock:
            if self._thread_pool is None:
                self._thread_pool = ThreadPoolExecutor(
                    max_workers=self.max_upload_workers, thread_name_prefix=self._thread_prefix
                )
            return self._thread_pool

    def _transfer_managers(self) -> tuple[UploadT, DownloadT, CopyT]:
        pool = self.get_thread_pool()
        with self._pool_lock:
            if self._managers is None:
                self._managers = self._new_managers(pool, self.max_upload_workers)
            return self._managers

    @abc.abstractmethod
    def _new_managers(self, pool: ThreadPoolExecutor, workers: int) -> tuple[UploadT, DownloadT, CopyT]:
        """The twin's upload, download and copy managers on ``pool`` (sync threads or asyncio tasks)."""

    @property
    def upload_manager(self) -> UploadT:
        return self._transfer_managers()[0]

    @property
    def download_manager(self) -> DownloadT:
        return self._transfer_managers()[1]

    @property
    def copy_manager(self) -> CopyT:
        return self._transfer_managers()[2]

    def _release_pool(self) -> ThreadPoolExecutor | None:
        """Forget the thread pool and managers (for ``close``); the caller shuts the pool down."""
        with self._pool_lock:
            pool, self._thread_pool, self._managers = self._thread_pool, None, None
        return pool

    # --- authorization -------------------------------------------------------------------------------------

    def get_account_id(self) -> str:
        """The account id of the authorized key."""
        return self.account_info.get_account_id()

    def _cache_allowed_buckets(self) -> None:
        allowed = KeyRestrictions.from_allowed(self.account_info.get_allowed()).buckets
        if any(bucket.name is None for bucket in allowed):
            raise RestrictedBucketMissing()
        for bucket in allowed:
            self.cache.save_bucket(self._bucket_class(self, bucket.id_, name=bucket.name))

    def _restrictions(self) -> KeyRestrictions:
        try:
            return KeyRestrictions.from_allowed(self.account_info.get_allowed())
        except MissingAccountData:
            return KeyRestrictions()

    def check_bucket_restrictions(self, bucket_name: str) -> None:
        """Raise RestrictedBucket when the key is restricted to buckets other than ``bucket_name``."""
        restrictions = self._restrictions()
        if restrictions.refuses_bucket(name=bucket_name):
            raise RestrictedBucket(bucket_name, allowed=restrictions.bucket_names)

    def check_bucket_id_restrictions(self, bucket_id: str) -> None:
        """Raise RestrictedBucket when the key is restricted to buckets other than ``bucket_id``."""
        restrictions = self._restrictions()
        if restrictions.refuses_bucket(id_=bucket_id):
            raise RestrictedBucket(bucket_id, allowed=restrictions.bucket_names)

    # --- buckets -------------------------------------------------------------------------------------------

    def _create_bucket(
        self,
        name: str,
        bucket_type: str,
        bucket_info: Mapping[str, str] | None,
        cors_rules: Sequence[Mapping[str, Any]] | None,
        lifecycle_rules: Sequence[Mapping[str, Any]] | None,
        default_server_side_encryption: EncryptionSetting | None,
        is_file_lock_enabled: bool | None,
    ) -> Exchange[BucketRecord, BucketT]:
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
        return Exchange(call, self._bucket_created)

    def _bucket_created(self, record: BucketRecord) -> BucketT:
        bucket = self._bucket_class._from_record(self, record)
        self.cache.save_bucket(bucket)
        return bucket

    def _delete_bucket(self, bucket: BucketT) -> Exchange[BucketRecord, JSON]:
        def forget(deleted: BucketRecord) -> JSON:
            if bucket.name is not None:
                self.cache.remove_bucket_name(bucket.name)
            return dict(deleted.raw)

        return Exchange(DeleteBucket(self.get_account_id(), bucket.id_), forget)

    def _list_buckets(
        self, bucket_name: str | None, bucket_id: str | None
    ) -> Exchange[tuple[BucketRecord, ...], list[BucketT]]:
        """All buckets, or the one named (checked against the key's restrictions first); cached."""
        if bucket_name is not None and bucket_id is not None:
            raise ValueError("give bucket_name or bucket_id, not both")
        if bucket_id is not None:
            self.check_bucket_id_restrictions(bucket_id)
        elif bucket_name is not None:
            self.check_bucket_restrictions(bucket_name)

        def cached(records: tuple[BucketRecord, ...]) -> list[BucketT]:
            buckets = [self._bucket_class._from_record(self, record) for record in records]
            if bucket_name is None and bucket_id is None:
                self.cache.set_bucket_name_cache(buckets)
            else:
                for bucket in buckets:
                    self.cache.save_bucket(bucket)
            return buckets

        return Exchange(ListBuckets(self.get_account_id(), bucket_id, bucket_name), cached)

    def _check(self, key: BucketKey) -> BucketKey:
        if key.name is not None:
            self.check_bucket_restrictions(key.name)
        if key.id_ is not None:
            self.check_bucket_id_restrictions(key.id_)
        return key

    def _found(self, key: BucketKey, buckets: list[BucketT]) -> BucketT:
        """The bucket asked for among those listed; NonExistentBucket (BucketIdNotFound) when missing."""
        for bucket in buckets:
            if (bucket.name == key.name) if key.name is not None else (bucket.id_ == key.id_):
                return bucket
        if key.name is None:
            raise BucketIdNotFound(f"No bucket with id {key.id_}")
        self.cache.remove_bucket_name(key.name)
        raise NonExistentBucket(f"Bucket does not exist: {key.name}")

    def _remembered(self, key: BucketKey, error: Unauthorized) -> BucketT:
        """A key that may not list buckets still gets those it is restricted to (known from authorize)."""
        if key.name is not None:
            bucket_id = self.cache.get_bucket_id_or_none_from_bucket_name(key.name)
            if bucket_id is not None:
                return self._bucket_class(self, bucket_id, name=key.name)
        elif key.id_ is not None:
            name = self.cache.get_bucket_name_or_none_from_bucket_id(key.id_)
            if name is not None:
                return self._bucket_class(self, key.id_, name=name)
        raise error

    def _cached_bucket(self, bucket_name: str) -> BucketT | None:
        """The bucket called ``bucket_name`` when its id is cached (no request, no bucket details)."""
        self.check_bucket_restrictions(bucket_name)
        bucket_id = self.cache.get_bucket_id_or_none_from_bucket_name(bucket_name)
        return None if bucket_id is None else self._bucket_class(self, bucket_id, name=bucket_name)

    # --- keys ----------------------------------------------------------------------------------------------

    def _create_key(
        self,
        capabilities: Sequence[str],
        key_name: str,
        valid_duration_seconds: int | None,
        bucket_id: str | None,
        name_prefix: str | None,
        bucket_ids: Sequence[str] | None,
    ) -> Exchange[FullApplicationKey, FullApplicationKey]:
        if bucket_id is not None and bucket_ids is not None:
            raise ValueError("give bucket_id or bucket_ids, not both")
        ids = [bucket_id] if bucket_id is not None else bucket_ids
        call = CreateKey(
            self.get_account_id(), list(capabilities), key_name, valid_duration_seconds, ids, name_prefix
        )
        return Exchange(call, as_is)

    def _delete_key(
        self, application_key_id: str | ApplicationKey
    ) -> Exchange[ApplicationKey, ApplicationKey]:
        key_id = application_key_id if isinstance(application_key_id, str) else application_key_id.id_
        return Exchange(DeleteKey(key_id), as_is)

    def _keys(self, start_application_key_id: str | None) -> Listing[ApplicationKey]:
        first = ListKeys(self.get_account_id(), DEFAULT_LIST_KEY_COUNT, start_application_key_id)
        return Listing(first)

    # --- files ---------------------------------------------------------------------------------------------

    def _delete_file_version(
        self, file_id: str, file_name: str, bypass_governance: bool
    ) -> Exchange[FileIdAndName, FileIdAndName]:
        return Exchange(DeleteFileVersion(file_id, file_name, bypass_governance), as_is)

    def _parts(self, file_id: str, start_part_number: int | None, batch_size: int | None) -> Listing[Part]:
        first = ListParts(file_id, start_part_number, batch_size or DEFAULT_LIST_PARTS_COUNT)
        return Listing(first)

    def _file_info(self, file_id: str) -> Exchange[FileVersion, JSON]:
        return Exchange(GetFileInfo(file_id), lambda version: dict(version.raw))

    def get_download_url_for_fileid(self, file_id: str) -> str:
        """The URL that downloads the file version ``file_id``."""
        return self.session.get_download_url_by_id(file_id)

    def get_download_url_for_file_name(self, bucket_name: str, file_name: str) -> str:
        """The URL that downloads the current version of ``file_name`` in ``bucket_name``."""
        self.check_bucket_restrictions(bucket_name)
        return self.session.get_download_url_by_name(bucket_name, file_name)
