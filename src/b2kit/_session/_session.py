"""B2Session: the raw API with tokens filled in, re-authorization on expiry, and upload-URL pools.

:meth:`B2Session.call` sends any JSON endpoint description of the wire layer (``session.call(ListBuckets(
account_id))``) with the current API URL and token; :meth:`~B2Session.paged` pages a listing call;
:meth:`~B2Session.send_file` / :meth:`~B2Session.send_part` upload on pooled URLs; :meth:`~B2Session.download`
GETs a download URL. Results are the descriptions' typed records (``FileVersion``, ``Part``...), never JSON.

- Account token: when a call fails with 401 ``expired_auth_token`` / ``bad_auth_token`` (or a body-less 401
  of a HEAD), the session authorizes again with the stored key and retries the call once.
- Uploads (:meth:`B2Session.send_file`, :meth:`B2Session.send_part`): an upload URL is taken from the
  pool of its bucket / large file (or fetched), used by this one upload, and put back only after success. On
  a retryable failure (connection error, timeout, 408, 5xx, 429, 401 expired/bad token, 400
  ``auth_token_limit``) the URL is dropped and the upload is tried again with a NEW URL, as the
  ``upload_retry_policy`` allows (5 attempts by default), then :class:`MaxRetriesExceeded` is raised.
  Retrying needs to resend the body: it must be bytes or a seekable stream (it is rewound to where it was
  at the call); a non-seekable stream gets a single attempt. Callers (upload managers) therefore do not retry
  uploads themselves.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from b2kit._account_info import AbstractAccountInfo, SqliteAccountInfo
from b2kit._account_info._abstract import validate_allowed
from b2kit._account_info._cache import AbstractCache, AuthInfoCache
from b2kit._account_info._restrictions import KeyRestrictions
from b2kit._exceptions import B2Error, InvalidAuthToken, MaxRetriesExceeded, MissingAccountData, Unauthorized
from b2kit._models import FileIdAndName, FileVersion, Part
from b2kit._raw._raw_api import B2RawApi
from b2kit._session._pager import Pager
from b2kit._transport._http import B2Http, HttpResponse
from b2kit._transport._retry import UPLOAD_RETRY_POLICY, RetryPolicy
from b2kit._wire import (
    AccountAuthorization,
    ApiCall,
    AuthorizeAccount,
    Body,
    CancelLargeFile,
    DownloadFile,
    FileInfoByName,
    FinishLargeFile,
    GetUploadPartUrl,
    GetUploadUrl,
    PagedCall,
    UploadFile,
    UploadPart,
    UploadUrl,
    download_url_by_id,
    download_url_by_name,
    realm_url,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

RENEW_ONCE = RetryPolicy(max_attempts=2, initial_delay=0.0, max_delay=0.0)
"""A call that failed on an expired account token is sent once more, at once, after re-authorizing."""
R = TypeVar("R")


class _Rewind:
    """Remembers where a request body starts so it can be sent again."""

    def __init__(self, data: Body) -> None:
        self._data = data
        self._start: int | None = None
        if data is None or isinstance(data, bytes):
            self.repeatable = True
        elif data.seekable():
            self._start = data.tell()
            self.repeatable = True
        else:
            self.repeatable = False

    def __call__(self) -> None:
        if self._start is not None and self._data is not None and not isinstance(self._data, bytes):
            self._data.seek(self._start)


class B2Session:
    """Supplies URLs and tokens to the raw API and recovers from expired tokens and busy upload URLs."""

    def __init__(
        self,
        account_info: AbstractAccountInfo | None = None,
        cache: AbstractCache | None = None,
        raw_api: B2RawApi | None = None,
        *,
        max_upload_attempts: int | None = None,
        upload_retry_policy: RetryPolicy = UPLOAD_RETRY_POLICY,
    ) -> None:
        if max_upload_attempts is not None:
            upload_retry_policy = dataclasses.replace(upload_retry_policy, max_attempts=max_upload_attempts)
        self.raw_api = raw_api if raw_api is not None else B2RawApi(B2Http())
        self.account_info = account_info if account_info is not None else SqliteAccountInfo()
        self.cache = cache if cache is not None else AuthInfoCache(self.account_info)
        self.upload_retry_policy = upload_retry_policy
        """Attempts, pauses and time budget of uploads (each attempt on a new upload URL)."""
        self._auth_lock = threading.Lock()

    # --- authorization -------------------------------------------------------------------------------------

    def authorize_account(self, realm: str, application_key_id: str, application_key: str) -> None:
        """Call b2_authorize_account and store the result; ``realm`` is a realm name or a base URL."""
        call = AuthorizeAccount(application_key_id, application_key)
        self.store_authorization(
            self.raw_api.call(realm_url(realm), call.basic_authorization(), call), realm, call
        )

    def store_authorization(self, answer: AccountAuthorization, realm: str, call: AuthorizeAccount) -> None:
        """Keep an authorization in the account info (a new account's cached bucket names are dropped)."""
        if not self.account_info.is_same_account(answer.account_id, realm):
            self.cache.clear()
        self.account_info.set_auth_data(
            account_id=answer.account_id,
            auth_token=answer.authorization_token,
            api_url=answer.api_url,
            download_url=answer.download_url,
            recommended_part_size=answer.recommended_part_size,
            absolute_minimum_part_size=answer.absolute_minimum_part_size,
            application_key=call.application_key,
            realm=realm,
            s3_api_url=answer.s3_api_url,
            allowed=validate_allowed(dict(answer.allowed)) if answer.allowed is not None else None,
            application_key_id=call.application_key_id,
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
        """``call``, once more after re-authorizing when the account token was not valid any more.

        A HEAD error has no body, so no code: a body-less 401 may be an expired token too.
        """
        token = self._current_token()
        renewed: list[bool] = []

        def renewable(error: B2Error) -> bool:
            if renewed or not isinstance(error, Unauthorized):
                return False
            if not isinstance(error, InvalidAuthToken) and error.code is not None:
                return False
            renewed.append(self._renew_token(token))
            return renewed[0]

        try:
            return RENEW_ONCE.run(call, description="call with a renewed account token", retryable=renewable)
        except InvalidAuthToken:
            raise
        except Unauthorized as exc:
            raise self._explain_unauthorized(exc) from exc

    def _explain_unauthorized(self, exc: Unauthorized) -> Unauthorized:
        """The same error, with the key's restrictions in the message (they usually explain it)."""
        try:
            restrictions = KeyRestrictions.from_allowed(self.account_info.get_allowed())
        except MissingAccountData:
            return exc
        message = f"{exc.message} for application key {restrictions.describe()}"
        return type(exc)(message, status=exc.status, code=exc.code)

    # --- the generic path ----------------------------------------------------------------------------------

    def call(self, call: ApiCall[R]) -> R:
        """Send a JSON endpoint description with the current API URL and account token (re-authorizing once
        when the token expired); returns the description's parsed result."""

        def attempt() -> R:
            info = self.account_info
            return self.raw_api.call(info.get_api_url(), info.get_account_auth_token(), call)

        return self._with_auth_retry(attempt)

    def paged(self, call: PagedCall[T], limit: int | None = None) -> Pager[T]:
        """The pages of a listing call, each fetched through :meth:`call` (``limit``: items in all)."""
        return Pager(self.call, call, limit)

    def send_file(self, bucket_id: str, upload: UploadFile, body: Body) -> FileVersion:
        """Upload a small file on a pooled upload URL of the bucket, retrying on new URLs (see above)."""
        return self._upload(
            lambda url, token: self.raw_api.upload(url, token, upload, body),
            _Rewind(body),
            take=lambda: self.account_info.take_bucket_upload_url(bucket_id),
            fetch=lambda: self.call(GetUploadUrl(bucket_id)),
            put=lambda url, token: self.account_info.put_bucket_upload_url(bucket_id, url, token),
            what=f"upload of {upload.file_name!r}",
        )

    def send_part(self, file_id: str, upload: UploadPart, body: Body) -> Part:
        """Upload one part of a large file on a pooled part upload URL, retrying with new URLs."""
        return self._upload(
            lambda url, token: self.raw_api.upload(url, token, upload, body),
            _Rewind(body),
            take=lambda: self.account_info.take_large_file_upload_url(file_id),
            fetch=lambda: self.call(GetUploadPartUrl(file_id)),
            put=lambda url, token: self.account_info.put_large_file_upload_url(file_id, url, token),
            what=f"upload of part {upload.part_number}",
        )

    def finish_large_file(self, file_id: str, part_sha1_array: Sequence[str]) -> FileVersion:
        """b2_finish_large_file, then forget the file's part upload URLs."""
        response = self.call(FinishLargeFile(file_id, part_sha1_array))
        self.account_info.clear_large_file_upload_urls(file_id)
        return response

    def cancel_large_file(self, file_id: str) -> FileIdAndName:
        """b2_cancel_large_file, then forget the file's part upload URLs."""
        response = self.call(CancelLargeFile(file_id))
        self.account_info.clear_large_file_upload_urls(file_id)
        return response

    def _upload(
        self,
        send: Callable[[str, str], T],
        rewind: _Rewind,
        *,
        take: Callable[[], tuple[str, str] | None],
        fetch: Callable[[], UploadUrl],
        put: Callable[[str, str], None],
        what: str,
    ) -> T:
        fetch_errors: list[B2Error] = []  # a URL that cannot be had is not an upload to try again

        def attempt() -> T:
            pooled = take()
            if pooled is None:
                try:
                    fresh = fetch()
                except B2Error as exc:
                    fetch_errors.append(exc)
                    raise
                pooled = (fresh.upload_url, fresh.authorization_token)
            url, token = pooled
            rewind()
            try:
                response = send(url, token)
            except Unauthorized as exc:
                if not exc.should_retry_upload():
                    raise self._explain_unauthorized(exc) from exc
                raise
            put(url, token)
            return response

        def retryable(error: B2Error) -> bool:
            return error not in fetch_errors and error.should_retry_upload() and rewind.repeatable

        policy = self.upload_retry_policy
        return policy.run(
            attempt,
            description=f"{what} (next attempt on a new upload URL)",
            retryable=retryable,
            give_up=lambda errors: MaxRetriesExceeded(len(errors), errors),
        )

    # --- downloads ---------------------------------------------------------------------------------------

    def get_download_url_by_id(self, file_id: str) -> str:
        return download_url_by_id(self.account_info.get_download_url(), file_id)

    def get_download_url_by_name(self, bucket_name: str, file_name: str) -> str:
        return download_url_by_name(self.account_info.get_download_url(), bucket_name, file_name)

    def download(self, download: DownloadFile) -> HttpResponse:
        """GET a download URL with the account token; the response body is unread (use ``with``)."""
        return self._with_auth_retry(
            lambda: self.raw_api.download(self.account_info.get_account_auth_token(), download)
        )

    def get_file_info_by_name(self, bucket_name: str, file_name: str) -> Mapping[str, str]:
        """HEAD of the file by name; returns the response headers."""
        url = self.get_download_url_by_name(bucket_name, file_name)
        head = FileInfoByName(url, bucket_name, file_name)
        return self._with_auth_retry(
            lambda: self.raw_api.head(self.account_info.get_account_auth_token(), head)
        )
