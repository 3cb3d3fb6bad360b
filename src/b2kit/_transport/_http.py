"""The sync transport: sends the wire layer's :class:`HttpRequest` over one urllib3 pool, with retries.

:class:`B2Http` owns one ``urllib3.PoolManager`` (``maxsize`` = number of workers) whose connections send
and receive in 1 MiB blocks (urllib3's 16 KiB default halves upload speed). It sends a request exactly as
described and reads the answer with the wire layer's pure functions: every answer's ``Date`` is compared
with the local clock (:class:`ClockSkew` beyond 600 s); every non-2xx answer becomes its typed exception;
urllib3 failures become :class:`B2ConnectionError` / :class:`B2RequestTimeout`. Retryable failures are
retried according to a :class:`RetryPolicy`.

Downloads stream: :meth:`B2Http.request_stream` returns an :class:`HttpResponse` (context manager) whose body
has not been read yet; read it with ``iter_content(chunk_size)`` or ``read(amt)``. Errors while reading the
body are raised as B2 exceptions too, so a caller can resume with a Range request.
"""

from __future__ import annotations

import json
import logging
import platform
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import IO, Any, Final, TypeVar

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.response import BaseHTTPResponse

from b2kit._exceptions import B2ConnectionError, B2Error, B2RequestTimeout, BrokenPipe
from b2kit._models import JSON
from b2kit._transport._retry import DEFAULT_RETRY_POLICY, RetryPolicy
from b2kit._transport._sendfile import POOL_CLASSES
from b2kit._version import __version__
from b2kit._wire._message import (
    SUCCESS_STATUSES,
    Expect,
    HttpRequest,
    check_clock_skew,
    decode_json,
    error_from_answer,
)

logger = logging.getLogger(__name__)

BLOCK_SIZE: Final = 1024 * 1024
"""Send/receive block size in bytes."""

CONNECT_TIMEOUT: Final = 46.0
TRANSFER_READ_TIMEOUT: Final = 128.0
JSON_READ_TIMEOUT: Final = 1200.0
"""JSON calls include server-side copies, which can be slow."""

T = TypeVar("T")


def _user_agent() -> str:
    return f"b2kit/{__version__} python/{platform.python_version()}"


