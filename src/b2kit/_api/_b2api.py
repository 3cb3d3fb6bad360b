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

from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, overload

from b2kit._account_info import AbstractAccountInfo
from b2kit._account_info._cache import AbstractCache
from b2kit._api._api_core import DEFAULT_WORKERS, ApiCore, BucketKey, client_config
from b2kit._api._bucket import Bucket
from b2kit._api._bucket_core import dest_and_listener
from b2kit._api._drive import ask, walk
from b2kit._exceptions import Unauthorized
from b2kit._models import ApplicationKey, EncryptionSetting, FileIdAndName, FullApplicationKey, Part
from b2kit._raw._raw_api import B2RawApi
from b2kit._session._session import B2Session
from b2kit._transfer._copy import CopyManager
from b2kit._transfer._download import DownloadedFile, DownloadManager, DownloadTuning
from b2kit._transfer._download_dest import AbstractDownloadDestination, download_to_destination
from b2kit._transfer._progress import AbstractProgressListener
from b2kit._transfer._upload import UploadManager
from b2kit._transport._http import B2Http
from b2kit._transport._retry import RetryPolicy
from b2kit._wire import API_VERSION
from b2kit.config import ClientConfig

if TYPE_CHECKING:
    from b2kit._api._owner import BucketOwner


class _UrlInfo(Protocol):
    def get_api_url(self) -> str: ...

    def get_download_url(self) -> str: ...


def url_for_api(info: _UrlInfo, api_name: str) -> str:
    """The URL of endpoint ``api_name`` (download by id on the download URL, the rest on the API URL)."""
    base = info.get_download_url() if api_name == "b2_download_file_by_id" else info.get_api_url()
    return f"{base}/b2api/{API_VERSION}/{api_name}"


def _configure_transport(raw_api: B2RawApi, config: ClientConfig) -> None:
    """Give the transport of a caller's raw API the explicit settings (never drop them silently)."""
    http = getattr(raw_api, "b2_http", None)
    if not isinstance(http, B2Http):
        raise ValueError("retry_policy / config need a raw_api whose b2_http is a B2Http to reach")
    http.configure(config.http_settings())


