"""B2Api: the entry point of the SDK (the interface of b2sdk's ``B2Api`` that users know).

It authorizes, manages buckets and keys, and hands out :class:`Bucket` objects for file work.
Under it sit the layers: :class:`B2Session` (tokens, re-authorization, upload-URL pools),
:class:`B2RawApi` (one method per endpoint) and :class:`B2Http` (one urllib3
pool sized to the worker count). Transfers run on one thread pool per B2Api (``max_upload_workers``
threads); ``config`` (a :class:`ClientConfig`, or the ``retry_policy`` / ``download_tuning`` shortcuts) sets
every layer's knobs. Use the B2Api as a context manager, or call :meth:`B2Api.close`, to release pool
and connections.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, Protocol, overload

from b2kit._account_info import AbstractAccountInfo
from b2kit._account_info._cache import AbstractCache
from b2kit._api._bucket import Bucket
from b2kit._exceptions import (
    BucketIdNotFound,
    MissingAccountData,
    NonExistentBucket,
    RestrictedBucket,
    RestrictedBucketMissing,
    Unauthorized,
)
from b2kit._models import (
    ApplicationKey,
    EncryptionSetting,
    FileIdAndName,
    FullApplicationKey,
    Part,
)
from b2kit._raw._raw_api import B2RawApi
from b2kit._session._session import B2Session
from b2kit._transfer._copy import CopyManager
from b2kit._transfer._download import DownloadedFile, DownloadManager, DownloadTuning
from b2kit._transfer._download_dest import AbstractDownloadDestination, download_to_destination
from b2kit._transfer._progress import AbstractProgressListener
from b2kit._transfer._upload import UploadManager
from b2kit._transport._http import B2Http
from b2kit._transport._retry import RetryPolicy
from b2kit._wire import (
    API_VERSION,
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


class _UrlInfo(Protocol):
    def get_api_url(self) -> str: ...

    def get_download_url(self) -> str: ...


def url_for_api(info: _UrlInfo, api_name: str) -> str:
    """The URL of endpoint ``api_name`` (download by id on the download URL, the rest on the API URL)."""
    base = info.get_download_url() if api_name == "b2_download_file_by_id" else info.get_api_url()
    return f"{base}/b2api/{API_VERSION}/{api_name}"


def _client_config(
    config: ClientConfig | None,
    workers: int,
    retry_policy: RetryPolicy | None,
    download_tuning: DownloadTuning | None,
) -> ClientConfig:
    """``config`` with the settings also given as B2Api arguments (they win; workers unless the default)."""
    base = config or ClientConfig()
    changes: dict[str, Any] = {}
    if config is None or workers != DEFAULT_WORKERS:
        changes["workers"] = workers
    if retry_policy is not None:
        changes["retry_policy"] = retry_policy
    if download_tuning is not None:
        changes["download_tuning"] = download_tuning
    return dataclasses.replace(base, **changes)


def _configure_transport(raw_api: B2RawApi, config: ClientConfig) -> None:
    """Give the transport of a caller's raw API the explicit settings (never drop them silently)."""
    http = getattr(raw_api, "b2_http", None)
    if not isinstance(http, B2Http):
        raise ValueError("retry_policy / config need a raw_api whose b2_http is a B2Http to reach")
    http.configure(config.http_settings())