class HttpResponse:
    """A streaming HTTP response: ``status``, case-insensitive ``headers``, and the body read on demand."""

    def __init__(self, response: BaseHTTPResponse) -> None:
        self._response = response
        self.status: int = response.status
        self.headers: Mapping[str, str] = response.headers

    def iter_content(self, chunk_size: int = BLOCK_SIZE) -> Iterator[bytes]:
        """Yield the body in chunks of at most ``chunk_size`` bytes (never decompressed)."""
        while True:
            chunk = self.read(chunk_size)
            if not chunk:
                return
            yield chunk

    def read(self, amt: int | None = None) -> bytes:
        """Read up to ``amt`` bytes (all when None); b"" at the end."""
        try:
            return self._response.read(amt, decode_content=False)
        except HTTPError as exc:
            raise _translate_transport_error(exc) from exc

    def close(self) -> None:
        """Return the connection to the pool, or drop it when the body was not read to the end."""
        fully_read = self._response.length_remaining in (0, None) and self._response.closed
        if not fully_read:
            self._response.close()
        self._response.release_conn()

    def __enter__(self) -> HttpResponse:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _translate_transport_error(exc: BaseException) -> B2Error:
    if isinstance(exc, ConnectTimeoutError | NewConnectionError):
        return B2ConnectionError(f"Could not connect: {exc}")
    if isinstance(exc, ReadTimeoutError):
        return B2RequestTimeout(f"Timed out waiting for the server: {exc}")
    if isinstance(exc, ProtocolError):
        cause = exc.args[1] if len(exc.args) > 1 else None
        if isinstance(cause, BrokenPipeError):
            return BrokenPipe()
        if isinstance(cause, TimeoutError):
            return B2RequestTimeout(f"Timed out: {exc}")
    return B2ConnectionError(f"Connection failed: {exc}")


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait: to connect, for a JSON answer (copies can be slow), for file bytes to move."""

    connect: float = CONNECT_TIMEOUT
    json_read: float = JSON_READ_TIMEOUT
    transfer_read: float = TRANSFER_READ_TIMEOUT


@dataclass(frozen=True)
class HttpSettings:
    """What the transport takes from the client configuration."""

    retry_policy: RetryPolicy = DEFAULT_RETRY_POLICY
    timeouts: Timeouts = field(default_factory=Timeouts)
    user_agent_append: str | None = None
    check_clock_skew: bool = True


class B2Http:
    """Sends :class:`HttpRequest` descriptions over a pooled urllib3 connection manager.

    ``request_json`` / ``request_stream`` / ``request_headers`` send a request (retried per the policy unless
    ``retry=False``) and return what its ``expect`` asks for; every non-2xx answer is raised as its typed B2
    error. The older ``post_json_return_json`` etc. are kept for callers of b2sdk's B2Http.
    """

    def __init__(
        self,
        *,
        max_connections: int = 10,
        retry_policy: RetryPolicy = DEFAULT_RETRY_POLICY,
        connect_timeout: float = CONNECT_TIMEOUT,
        transfer_read_timeout: float = TRANSFER_READ_TIMEOUT,
        json_read_timeout: float = JSON_READ_TIMEOUT,
        user_agent_append: str | None = None,
        check_clock_skew: bool = True,
    ) -> None:
        self.configure(
            HttpSettings(
                retry_policy,
                Timeouts(connect_timeout, json_read_timeout, transfer_read_timeout),
                user_agent_append,
                check_clock_skew,
            )
        )
        self.max_connections = max_connections
        self._pool = _pool_manager(max_connections)

    def configure(self, settings: HttpSettings) -> None:
        """Take ``settings`` for every request from now on (a client configuration reaching this layer)."""
        self.retry_policy = settings.retry_policy
        self._check_clock = settings.check_clock_skew
        timeouts = settings.timeouts
        self._transfer_timeout = urllib3.Timeout(connect=timeouts.connect, read=timeouts.transfer_read)
        self._json_timeout = urllib3.Timeout(connect=timeouts.connect, read=timeouts.json_read)
        agent = _user_agent()
        append = settings.user_agent_append
        self.user_agent = f"{agent} {append}" if append else agent

    def resize(self, max_connections: int) -> None:
        """Keep up to ``max_connections`` idle connections per host (call before heavy use)."""
        self.max_connections = max_connections
        old, self._pool = self._pool, _pool_manager(max_connections)
        old.clear()

    # --- executing request descriptions --------------------------------------------------------------------

    def request_json(self, request: HttpRequest, *, retry: bool = True) -> JSON:
        """Send ``request`` and return its decoded JSON answer (uploads pass ``retry=False``)."""
        return self._retried(lambda: _decode_body(self._send(request)), request, retry)

    def request_stream(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and return the response with its body unread (close it, or use ``with``)."""
        return self._retried(lambda: HttpResponse(self._send(request)), request, True)

    def request_headers(self, request: HttpRequest) -> Mapping[str, str]:
        """Send ``request`` (a HEAD) and return the answer's headers."""
        return self._retried(lambda: self._send(request).headers, request, True)

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.clear()

    # --- b2sdk's B2Http methods ----------------------------------------------------------------------------

    def post_json_return_json(
        self, url: str, headers: Mapping[str, str], params: Mapping[str, Any], *, description: str = ""
    ) -> JSON:
        """POST ``params`` as JSON, return the decoded JSON answer (retried per the policy)."""
        body = json.dumps(params, ensure_ascii=False).encode("utf-8")
        all_headers = {**headers, "Content-Type": "application/json", "Accept": "application/json"}
        return self.request_json(HttpRequest("POST", url, all_headers, body, Expect.JSON, description or url))

    def post_content_return_json(
        self, url: str, headers: Mapping[str, str], data: bytes | IO[bytes], *, description: str = ""
    ) -> JSON:
        """POST bytes or a stream once (``Content-Length`` in ``headers``): an upload, never retried here."""
        all_headers = {**headers, "Accept": "application/json"}
        request = HttpRequest("POST", url, all_headers, data, Expect.JSON, description, moves_file_bytes=True)
        return self.request_json(request, retry=False)

    def get_content(
        self, url: str, headers: Mapping[str, str], *, retry_policy: RetryPolicy | None = None
    ) -> HttpResponse:
        """GET ``url`` and return the response with its body still unread (close it, or use ``with``)."""
        request = HttpRequest("GET", url, headers, None, Expect.STREAM, "download", moves_file_bytes=True)
        if retry_policy is None:
            return self.request_stream(request)
        return retry_policy.run(lambda: HttpResponse(self._send(request)), description="download")

    def head_content(self, url: str, headers: Mapping[str, str]) -> Mapping[str, str]:
        """HEAD ``url`` and return the response headers."""
        request = HttpRequest("HEAD", url, headers, None, Expect.HEADERS, "HEAD", moves_file_bytes=True)
        return self.request_headers(request)

    # --- internals -----------------------------------------------------------------------------------------

    def _retried(self, attempt: Callable[[], T], request: HttpRequest, retry: bool) -> T:
        if not retry:
            return attempt()
        return self.retry_policy.run(attempt, description=_short(request.description or request.url))

    def _send(self, request: HttpRequest) -> BaseHTTPResponse:
        """One attempt; the answer of a non-streamed request is read whole."""
        stream = request.expect is Expect.STREAM
        timeout = self._transfer_timeout if request.moves_file_bytes else self._json_timeout
        headers = {**request.headers, "User-Agent": self.user_agent}
        try:
            response = self._pool.request(
                request.method,
                request.url,
                body=request.body,
                headers=headers,
                preload_content=not stream,
                decode_content=False,
                redirect=False,
                retries=False,
                timeout=timeout,
            )
        except HTTPError as exc:
            raise _translate_transport_error(exc) from exc
        try:
            if self._check_clock:
                check_clock_skew(response.headers)
            if response.status not in SUCCESS_STATUSES:
                raw = response.read() if stream else response.data
                raise error_from_answer(response.status, response.headers, raw or b"")
        except B2Error:
            response.release_conn()
            raise
        return response


def _pool_manager(max_connections: int) -> urllib3.PoolManager:
    manager = urllib3.PoolManager(
        num_pools=16, maxsize=max(1, max_connections), block=False, blocksize=BLOCK_SIZE
    )
    manager.pool_classes_by_scheme = POOL_CLASSES  # bodies with send_to() go out by sendfile
    return manager


def _short(url: str) -> str:
    """The endpoint part of a URL, for log lines (no query string, no host)."""
    return url.split("?", 1)[0].rsplit("/", 1)[-1]


def _decode_body(response: BaseHTTPResponse) -> JSON:
    return decode_json(response.data)
