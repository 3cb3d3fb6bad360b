"""AsyncB2Http: B2 requests over one aiohttp session, with the sync client's errors, checks and retries.

aiohttp was chosen by measurement (``benchmarks/bench_async_http.py``; figures in the README). One
``aiohttp.ClientSession`` per :class:`~b2kit.aio.AsyncB2Api`, its connector limited to ``max_connections``
connections in all: a task that wants one more waits for a free connection, which bounds sockets and memory
however many tasks run. Bodies stream both ways in 1 MiB blocks. What the sync
:class:`~b2kit._transport._http.B2Http` does, this does the same way and with the same functions: non-2xx
answers become the typed exceptions of :func:`~b2kit._wire.error_from_answer`, ``Date`` is checked
for clock skew, JSON calls and downloads are retried by :meth:`RetryPolicy.run_async` (the same policy object,
backoff and ``Retry-After``), uploads are sent once (the session retries them on a new upload URL).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, Final, TypeVar

import aiohttp

from b2kit._exceptions import B2ConnectionError, B2Error, B2RequestTimeout, BrokenPipe
from b2kit._models import JSON
from b2kit._transport._http import BLOCK_SIZE, HttpSettings, _short, _user_agent
from b2kit._wire import HttpRequest, check_clock_skew, decode_json, error_from_answer

AsyncBody = bytes | AsyncIterable[bytes]
T = TypeVar("T")
_OK: Final = (200, 206)


def translate_transport_error(exc: BaseException) -> B2Error:
    """The B2 exception for an aiohttp / socket failure (the sync side's categories)."""
    if isinstance(exc, aiohttp.ClientConnectorError):
        return B2ConnectionError(f"Could not connect: {exc}")
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return B2RequestTimeout(f"Timed out waiting for the server: {exc}")
    if isinstance(exc, aiohttp.ClientOSError) and isinstance(exc.__cause__ or exc, BrokenPipeError):
        return BrokenPipe()
    return B2ConnectionError(f"Connection failed: {exc}")


_TRANSPORT_ERRORS: Final = (aiohttp.ClientError, OSError, asyncio.TimeoutError)


class AsyncResponse:
    """A streaming response: ``status``, case-insensitive ``headers``, the body read on demand.

    Use it as ``async with``; :meth:`close` gives the connection back (or drops it when the body was not read
    to the end), also when the task reading it is cancelled.
    """

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response
        self.status: int = response.status
        self.headers: Mapping[str, str] = response.headers

    async def iter_content(self, chunk_size: int = BLOCK_SIZE) -> AsyncIterator[bytes]:
        """Yield the body in chunks of at most ``chunk_size`` bytes."""
        while chunk := await self.read(chunk_size):
            yield chunk

    async def read(self, amt: int | None = None) -> bytes:
        """Up to ``amt`` bytes (all when None); b"" at the end."""
        try:
            if amt is None:
                return await self._response.content.read()
            return await self._response.content.read(amt)
        except _TRANSPORT_ERRORS as exc:
            raise translate_transport_error(exc) from exc

    def close(self) -> None:
        """Release the connection: kept for reuse when the body was read to the end, closed otherwise."""
        if self._response.content.at_eof():
            self._response.release()
        else:
            self._response.close()

    async def __aenter__(self) -> AsyncResponse:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncB2Http:
    """Sends B2 requests over a pooled aiohttp session (created on first use, inside the running loop)."""

    def __init__(self, *, max_connections: int = 10, settings: HttpSettings | None = None) -> None:
        self.max_connections = max(1, max_connections)
        self._session: aiohttp.ClientSession | None = None
        self._retired: list[aiohttp.ClientSession] = []
        self.configure(settings or HttpSettings())

    def configure(self, settings: HttpSettings) -> None:
        """Take ``settings`` (retry policy, timeouts, user agent, clock check: the sync transport's
        :class:`~b2kit._transport._http.HttpSettings`) for every request from now on."""
        self.retry_policy = settings.retry_policy
        self._check_clock = settings.check_clock_skew
        timeouts = settings.timeouts
        self._transfer_timeout = aiohttp.ClientTimeout(
            sock_connect=timeouts.connect, sock_read=timeouts.transfer_read
        )
        self._json_timeout = aiohttp.ClientTimeout(
            sock_connect=timeouts.connect, sock_read=timeouts.json_read
        )
        agent = _user_agent()
        append = settings.user_agent_append
        self.user_agent = f"{agent} {append}" if append else agent

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.max_connections, limit_per_host=self.max_connections)
            self._session = aiohttp.ClientSession(
                connector=connector,
                read_bufsize=BLOCK_SIZE,
                auto_decompress=False,
                headers={"User-Agent": self.user_agent},
                skip_auto_headers=("Content-Type",),
            )
        return self._session

    def resize(self, max_connections: int) -> None:
        """Allow ``max_connections`` connections from now on: later requests use a new pool of that size;
        requests still running on the old pool finish there, and it is closed with :meth:`close`."""
        self.max_connections = max(1, max_connections)
        if self._session is not None:
            self._retired.append(self._session)
            self._session = None

    # --- executing request descriptions --------------------------------------------------------------------

    async def request_json(self, request: HttpRequest, body: AsyncBody | None = None) -> JSON:
        """Send ``request`` and return its decoded JSON answer: a JSON call, retried per the policy; or,
        with ``body`` (bytes or an async stream, instead of the request's own), an upload sent once (the
        session retries it on a new upload URL)."""

        async def attempt() -> JSON:
            response = await self._send(request, body if body is not None else request.body)
            try:
                return decode_json(await _body(response))
            finally:
                response.release()

        if body is not None:
            return await attempt()
        return await self._retried(attempt, request)

    async def request_stream(self, request: HttpRequest) -> AsyncResponse:
        """Send ``request``; the response's body is still unread (``async with`` it)."""
        return await self._retried(lambda: self._stream(request), request)

    async def request_headers(self, request: HttpRequest) -> Mapping[str, str]:
        """Send ``request`` (a HEAD) and return the answer's headers."""

        async def attempt() -> Mapping[str, str]:
            response = await self._send(request, None)
            response.release()
            return response.headers

        return await self._retried(attempt, request)

    async def close(self) -> None:
        """Close every pooled connection."""
        sessions = [*self._retired, *([self._session] if self._session is not None else [])]
        self._session, self._retired = None, []
        for session in sessions:
            await session.close()

    # --- internals -----------------------------------------------------------------------------------------

    async def _retried(self, attempt: Callable[[], Awaitable[T]], request: HttpRequest) -> T:
        return await self.retry_policy.run_async(
            attempt, description=_short(request.description or request.url)
        )

    async def _stream(self, request: HttpRequest) -> AsyncResponse:
        return AsyncResponse(await self._send(request, None))

    async def _send(self, request: HttpRequest, body: Any) -> aiohttp.ClientResponse:
        """One attempt; a non-2xx answer is read and raised as its typed B2 error."""
        timeout = self._transfer_timeout if request.moves_file_bytes else self._json_timeout
        try:
            response = await self._client().request(
                request.method,
                request.url,
                data=body,
                headers=dict(request.headers),
                allow_redirects=False,
                timeout=timeout,
            )
        except _TRANSPORT_ERRORS as exc:
            raise translate_transport_error(exc) from exc
        try:
            if self._check_clock:
                check_clock_skew(response.headers)
            if response.status not in _OK:
                raise error_from_answer(response.status, response.headers, await _body(response))
        except BaseException:
            response.close()
            raise
        return response


async def _body(response: aiohttp.ClientResponse) -> bytes:
    try:
        return await response.read()
    except _TRANSPORT_ERRORS as exc:
        raise translate_transport_error(exc) from exc