class B2Api:
    """File-level access to B2: authorization, buckets, keys, and the transfer machinery behind buckets."""

    def __init__(
        self,
        account_info: AbstractAccountInfo | None = None,
        cache: AbstractCache | None = None,
        raw_api: B2RawApi | None = None,
        max_upload_workers: int = 10,
        *,
        retry_policy: RetryPolicy | None = None,
        download_tuning: DownloadTuning | None = None,
        config: ClientConfig | None = None,
    ) -> None:
        if max_upload_workers < 1:
            raise ValueError(f"max_upload_workers must be at least 1, got {max_upload_workers}")
        self.config = _client_config(config, max_upload_workers, retry_policy, download_tuning)
        """Every setting of this client; each layer below got its part of it."""
        self.max_upload_workers = self.config.workers
        self.download_tuning = self.config.download_tuning
        self._own_http: B2Http | None = None
        if raw_api is None:
            self._own_http = B2Http(max_connections=self.max_upload_workers)
            self._own_http.configure(self.config.http_settings())
            raw_api = B2RawApi(self._own_http)
        elif config is not None or retry_policy is not None:
            _configure_transport(raw_api, self.config)
        self.session = B2Session(
            account_info, cache, raw_api, upload_retry_policy=self.config.upload_retry_policy
        )
        self._pool_lock = threading.Lock()
        self._thread_pool: ThreadPoolExecutor | None = None
        self._managers: tuple[UploadManager, DownloadManager, CopyManager] | None = None

    # --- layers --------------------------------------------------------------------------------------------

    @property
    def account_info(self) -> AbstractAccountInfo:
        return self.session.account_info

    @property
    def cache(self) -> AbstractCache:
        return self.session.cache

    @property
    def raw_api(self) -> B2RawApi:
        return self.session.raw_api

    # --- thread pool and transfer managers -----------------------------------------------------------------

    def set_thread_pool_size(self, max_workers: int) -> None:
        """Set the number of transfer threads; must be called before any transfer starts."""
        if max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, got {max_workers}")
        with self._pool_lock:
            if self._thread_pool is not None and max_workers != self.max_upload_workers:
                raise RuntimeError("the thread pool is already in use; set its size before any transfer")
            self.max_upload_workers = max_workers
            self.config = dataclasses.replace(self.config, workers=max_workers)
            if self._own_http is not None:
                self._own_http.resize(max_workers)

    def reserve_connections(self, count: int) -> None:
        """Keep at least ``count`` connections per host for callers sending that many requests at once.

        Beyond the pool's size every request would open a new connection and drop it afterwards, paying a
        TCP handshake (one round trip) each time.
        """
        with self._pool_lock:
            if self._own_http is not None and count > self._own_http.max_connections:
                self._own_http.resize(count)

    def get_thread_pool(self) -> ThreadPoolExecutor:
        """The executor that uploads, downloads and copies run on (created on first use)."""
        with self._pool_lock:
            if self._thread_pool is None:
                self._thread_pool = ThreadPoolExecutor(
                    max_workers=self.max_upload_workers, thread_name_prefix="b2kit-transfer"
                )
            return self._thread_pool

    def _transfer_managers(self) -> tuple[UploadManager, DownloadManager, CopyManager]:
        pool = self.get_thread_pool()
        with self._pool_lock:
            if self._managers is None:
                workers = self.max_upload_workers
                self._managers = (
                    UploadManager(self.session, pool, workers),
                    DownloadManager(
                        self.session, pool, workers, self.config.download_tuning, self.config.retry_policy
                    ),
                    CopyManager(self.session, pool, workers),
                )
            return self._managers

    @property
    def upload_manager(self) -> UploadManager:
        return self._transfer_managers()[0]

    @property
    def download_manager(self) -> DownloadManager:
        return self._transfer_managers()[1]

    @property
    def copy_manager(self) -> CopyManager:
        return self._transfer_managers()[2]

    def close(self) -> None:
        """Stop the thread pool (waiting for running transfers) and close pooled connections."""
        with self._pool_lock:
            pool, self._thread_pool, self._managers = self._thread_pool, None, None
        if pool is not None:
            pool.shutdown(wait=True)
        if self._own_http is not None:
            self._own_http.close()

    def __enter__(self) -> B2Api:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- authorization -------------------------------------------------------------------------------------

    def authorize_account(self, realm: str, application_key_id: str, application_key: str) -> None:
        """Authorize with a key; ``realm`` is ``"production"`` (or staging/dev) or a base URL."""
        self.session.authorize_account(realm, application_key_id, application_key)
        self._cache_allowed_buckets()

    def authorize_automatically(self) -> bool:
        """Authorize again with the realm and key stored in the account info; False when none is stored."""
        authorized = self.session.authorize_automatically()
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
            self.cache.save_bucket(Bucket(self, item["id"], name=item["name"]))

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

    def create_bucket(
        self,
        name: str,
        bucket_type: str,
        bucket_info: Mapping[str, str] | None = None,
        cors_rules: Sequence[Mapping[str, Any]] | None = None,
        lifecycle_rules: Sequence[Mapping[str, Any]] | None = None,
        *,
        default_server_side_encryption: EncryptionSetting | None = None,
        is_file_lock_enabled: bool | None = None,
    ) -> Bucket:
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
        response = self.session.call(call)
        bucket = Bucket.from_api_bucket_dict(self, response)
        self.cache.save_bucket(bucket)
        return bucket

    def delete_bucket(self, bucket: Bucket) -> dict[str, Any]:
        """Delete a bucket (it must be empty); returns the server's answer (the deleted bucket)."""
        response = self.session.call(DeleteBucket(self.get_account_id(), bucket.id_))
        if bucket.name is not None:
            self.cache.remove_bucket_name(bucket.name)
        return response

    def list_buckets(self, bucket_name: str | None = None, bucket_id: str | None = None) -> list[Bucket]:
        """All buckets of the account, or just the one named (a bucket-restricted key must name it).

        ``bucket_id`` may come second positionally, as in b2sdk 2.x.
        """
        if bucket_name is not None and bucket_id is not None:
            raise ValueError("give bucket_name or bucket_id, not both")
        if bucket_id is not None:
            self.check_bucket_id_restrictions(bucket_id)
        elif bucket_name is not None:
            self.check_bucket_restrictions(bucket_name)
        response = self.session.call(ListBuckets(self.get_account_id(), bucket_id, bucket_name))
        buckets = [Bucket.from_api_bucket_dict(self, item) for item in response["buckets"]]
        if bucket_name is None and bucket_id is None:
            self.cache.set_bucket_name_cache(buckets)
        else:
            for bucket in buckets:
                self.cache.save_bucket(bucket)
        return buckets

    def get_bucket_by_name(self, bucket_name: str) -> Bucket:
        """The bucket called ``bucket_name``; NonExistentBucket when there is none.

        A key that may not list buckets still gets the buckets it is restricted to (known from authorize),
        without their settings.
        """
        self.check_bucket_restrictions(bucket_name)
        try:
            found = self.list_buckets(bucket_name=bucket_name)
        except Unauthorized:
            cached_id = self.cache.get_bucket_id_or_none_from_bucket_name(bucket_name)
            if cached_id is None:
                raise
            return Bucket(self, cached_id, name=bucket_name)
        for bucket in found:
            if bucket.name == bucket_name:
                return bucket
        self.cache.remove_bucket_name(bucket_name)
        raise NonExistentBucket(f"Bucket does not exist: {bucket_name}")

    def get_bucket_by_id(self, bucket_id: str) -> Bucket:
        """The bucket with id ``bucket_id``; BucketIdNotFound (a NonExistentBucket) when there is none."""
        self.check_bucket_id_restrictions(bucket_id)
        try:
            found = self.list_buckets(bucket_id=bucket_id)
        except Unauthorized:
            cached_name = self.cache.get_bucket_name_or_none_from_bucket_id(bucket_id)
            if cached_name is None:
                raise
            return Bucket(self, bucket_id, name=cached_name)
        for bucket in found:
            if bucket.id_ == bucket_id:
                return bucket
        raise BucketIdNotFound(f"No bucket with id {bucket_id}")

    def bucket_from_cache_or_name(self, bucket_name: str) -> Bucket:
        """A Bucket by name without a request when its id is cached (no bucket details loaded)."""
        self.check_bucket_restrictions(bucket_name)
        bucket_id = self.cache.get_bucket_id_or_none_from_bucket_name(bucket_name)
        if bucket_id is not None:
            return Bucket(self, bucket_id, name=bucket_name)
        return self.get_bucket_by_name(bucket_name)

    # --- keys ----------------------------------------------------------------------------------------------

    def create_key(
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
        response = self.session.call(call)
        return FullApplicationKey.from_create_response(response)

    def delete_key(self, application_key_id: str | ApplicationKey) -> ApplicationKey:
        """Delete an application key (by id, or b2sdk 2.x's way: the key object); returns what it was."""
        key_id = application_key_id if isinstance(application_key_id, str) else application_key_id.id_
        return ApplicationKey.from_api_response(self.session.call(DeleteKey(key_id)))

    def list_keys(self, start_application_key_id: str | None = None) -> Iterator[ApplicationKey]:
        """Every application key from ``start_application_key_id`` on (pages fetched lazily)."""
        first = ListKeys(self.get_account_id(), DEFAULT_LIST_KEY_COUNT, start_application_key_id)
        return (ApplicationKey.from_api_response(entry) for entry in self.session.paged(first).items())

    # --- files ---------------------------------------------------------------------------------------------

    def delete_file_version(
        self, file_id: str, file_name: str, bypass_governance: bool = False
    ) -> FileIdAndName:
        """Permanently delete one version of a file (``bypass_governance`` past a governance retention)."""
        response = self.session.call(DeleteFileVersion(file_id, file_name, bypass_governance))
        return FileIdAndName.from_cancel_or_delete_response(response)

    def cancel_large_file(self, file_id: str) -> FileIdAndName:
        """Cancel an unfinished large file, discarding its parts."""
        return FileIdAndName.from_cancel_or_delete_response(self.session.cancel_large_file(file_id))

    def list_parts(
        self, file_id: str, start_part_number: int | None = None, batch_size: int | None = None
    ) -> Iterator[Part]:
        """Yield the uploaded parts of an unfinished large file, fetching ``batch_size`` per request."""
        first = ListParts(file_id, start_part_number, batch_size or DEFAULT_LIST_PARTS_COUNT)
        return (Part.from_list_parts_dict(entry) for entry in self.session.paged(first).items())

    def get_file_info(self, file_id: str) -> dict[str, Any]:
        """The raw ``b2_get_file_info`` answer for a file version."""
        return self.session.call(GetFileInfo(file_id))

    def get_download_url_for_fileid(self, file_id: str) -> str:
        """The URL that downloads the file version ``file_id``."""
        return self.session.get_download_url_by_id(file_id)

    def get_download_url_for_file_name(self, bucket_name: str, file_name: str) -> str:
        """The URL that downloads the current version of ``file_name`` in ``bucket_name``."""
        self.check_bucket_restrictions(bucket_name)
        return self.session.get_download_url_by_name(bucket_name, file_name)

    @overload
    def download_file_by_id(
        self,
        file_id: str,
        download_dest: AbstractProgressListener,
        progress_listener: None = None,
        range_: tuple[int, int] | None = None,
        *,
        encryption: EncryptionSetting | None = None,
    ) -> DownloadedFile: ...

    @overload
    def download_file_by_id(
        self,
        file_id: str,
        download_dest: None = None,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        *,
        encryption: EncryptionSetting | None = None,
    ) -> DownloadedFile: ...

    @overload
    def download_file_by_id(
        self,
        file_id: str,
        download_dest: AbstractDownloadDestination,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        *,
        encryption: EncryptionSetting | None = None,
    ) -> dict[str, Any]: ...

    def download_file_by_id(
        self,
        file_id: str,
        download_dest: AbstractDownloadDestination | AbstractProgressListener | None = None,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        *,
        encryption: EncryptionSetting | None = None,
    ) -> DownloadedFile | dict[str, Any]:
        """Download a file version (``range_`` = inclusive byte range).

        With a ``download_dest`` the bytes are written there (checked for length and SHA-1; a failed
        download leaves no partial destination) and the file's metadata dict (fileId, fileName,
        contentType, contentLength, contentSha1, fileInfo) is returned; without one (None), the unread
        DownloadedFile is returned: a context manager supporting ``iter_content()``, ``save_to(path)``.
        A progress listener as the second argument (b2sdk 2.x's order) is taken as ``progress_listener``.
        """
        if isinstance(download_dest, AbstractProgressListener):
            download_dest, progress_listener = None, download_dest
        downloaded = self.download_manager.download_file_by_id(file_id, progress_listener, range_, encryption)
        if download_dest is None:
            return downloaded
        return download_to_destination(downloaded, download_dest)