class B2Api(ApiCore[Bucket, UploadManager, DownloadManager, CopyManager]):
    """File-level access to B2: authorization, buckets, keys, and the transfer machinery behind buckets."""

    session: B2Session
    _bucket_class = Bucket
    _thread_prefix = "b2kit-transfer"

    def __init__(
        self,
        account_info: AbstractAccountInfo | None = None,
        cache: AbstractCache | None = None,
        raw_api: B2RawApi | None = None,
        max_upload_workers: int = DEFAULT_WORKERS,
        *,
        retry_policy: RetryPolicy | None = None,
        download_tuning: DownloadTuning | None = None,
        config: ClientConfig | None = None,
    ) -> None:
        self._configure(client_config(config, max_upload_workers, retry_policy, download_tuning))
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

    # --- layers --------------------------------------------------------------------------------------------

    @property
    def raw_api(self) -> B2RawApi:
        return self.session.raw_api

    # --- thread pool, connections and transfer managers ----------------------------------------------------

    def _set_connections(self, count: int) -> None:
        if self._own_http is not None:
            self._own_http.resize(count)

    def reserve_connections(self, count: int) -> None:
        """Keep at least ``count`` connections per host for callers sending that many requests at once.

        Beyond the pool's size every request would open a new connection and drop it afterwards, paying a
        TCP handshake (one round trip) each time.
        """
        with self._pool_lock:
            if self._own_http is not None and count > self._own_http.max_connections:
                self._own_http.resize(count)

    def _new_managers(
        self, pool: ThreadPoolExecutor, workers: int
    ) -> tuple[UploadManager, DownloadManager, CopyManager]:
        tuning, retry_policy = self.config.download_tuning, self.config.retry_policy
        return (
            UploadManager(self.session, pool, workers),
            DownloadManager(self.session, pool, workers, tuning, retry_policy),
            CopyManager(self.session, pool, workers),
        )

    def close(self) -> None:
        """Stop the thread pool (waiting for running transfers) and close pooled connections."""
        pool = self._release_pool()
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
        settings = (bucket_info, cors_rules, lifecycle_rules, default_server_side_encryption)
        return ask(self.session, self._create_bucket(name, bucket_type, *settings, is_file_lock_enabled))

    def delete_bucket(self, bucket: Bucket) -> dict[str, Any]:
        """Delete a bucket (it must be empty); returns the server's answer (the deleted bucket)."""
        return ask(self.session, self._delete_bucket(bucket))

    def list_buckets(self, bucket_name: str | None = None, bucket_id: str | None = None) -> list[Bucket]:
        """All buckets of the account, or just the one named (a bucket-restricted key must name it).

        ``bucket_id`` may come second positionally, as in b2sdk 2.x.
        """
        return ask(self.session, self._list_buckets(bucket_name, bucket_id))

    def get_bucket_by_name(self, bucket_name: str) -> Bucket:
        """The bucket called ``bucket_name``; NonExistentBucket when there is none.

        A key that may not list buckets still gets the buckets it is restricted to (known from authorize),
        without their settings.
        """
        return self._get_bucket(BucketKey(name=bucket_name))

    def get_bucket_by_id(self, bucket_id: str) -> Bucket:
        """The bucket with id ``bucket_id``; BucketIdNotFound (a NonExistentBucket) when there is none."""
        return self._get_bucket(BucketKey(id_=bucket_id))

    def _get_bucket(self, key: BucketKey) -> Bucket:
        self._check(key)
        try:
            found = self.list_buckets(key.name, key.id_)
        except Unauthorized as error:
            return self._remembered(key, error)
        return self._found(key, found)

    def bucket_from_cache_or_name(self, bucket_name: str) -> Bucket:
        """A Bucket by name without a request when its id is cached (no bucket details loaded)."""
        return self._cached_bucket(bucket_name) or self.get_bucket_by_name(bucket_name)

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
        key = (capabilities, key_name, valid_duration_seconds, bucket_id, name_prefix, bucket_ids)
        return ask(self.session, self._create_key(*key))

    def delete_key(self, application_key_id: str | ApplicationKey) -> ApplicationKey:
        """Delete an application key (by id, or b2sdk 2.x's way: the key object); returns what it was."""
        return ask(self.session, self._delete_key(application_key_id))

    def list_keys(self, start_application_key_id: str | None = None) -> Iterator[ApplicationKey]:
        """Every application key from ``start_application_key_id`` on (pages fetched lazily)."""
        return walk(self.session, self._keys(start_application_key_id))

    # --- files ---------------------------------------------------------------------------------------------

    def delete_file_version(
        self, file_id: str, file_name: str, bypass_governance: bool = False
    ) -> FileIdAndName:
        """Permanently delete one version of a file (``bypass_governance`` past a governance retention)."""
        return ask(self.session, self._delete_file_version(file_id, file_name, bypass_governance))

    def cancel_large_file(self, file_id: str) -> FileIdAndName:
        """Cancel an unfinished large file, discarding its parts."""
        return self.session.cancel_large_file(file_id)

    def list_parts(
        self, file_id: str, start_part_number: int | None = None, batch_size: int | None = None
    ) -> Iterator[Part]:
        """Yield the uploaded parts of an unfinished large file, fetching ``batch_size`` per request."""
        return walk(self.session, self._parts(file_id, start_part_number, batch_size))

    def get_file_info(self, file_id: str) -> dict[str, Any]:
        """The raw ``b2_get_file_info`` answer for a file version."""
        return ask(self.session, self._file_info(file_id))

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
        dest, listener = dest_and_listener(download_dest, progress_listener)
        downloaded = self.download_manager.download_file_by_id(file_id, listener, range_, encryption)
        return downloaded if dest is None else download_to_destination(downloaded, dest)


if TYPE_CHECKING:

    def _owns_buckets(api: B2Api) -> BucketOwner:
        """Where mypy checks that a B2Api gives its buckets all they use."""
        return api
