"""AsyncB2Session: the wire layer's request descriptions executed with tokens filled in, one token renewal for
many tasks, upload-URL pools, and pages.

The asyncio twin of :class:`~b2kit._session._session.B2Session`, over the same descriptions
(:mod:`b2kit._wire`: ``call.to_http(...)`` builds the request, ``call.parse`` / ``call.translate`` read the
answer) and with the same rules:

- Account token: a call failing with 401 ``expired_auth_token`` / ``bad_auth_token`` (or a body-less 401 of a
  HEAD) authorizes again with the stored key and is tried once more. Renewal holds an ``asyncio.Lock`` and is
  skipped when another task already replaced the failed token, so a hundred tasks hitting an expired token
  cause one ``b2_authorize_account``.
- Uploads take an upload URL from the account info's pool (the same pools the sync client uses: one upload per
  URL at a time), put it back only after success, and on a retryable failure drop it and try again with a new
  URL, as ``upload_retry_policy`` allows (attempts, pauses, time budget: :meth:`RetryPolicy.run_async`, the
  sync session's decisions). A body is bytes or a
  factory of async streams (each attempt sends a fresh one). A cancelled upload's URL is never put back.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar, cast

from b2kit._account_info import AbstractAccountInfo
from b2kit._account_info._cache import AbstractCache
from b2kit._exceptions import B2Error, MissingAccountData, Unauthorized
from b2kit._models import FileIdAndName, FileVersion, Part
from b2kit._raw._raw_api import B2RawApi
from b2kit._session._plans import Attempt, Call, Renew, SendTo, UploadTarget, renewing_steps, upload_steps
from b2kit._session._session import B2Session
from b2kit._transport._http import B2Http
from b2kit._transport._retry import UPLOAD_RETRY_POLICY, RetryPolicy
from b2kit._wire import (
    ApiCall,
    AuthorizeAccount,
    CancelLargeFile,
    DownloadFile,
    FileInfoByName,
    FinishLargeFile,
    Page,
    PagedCall,
    Upload,
    UploadFile,
    UploadPart,
    read_answer,
    realm_url,
)
from b2kit.aio._plans import drive
from b2kit.aio._transport import AsyncB2Http, AsyncResponse

logger = logging.getLogger(__name__)

R = TypeVar("R")
T = TypeVar("T")

UploadBody = bytes | Callable[[], AsyncIterable[bytes]]
"""Bytes, or a factory giving a fresh async stream of the body for each attempt."""


async def translated(description: Any, attempt: Awaitable[T]) -> T:
    """Await ``attempt``; an error is re-raised as the description says this endpoint means it (the sync
    raw API's ``translated``)."""
    try:
        return await attempt
    except B2Error as error:
        meant: B2Error = description.translate(error)
        if meant is error:
            raise
        raise meant from error


class AsyncPager(Generic[T]):
    """The pages of a listing call, fetched through the session (the sync ``Pager``'s loop, awaited)."""

    def __init__(self, session: AsyncB2Session, first: PagedCall[T], limit: int | None = None) -> None:
        self._session = session
        self._next: PagedCall[T] | None = first
        self._remaining = limit

    async def pages(self) -> AsyncIterator[Page[T]]:
        while self._next is not None and (self._remaining is None or self._remaining > 0):
            call = self._next
            size = call.page_size()
            if self._remaining is not None:
                call = call.with_page_size(min(self._remaining, size or self._remaining))
            page = await self._session.call(call)
            self._next = call.next_page(page)
            if self._remaining is not None:
                self._remaining -= len(page.items)
            yield page

    async def items(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    def restart_at(self, call: PagedCall[T] | None) -> None:
        """Fetch ``call`` as the next page (None: stop after this one)."""
        self._next = call


class AsyncB2Session:
    """Supplies URLs and tokens to request descriptions; recovers from expired tokens and busy upload URLs."""

    def __init__(
        self,
        account_info: AbstractAccountInfo,
        cache: AbstractCache,
        http: AsyncB2Http,
        *,
        max_upload_attempts: int | None = None,
        upload_retry_policy: RetryPolicy = UPLOAD_RETRY_POLICY,
    ) -> None:
        if max_upload_attempts is not None:
            upload_retry_policy = dataclasses.replace(upload_retry_policy, max_attempts=max_upload_attempts)
        self.account_info = account_info
        self.cache = cache
        self.http = http
        self.upload_retry_policy = upload_retry_policy
        """Attempts, pauses and time budget of uploads (each attempt on a new upload URL)."""
        self._auth_lock = asyncio.Lock()
        self.authorizations = 0
        """How many times b2_authorize_account was called (tests check one renewal for many tasks)."""

    def _sync_twin(self) -> B2Session:
        """A sync session over the same account info, for its logic that does no I/O of its own (its raw
        API has no transport: nothing here sends through it)."""
        return B2Session(self.account_info, self.cache, B2RawApi(cast(B2Http, None)))

    # --- authorization -------------------------------------------------------------------------------------

    async def authorize_account(self, realm: str, application_key_id: str, application_key: str) -> None:
        """b2_authorize_account; the answer is stored by the sync session's own code."""
        call = AuthorizeAccount(application_key_id, application_key)
        request = call.to_http(realm_url(realm), call.basic_authorization())
        answer = await translated(call, self.http.request_json(request))
        self.authorizations += 1
        self._sync_twin().store_authorization(read_answer(call, answer), realm, call)

    async def authorize_automatically(self) -> bool:
        """Authorize again with the key stored in the account info; False when none is stored."""
        try:
            realm = self.account_info.get_realm()
            key_id = self.account_info.get_application_key_id()
            key = self.account_info.get_application_key()
        except MissingAccountData:
            return False
        logger.debug("re-authorizing account")
        await self.authorize_account(realm, key_id, key)
        return True

    def _current_token(self) -> str | None:
        try:
            return self.account_info.get_account_auth_token()
        except MissingAccountData:
            return None

    async def _renew_token(self, failed_token: str | None) -> bool:
        """Authorize again unless another task already replaced ``failed_token``; True when renewed."""
        async with self._auth_lock:
            current = self._current_token()
            if current is not None and current != failed_token:
                return True
            return await self.authorize_automatically()

    async def _with_auth_retry(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """``attempt``, once more after re-authorizing when the account token was not valid any more (the
        sync session's plan, :func:`~b2kit._session._plans.renewing_steps`)."""
        plan = renewing_steps(self._current_token(), self.explain_unauthorized)
        return cast(T, await drive(plan, self._effects(attempt)))

    def _effects(self, operation: Callable[..., Awaitable[Any]]) -> Callable[[Any], Awaitable[Any]]:
        """How this session performs a session plan's effects (the sync session's, awaited)."""

        async def perform(effect: Any) -> Any:
            kind = type(effect)
            if kind is Attempt:
                return await operation()
            if kind is SendTo:
                return await operation(effect.url, effect.token)
            if kind is Call:
                return await self.call(effect.call)
            if kind is Renew:
                return await self._renew_token(effect.failed_token)
            raise TypeError(f"a session cannot perform {kind.__name__}")

        return perform

    def explain_unauthorized(self, exc: Unauthorized) -> Unauthorized:
        """The same error with the key's restrictions in the message (the sync session's wording)."""
        return self._sync_twin()._explain_unauthorized(exc)

    # --- calls ---------------------------------------------------------------------------------------------

    async def call(self, call: ApiCall[R]) -> R:
        """Send a JSON endpoint description with the current API URL and account token; its parsed result."""

        async def attempt() -> R:
            info = self.account_info
            request = call.to_http(info.get_api_url(), info.get_account_auth_token())
            return read_answer(call, await translated(call, self.http.request_json(request)))

        return await self._with_auth_retry(attempt)

    def paged(self, call: PagedCall[T], limit: int | None = None) -> AsyncPager[T]:
        """The pages of a listing call (``limit``: items in all)."""
        return AsyncPager(self, call, limit)

    async def get_file_info_by_name(self, bucket_name: str, file_name: str) -> Mapping[str, str]:
        """HEAD of the file by name: the response headers."""
        head = FileInfoByName(self.get_download_url_by_name(bucket_name, file_name), bucket_name, file_name)

        async def attempt() -> Mapping[str, str]:
            request = head.to_http(self.account_info.get_account_auth_token())
            return await translated(head, self.http.request_headers(request))

        return await self._with_auth_retry(attempt)

    def get_download_url_by_id(self, file_id: str) -> str:
        return self._sync_twin().get_download_url_by_id(file_id)

    def get_download_url_by_name(self, bucket_name: str, file_name: str) -> str:
        return self._sync_twin().get_download_url_by_name(bucket_name, file_name)

    async def download(self, download: DownloadFile) -> AsyncResponse:
        """GET a download URL with the account token; the body is unread (``async with`` the response)."""

        async def attempt() -> AsyncResponse:
            request = download.to_http(self.account_info.get_account_auth_token())
            return await translated(download, self.http.request_stream(request))

        return await self._with_auth_retry(attempt)

    async def finish_large_file(self, file_id: str, part_sha1_array: Sequence[str]) -> FileVersion:
        """b2_finish_large_file, then forget the file's part upload URLs (the sync session's rule)."""
        response = await self.call(FinishLargeFile(file_id, part_sha1_array))
        self.account_info.clear_large_file_upload_urls(file_id)
        return response

    async def cancel_large_file(self, file_id: str) -> FileIdAndName:
        """b2_cancel_large_file, then forget the file's part upload URLs (the sync session's rule)."""
        response = await self.call(CancelLargeFile(file_id))
        self.account_info.clear_large_file_upload_urls(file_id)
        return response

    # --- uploads -------------------------------------------------------------------------------------------

    async def send_file(self, bucket_id: str, upload: UploadFile, body: UploadBody) -> FileVersion:
        """Upload a small file on a pooled upload URL of the bucket, retrying on new URLs."""
        target = UploadTarget(bucket_id=bucket_id)
        return await self._upload(target, upload, body, f"upload of {upload.file_name!r}")

    async def send_part(self, file_id: str, upload: UploadPart, body: UploadBody) -> Part:
        """Upload one part of a large file on a pooled part URL, retrying on new URLs."""
        target = UploadTarget(large_file_id=file_id)
        return await self._upload(target, upload, body, f"upload of part {upload.part_number}")

    async def _upload(self, target: UploadTarget, upload: Upload[R], body: UploadBody, what: str) -> R:
        """One upload on pooled URLs, retried on new ones (the sync session's plan,
        :func:`~b2kit._session._plans.upload_steps`); each attempt sends the body from its start."""

        async def send_once(url: str, token: str) -> R:
            data = body if isinstance(body, bytes) else body()
            return read_answer(upload, await self.http.request_json(upload.to_http(url, token, None), data))

        info, policy = self.account_info, self.upload_retry_policy
        plan = upload_steps(target, info, policy, what, True, self.explain_unauthorized)
        return cast(R, await drive(plan, self._effects(send_once)))
