"""B2Session: the raw API with tokens filled in, re-authorization on expiry, and upload-URL pools.

Every method of :class:`B2RawApi` has a session twin without the ``api_url`` /
``account_auth_token`` (or ``upload_url`` / ``upload_auth_token``) arguments; names and other parameters are
b2sdk's.

- Account token: when a call fails with 401 ``expired_auth_token`` / ``bad_auth_token`` (or a body-less 401
  of a HEAD), the session authorizes again with the stored key and retries the call once.
- Uploads (:meth:`B2Session.upload_file`, :meth:`B2Session.upload_part`): an upload URL is taken from the
  pool of its bucket / large file (or fetched), used by this one upload, and put back only after success. On
  a retryable failure (connection error, timeout, 408, 5xx, 429, 401 expired/bad token, 400
  ``auth_token_limit``) the URL is dropped and the upload is tried again with a NEW URL, up to
  ``max_upload_attempts`` (5) times in all, then :class:`MaxRetriesExceeded` is raised. Retrying needs to
  resend the body: the ``data_stream`` must be bytes or a seekable stream (it is rewound to where it was at
  the call); a non-seekable stream gets a single attempt. Callers (upload managers) therefore do not retry
  uploads themselves.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any, TypeVar

from b2kit import _protocol as p
from b2kit._account_info import AbstractAccountInfo, SqliteAccountInfo
from b2kit._account_info._cache import AbstractCache, AuthInfoCache
from b2kit._exceptions import B2Error, InvalidAuthToken, MaxRetriesExceeded, MissingAccountData, Unauthorized
from b2kit._models import JSON, EncryptionSetting, FileRetentionSetting, LegalHold
from b2kit._raw._raw_api import B2RawApi, MetadataDirectiveMode, realm_url
from b2kit._transport._http import B2Http, HttpResponse
from b2kit._transport._retry import RetryPolicy

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_UPLOAD_ATTEMPTS = 5
UPLOAD_RETRY_POLICY = RetryPolicy(max_attempts=MAX_UPLOAD_ATTEMPTS, initial_delay=0.1, max_delay=8.0)
"""Pauses between upload attempts (each with a new URL); Retry-After still wins."""


class _Rewind:
    """Remembers where a request body starts so it can be sent again."""

    def __init__(self, data: IO[bytes] | bytes) -> None:
        self._data = data
        self._start: int | None = None
        if isinstance(data, bytes):
            self.repeatable = True
        elif data.seekable():
            self._start = data.tell()
            self.repeatable = True
        else:
            self.repeatable = False

    def __call__(self) -> None:
        if self._start is not None and not isinstance(self._data, bytes):
            self._data.seek(self._start)


class B2Session:
    """Supplies URLs and tokens to the raw API and recovers from expired tokens and busy upload URLs."""

    def __init__(
        self,
        account_info: AbstractAccountInfo | None = None,
        cache: AbstractCache | None = None,
        raw_api: B2RawApi | None = None,
        *,
        max_upload_attempts: int = MAX_UPLOAD_ATTEMPTS,
        upload_retry_policy: RetryPolicy = UPLOAD_RETRY_POLICY,
    ) -> None:
        if max_upload_attempts < 1:
            raise ValueError(f"max_upload_attempts must be at least 1, got {max_upload_attempts}")
        self.raw_api = raw_api if raw_api is not None else B2RawApi(B2Http())
        self.account_info = account_info if account_info is not None else SqliteAccountInfo()
        self.cache = cache if cache is not None else AuthInfoCache(self.account_info)
        self.max_upload_attempts = max_upload_attempts
        self.upload_retry_policy = upload_retry_policy
        self._auth_lock = threading.Lock()

    # --- authorization -------------------------------------------------------------------------------------

    def authorize_account(self, realm: str, application_key_id: str, application_key: str) -> None:
        """Call b2_authorize_account and store the result; ``realm`` is a realm name or a base URL."""
        response = self.raw_api.authorize_account(realm_url(realm), application_key_id, application_key)
        account_id = response["accountId"]
        storage = response["apiInfo"]["storageApi"]
        if not self.account_info.is_same_account(account_id, realm):
            self.cache.clear()
        self.account_info.set_auth_data(
            account_id=account_id,
            auth_token=response["authorizationToken"],
            api_url=storage["apiUrl"],
            download_url=storage["downloadUrl"],
            recommended_part_size=storage["recommendedPartSize"],
            absolute_minimum_part_size=storage["absoluteMinimumPartSize"],
            application_key=application_key,
            realm=realm,
            s3_api_url=storage.get("s3ApiUrl") or "",
            allowed=storage["allowed"],
            application_key_id=application_key_id,
        )

    def authorize_automatically(self) -> bool:
        """Authorize again with the key stored in the account info; False when none is stored."""
        try:
            realm = self.account_info.get_realm()
            key_id = self.account_info.get_application_key_id()
            key = self.account_info.get_application_key()
        except MissingAccountData:
            return False
        logger.debug("re-authorizing account")
        self.authorize_account(realm, key_id, key)
        return True

    def _current_token(self) -> str | None:
        try:
            return self.account_info.get_account_auth_token()
        except MissingAccountData:
            return None

    def _renew_token(self, failed_token: str | None) -> bool:
        """Authorize again unless another thread already replaced ``failed_token``; True when renewed."""
        with self._auth_lock:
            current = self._current_token()
            if current is not None and current != failed_token:
                return True
            return self.authorize_automatically()

    def _with_auth_retry(self, call: Callable[[], T]) -> T:
        token = self._current_token()
        try:
            return call()
        except InvalidAuthToken:
            if self._renew_token(token):
                return call()
            raise
        except Unauthorized as exc:
            # A HEAD error has no body, so no code: it may be an expired token. Try once more.
            if exc.code is None and self._renew_token(token):
                try:
                    return call()
                except Unauthorized as again:
                    raise self._explain_unauthorized(again) from again
            raise self._explain_unauthorized(exc) from exc

    def _explain_unauthorized(self, exc: Unauthorized) -> Unauthorized:
        """The same error, with the key's restrictions in the message (they usually explain it)."""
        try:
            allowed = self.account_info.get_allowed()
        except MissingAccountData:
            return exc
        notes = []
        if set(allowed["capabilities"]) != set(p.ALL_CAPABILITIES):
            notes.append("with capabilities " + ",".join(allowed["capabilities"]))
        if allowed["buckets"]:
            notes.append(f"restricted to buckets {[b['name'] for b in allowed['buckets']]}")
        if allowed["namePrefix"] is not None:
            notes.append(f"restricted to files starting with {allowed['namePrefix']!r}")
        message = f"{exc.message} for application key {', '.join(notes) or 'with no restrictions'}"
        return type(exc)(message, status=exc.status, code=exc.code)

    def _api(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call a JSON endpoint of the raw API with the current api URL and account token."""

        def call() -> T:
            info = self.account_info
            return method(info.get_api_url(), info.get_account_auth_token(), *args, **kwargs)

        return self._with_auth_retry(call)

    # --- account, keys -------------------------------------------------------------------------------------

    def create_key(
        self,
        account_id: str,
        capabilities: Sequence[str],
        key_name: str,
        valid_duration_seconds: int | None,
        bucket_ids: Sequence[str] | None,
        name_prefix: str | None,
    ) -> JSON:
        return self._api(
            self.raw_api.create_key,
            account_id,
            capabilities,
            key_name,
            valid_duration_seconds,
            bucket_ids,
            name_prefix,
        )

    def delete_key(self, application_key_id: str) -> JSON:
        return self._api(self.raw_api.delete_key, application_key_id)

    def list_keys(
        self, account_id: str, max_key_count: int | None = None, start_application_key_id: str | None = None
    ) -> JSON:
        return self._api(
            self.raw_api.list_keys,
            account_id,
            max_key_count=max_key_count,
            start_application_key_id=start_application_key_id,
        )

    # --- buckets -------------------------------------------------------------------------------------------

    def create_bucket(
        self,
        account_id: str,
        bucket_name: str,
        bucket_type: str,
        bucket_info: Mapping[str, str] | None = None,
        cors_rules: Sequence[Mapping[str, Any]] | None = None,
        lifecycle_rules: Sequence[Mapping[str, Any]] | None = None,
        default_server_side_encryption: EncryptionSetting | None = None,
        is_file_lock_enabled: bool | None = None,
        replication: Mapping[str, Any] | None = None,
    ) -> JSON:
        return self._api(
            self.raw_api.create_bucket,
            account_id,
            bucket_name,
            bucket_type,
            bucket_info=bucket_info,
            cors_rules=cors_rules,
            lifecycle_rules=lifecycle_rules,
            default_server_side_encryption=default_server_side_encryption,
            is_file_lock_enabled=is_file_lock_enabled,
            replication=replication,
        )

    def delete_bucket(self, account_id: str, bucket_id: str) -> JSON:
        return self._api(self.raw_api.delete_bucket, account_id, bucket_id)

    def list_buckets(
        self, account_id: str, bucket_id: str | None = None, bucket_name: str | None = None
    ) -> JSON:
        return self._api(self.raw_api.list_buckets, account_id, bucket_id=bucket_id, bucket_name=bucket_name)

    def update_bucket(
        self,
        account_id: str,
        bucket_id: str,
        bucket_type: str | None = None,
        bucket_info: Mapping[str, str] | None = None,
        cors_rules: Sequence[Mapping[str, Any]] | None = None,
        lifecycle_rules: Sequence[Mapping[str, Any]] | None = None,
        if_revision_is: int | None = None,
        default_server_side_encryption: EncryptionSetting | None = None,
        default_retention: Mapping[str, Any] | None = None,
        replication: Mapping[str, Any] | None = None,
        is_file_lock_enabled: bool | None = None,
    ) -> JSON:
        return self._api(
            self.raw_api.update_bucket,
            account_id,
            bucket_id,
            bucket_type=bucket_type,
            bucket_info=bucket_info,
            cors_rules=cors_rules,
            lifecycle_rules=lifecycle_rules,
            if_revision_is=if_revision_is,
            default_server_side_encryption=default_server_side_encryption,
            default_retention=default_retention,
            replication=replication,
            is_file_lock_enabled=is_file_lock_enabled,
        )

    def get_bucket_notification_rules(self, bucket_id: str) -> list[JSON]:
        return self._api(self.raw_api.get_bucket_notification_rules, bucket_id)

    def set_bucket_notification_rules(self, bucket_id: str, rules: Sequence[Mapping[str, Any]]) -> list[JSON]:
        return self._api(self.raw_api.set_bucket_notification_rules, bucket_id, rules)

    # --- files ---------------------------------------------------------------------------------------------

    def list_file_names(
        self,
        bucket_id: str,
        start_file_name: str | None = None,
        max_file_count: int | None = None,
        prefix: str | None = None,
    ) -> JSON:
        return self._api(
            self.raw_api.list_file_names,
            bucket_id,
            start_file_name=start_file_name,
            max_file_count=max_file_count,
            prefix=prefix,
        )

    def list_file_versions(
        self,
        bucket_id: str,
        start_file_name: str | None = None,
        start_file_id: str | None = None,
        max_file_count: int | None = None,
        prefix: str | None = None,
    ) -> JSON:
        return self._api(
            self.raw_api.list_file_versions,
            bucket_id,
            start_file_name=start_file_name,
            start_file_id=start_file_id,
            max_file_count=max_file_count,
            prefix=prefix,
        )

    def get_file_info_by_id(self, file_id: str) -> JSON:
        return self._api(self.raw_api.get_file_info_by_id, file_id)

    def get_file_info_by_name(self, bucket_name: str, file_name: str) -> Mapping[str, str]:
        """HEAD of the file by name; returns the response headers."""

        def call() -> Mapping[str, str]:
            info = self.account_info
            return self.raw_api.get_file_info_by_name(
                info.get_download_url(), info.get_account_auth_token(), bucket_name, file_name
            )

        return self._with_auth_retry(call)

    def hide_file(self, bucket_id: str, file_name: str) -> JSON:
        return self._api(self.raw_api.hide_file, bucket_id, file_name)

    def delete_file_version(self, file_id: str, file_name: str, bypass_governance: bool = False) -> JSON:
        return self._api(self.raw_api.delete_file_version, file_id, file_name, bypass_governance)

    def update_file_retention(
        self,
        file_id: str,
        file_name: str,
        file_retention: FileRetentionSetting,
        bypass_governance: bool = False,
    ) -> JSON:
        return self._api(
            self.raw_api.update_file_retention, file_id, file_name, file_retention, bypass_governance
        )

    def update_file_legal_hold(self, file_id: str, file_name: str, legal_hold: LegalHold) -> JSON:
        return self._api(self.raw_api.update_file_legal_hold, file_id, file_name, legal_hold)

    def get_download_authorization(
        self, bucket_id: str, file_name_prefix: str, valid_duration_in_seconds: int
    ) -> JSON:
        return self._api(
            self.raw_api.get_download_authorization, bucket_id, file_name_prefix, valid_duration_in_seconds
        )

    # --- large files and copies ----------------------------------------------------------------------------

    def start_large_file(
        self,
        bucket_id: str,
        file_name: str,
        content_type: str,
        file_info: Mapping[str, str],
        server_side_encryption: EncryptionSetting | None = None,
        file_retention: FileRetentionSetting | None = None,
        legal_hold: LegalHold | None = None,
        custom_upload_timestamp: int | None = None,
    ) -> JSON:
        return self._api(
            self.raw_api.start_large_file,
            bucket_id,
            file_name,
            content_type,
            file_info,
            server_side_encryption,
            file_retention=file_retention,
            legal_hold=legal_hold,
            custom_upload_timestamp=custom_upload_timestamp,
        )

    def finish_large_file(self, file_id: str, part_sha1_array: Sequence[str]) -> JSON:
        response = self._api(self.raw_api.finish_large_file, file_id, part_sha1_array)
        self.account_info.clear_large_file_upload_urls(file_id)
        return response

    def cancel_large_file(self, file_id: str) -> JSON:
        response = self._api(self.raw_api.cancel_large_file, file_id)
        self.account_info.clear_large_file_upload_urls(file_id)
        return response

    def list_parts(self, file_id: str, start_part_number: int | None, max_part_count: int | None) -> JSON:
        return self._api(self.raw_api.list_parts, file_id, start_part_number, max_part_count)

    def list_unfinished_large_files(
        self,
        bucket_id: str,
        start_file_id: str | None = None,
        max_file_count: int | None = None,
        prefix: str | None = None,
    ) -> JSON:
        return self._api(
            self.raw_api.list_unfinished_large_files,
            bucket_id,
            start_file_id=start_file_id,
            max_file_count=max_file_count,
            prefix=prefix,
        )

    def copy_file(
        self,
        source_file_id: str,
        new_file_name: str,
        bytes_range: tuple[int, int] | None = None,
        metadata_directive: MetadataDirectiveMode | None = None,
        content_type: str | None = None,
        file_info: Mapping[str, str] | None = None,
        destination_bucket_id: str | None = None,
        destination_server_side_encryption: EncryptionSetting | None = None,
        source_server_side_encryption: EncryptionSetting | None = None,
        file_retention: FileRetentionSetting | None = None,
        legal_hold: LegalHold | None = None,
    ) -> JSON:
        return self._api(
            self.raw_api.copy_file,
            source_file_id,
            new_file_name,
            bytes_range=bytes_range,
            metadata_directive=metadata_directive,
            content_type=content_type,
            file_info=file_info,
            destination_bucket_id=destination_bucket_id,
            destination_server_side_encryption=destination_server_side_encryption,
            source_server_side_encryption=source_server_side_encryption,
            file_retention=file_retention,
            legal_hold=legal_hold,
        )

    def copy_part(
        self,
        source_file_id: str,
        large_file_id: str,
        part_number: int,
        bytes_range: tuple[int, int] | None = None,
        destination_server_side_encryption: EncryptionSetting | None = None,
        source_server_side_encryption: EncryptionSetting | None = None,
    ) -> JSON:
        return self._api(
            self.raw_api.copy_part,
            source_file_id,
            large_file_id,
            part_number,
            bytes_range=bytes_range,
            destination_server_side_encryption=destination_server_side_encryption,
            source_server_side_encryption=source_server_side_encryption,
        )

    # --- uploads -------------------------------------------------------------------------------------------

    def get_upload_url(self, bucket_id: str) -> JSON:
        return self._api(self.raw_api.get_upload_url, bucket_id)

    def get_upload_part_url(self, file_id: str) -> JSON:
        return self._api(self.raw_api.get_upload_part_url, file_id)

    def upload_file(
        self,
        bucket_id: str,
        file_name: str,
        content_length: int,
        content_type: str,
        content_sha1: str,
        file_info: Mapping[str, str],
        data_stream: IO[bytes] | bytes,
        server_side_encryption: EncryptionSetting | None = None,
        file_retention: FileRetentionSetting | None = None,
        legal_hold: LegalHold | None = None,
        custom_upload_timestamp: int | None = None,
    ) -> JSON:
        """Upload a small file, retrying with new upload URLs (see the module docstring)."""

        def send(url: str, token: str) -> JSON:
            return self.raw_api.upload_file(
                url,
                token,
                file_name,
                content_length,
                content_type,
                content_sha1,
                file_info,
                data_stream,
                server_side_encryption,
                file_retention=file_retention,
                legal_hold=legal_hold,
                custom_upload_timestamp=custom_upload_timestamp,
            )

        def fresh_url() -> JSON:
            return self.get_upload_url(bucket_id)

        return self._upload(
            send,
            _Rewind(data_stream),
            take=lambda: self.account_info.take_bucket_upload_url(bucket_id),
            fetch=fresh_url,
            put=lambda url, token: self.account_info.put_bucket_upload_url(bucket_id, url, token),
            what=f"upload of {file_name!r}",
        )

    def upload_part(
        self,
        file_id: str,
        part_number: int,
        content_length: int,
        sha1_sum: str,
        input_stream: IO[bytes] | bytes,
        server_side_encryption: EncryptionSetting | None = None,
    ) -> JSON:
        """Upload one part of a large file, retrying with new part upload URLs."""

        def send(url: str, token: str) -> JSON:
            return self.raw_api.upload_part(
                url, token, part_number, content_length, sha1_sum, input_stream, server_side_encryption
            )

        def fresh_url() -> JSON:
            return self.get_upload_part_url(file_id)

        return self._upload(
            send,
            _Rewind(input_stream),
            take=lambda: self.account_info.take_large_file_upload_url(file_id),
            fetch=fresh_url,
            put=lambda url, token: self.account_info.put_large_file_upload_url(file_id, url, token),
            what=f"upload of part {part_number}",
        )

    def _upload(
        self,
        send: Callable[[str, str], JSON],
        rewind: _Rewind,
        *,
        take: Callable[[], tuple[str, str] | None],
        fetch: Callable[[], JSON],
        put: Callable[[str, str], None],
        what: str,
    ) -> JSON:
        errors: list[B2Error] = []
        for attempt in range(1, self.max_upload_attempts + 1):
            pooled = take()
            if pooled is None:
                fresh = fetch()
                pooled = (fresh["uploadUrl"], fresh["authorizationToken"])
            url, token = pooled
            rewind()
            try:
                response = send(url, token)
            except B2Error as exc:
                if isinstance(exc, Unauthorized) and not exc.should_retry_upload():
                    raise self._explain_unauthorized(exc) from exc
                if not exc.should_retry_upload() or not rewind.repeatable:
                    raise
                errors.append(exc)
                if attempt < self.max_upload_attempts:
                    pause = self.upload_retry_policy.delay(attempt, exc, random.random())
                    logger.debug(
                        "%s failed (%s); new upload URL, attempt %d in %.2f s", what, exc, attempt + 1, pause
                    )
                    time.sleep(pause)
                continue
            put(url, token)
            return response
        raise MaxRetriesExceeded(self.max_upload_attempts, errors) from errors[-1]

    # --- downloads -----------------------------------------------------------------------------------------

    def get_download_url_by_id(self, file_id: str) -> str:
        return self.raw_api.get_download_url_by_id(self.account_info.get_download_url(), file_id)

    def get_download_url_by_name(self, bucket_name: str, file_name: str) -> str:
        return self.raw_api.get_download_url_by_name(
            self.account_info.get_download_url(), bucket_name, file_name
        )

    def download_file_from_url(
        self,
        url: str,
        range_: tuple[int, int] | None = None,
        encryption: EncryptionSetting | None = None,
    ) -> HttpResponse:
        """GET a download URL with the account token; the response body is unread (use ``with``)."""

        def call() -> HttpResponse:
            token = self.account_info.get_account_auth_token()
            return self.raw_api.download_file_from_url(token, url, range_=range_, encryption=encryption)

        return self._with_auth_retry(call)
