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
from typing import Any, TypeVar, cast

from b2kit._account_info import AbstractAccountInfo, SqliteAccountInfo
from b2kit._account_info._abstract import validate_allowed
from b2kit._account_info._cache import AbstractCache, AuthInfoCache
from b2kit._account_info._restrictions import KeyRestrictions
from b2kit._exceptions import MissingAccountData, Unauthorized
from b2kit._models import FileIdAndName, FileVersion, Part
from b2kit._raw._raw_api import B2RawApi
from b2kit._session._pager import Pager
from b2kit._session._plans import (
    Attempt,
    Call,
    Renew,
    SendTo,
    UploadTarget,
    drive,
    renewing_steps,
    upload_steps,
)
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
    PagedCall,
    Upload,
    UploadFile,
    UploadPart,
    download_url_by_id,
    download_url_by_name,
    realm_url,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

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
        """``call``, once more after re-authorizing when the account token was not valid any more
        (:func:`~b2kit._session._plans.renewing_steps` decides)."""
        plan = renewing_steps(self._current_token(), self._explain_unauthorized)
        return cast(T, drive(plan, self._effects(call)))

    def _effects(self, operation: Callable[..., Any]) -> Callable[[Any], Any]:
        """How this session performs a session plan's effects; ``operation`` is the attempted operation
        (no arguments) or the upload sent once (URL, token)."""

        def perform(effect: Any) -> Any:
            kind = type(effect)
            if kind is Attempt:
                return operation()
            if kind is SendTo:
                return operation(effect.url, effect.token)
            if kind is Call:
                return self.call(effect.call)
            if kind is Renew:
                return self._renew_token(effect.failed_token)
            raise TypeError(f"a session cannot perform {kind.__name__}")

        return perform

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
        target = UploadTarget(bucket_id=bucket_id)
        return self._upload(target, upload, body, f"upload of {upload.file_name!r}")

    def send_part(self, file_id: str, upload: UploadPart, body: Body) -> Part:
        """Upload one part of a large file on a pooled part upload URL, retrying with new URLs."""
        target = UploadTarget(large_file_id=file_id)
        return self._upload(target, upload, body, f"upload of part {upload.part_number}")

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

    def _upload(self, target: UploadTarget, upload: Upload[R], body: Body, what: str) -> R:
        """One upload on pooled URLs, retried on new ones (:func:`~b2kit._session._plans.upload_steps`)."""
        rewind = _Rewind(body)

        def send_once(url: str, token: str) -> R:
            rewind()
            return self.raw_api.upload(url, token, upload, body)

        info, policy = self.account_info, self.upload_retry_policy
        plan = upload_steps(target, info, policy, what, rewind.repeatable, self._explain_unauthorized)
        return cast(R, drive(plan, self._effects(send_once)))

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
