"""HTTP for B2: one urllib3 connection pool, B2 error decoding, clock-skew check and retries.

:class:`B2Http` owns one ``urllib3.PoolManager`` (``maxsize`` = number of workers) whose connections send
and receive in 1 MiB blocks (urllib3's 16 KiB default halves upload speed). Every answer's ``Date`` is
compared with the local clock (:class:`ClockSkew` beyond 600 s); every non-2xx answer becomes the typed
exception of :func:`interpret_b2_error`; urllib3 failures become :class:`B2ConnectionError` /
:class:`B2RequestTimeout`. Retryable failures are retried according to a :class:`RetryPolicy`.

Downloads stream: :meth:`B2Http.get_content` returns an :class:`HttpResponse` (context manager) whose body
has not been read yet; read it with ``iter_content(chunk_size)`` or ``read(amt)``. Errors while reading the
body are raised as B2 exceptions too, so a caller can resume with a Range request.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import logging
import platform
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import IO, Any, Final

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.response import BaseHTTPResponse

from b2kit import _protocol as p
from b2kit._exceptions import (
    B2ConnectionError,
    B2Error,
    B2RequestTimeout,
    BadDateFormat,
    BrokenPipe,
    ClockSkew,
    InvalidJsonResponse,
    interpret_b2_error,
)
from b2kit._models import JSON
from b2kit._transport._retry import DEFAULT_RETRY_POLICY, RetryPolicy
from b2kit._transport._sendfile import POOL_CLASSES

logger = logging.getLogger(__name__)

BLOCK_SIZE: Final = 1024 * 1024
"""Send/receive block size in bytes."""

CONNECT_TIMEOUT: Final = 46.0
TRANSFER_READ_TIMEOUT: Final = 128.0
JSON_READ_TIMEOUT: Final = 1200.0
"""JSON calls include server-side copies, which can be slow."""

Body = bytes | IO[bytes] | None


def _user_agent() -> str:
    from b2kit import __version__

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


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        return float(int(value))
    except ValueError:
        return None


def _check_clock_skew(headers: Mapping[str, str]) -> None:
    date = headers.get("Date")
    if date is None:
        logger.debug("response carries no Date header; clock skew not checked")
        return
    try:
        server_time = email.utils.parsedate_to_datetime(date)
    except (TypeError, ValueError) as exc:
        raise BadDateFormat(date) from exc
    if server_time.tzinfo is None:
        server_time = server_time.replace(tzinfo=datetime.UTC)
    skew = (datetime.datetime.now(datetime.UTC) - server_time).total_seconds()
    if abs(skew) > p.CLOCK_SKEW_TOLERANCE_SECONDS:
        raise ClockSkew(skew)


def _error_from_response(response: BaseHTTPResponse, raw: bytes) -> B2Error:
    """Decode a non-2xx answer; body-less (HEAD) answers give an error with code None."""
    code: str | None = None
    message: str | None = None
    if raw:
        try:
            error = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            error = None
        if isinstance(error, dict):
            code = str(error["code"]) if error.get("code") is not None else None
            message = str(error["message"]) if error.get("message") is not None else None
        else:
            code = "non_json_response"
            message = raw[:500].decode("utf-8", errors="replace")
    return interpret_b2_error(response.status, code, message, _retry_after(response.headers))


class B2Http:
    """Sends B2 requests over a pooled urllib3 connection manager."""

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
        self.retry_policy = retry_policy
        self._check_clock = check_clock_skew
        self._transfer_timeout = urllib3.Timeout(connect=connect_timeout, read=transfer_read_timeout)
        self._json_timeout = urllib3.Timeout(connect=connect_timeout, read=json_read_timeout)
        agent = _user_agent()
        self.user_agent = f"{agent} {user_agent_append}" if user_agent_append else agent
        self.max_connections = max_connections
        self._pool = _pool_manager(max_connections)

    def resize(self, max_connections: int) -> None:
        """Keep up to ``max_connections`` idle connections per host (call before heavy use)."""
        self.max_connections = max_connections
        old, self._pool = self._pool, _pool_manager(max_connections)
        old.clear()

    # --- public operations ---------------------------------------------------------------------------------

    def post_json_return_json(
        self, url: str, headers: Mapping[str, str], params: Mapping[str, Any], *, description: str = ""
    ) -> JSON:
        """POST ``params`` as JSON, return the decoded JSON answer (retried per the policy)."""
        body = json.dumps(params, ensure_ascii=False).encode("utf-8")
        all_headers = {**headers, "Content-Type": "application/json", "Accept": "application/json"}
        return self._json_call("POST", url, all_headers, body, None, description or url)

    def get_json(
        self, url: str, headers: Mapping[str, str], params: Mapping[str, Any], *, description: str = ""
    ) -> JSON:
        """GET with ``params`` in the query string, return the decoded JSON answer."""
        query = {k: _query_value(v) for k, v in params.items() if v is not None}
        all_headers = {**headers, "Accept": "application/json"}
        return self._json_call("GET", url, all_headers, None, query, description or url)

    def post_content_return_json(
        self, url: str, headers: Mapping[str, str], data: Body, *, description: str = ""
    ) -> JSON:
        """POST raw bytes or a stream once (``Content-Length`` must be in ``headers``); used by uploads.

        Not retried here: a failed upload must be retried on a new upload URL (see B2Session).
        """
        all_headers = {**headers, "Accept": "application/json"}
        response = self._send("POST", url, all_headers, data, None, self._transfer_timeout, stream=False)
        return _decode_json(response)

    def get_content(
        self,
        url: str,
        headers: Mapping[str, str],
        *,
        retry_policy: RetryPolicy | None = None,
    ) -> HttpResponse:
        """GET ``url`` and return the response with its body still unread (close it, or use ``with``)."""

        def attempt() -> HttpResponse:
            response = self._send("GET", url, headers, None, None, self._transfer_timeout, stream=True)
            return HttpResponse(response)

        return (retry_policy or self.retry_policy).run(attempt, description="download")

    def head_content(self, url: str, headers: Mapping[str, str]) -> Mapping[str, str]:
        """HEAD ``url`` and return the response headers."""

        def attempt() -> Mapping[str, str]:
            response = self._send("HEAD", url, headers, None, None, self._transfer_timeout, stream=False)
            return response.headers

        return self.retry_policy.run(attempt, description="HEAD")

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.clear()

    # --- internals -----------------------------------------------------------------------------------------

    def _json_call(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        query: Mapping[str, str] | None,
        description: str,
    ) -> JSON:
        def attempt() -> JSON:
            response = self._send(method, url, headers, body, query, self._json_timeout, stream=False)
            return _decode_json(response)

        return self.retry_policy.run(attempt, description=_short(description))

    def _send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: Body,
        query: Mapping[str, str] | None,
        timeout: urllib3.Timeout,
        *,
        stream: bool,
    ) -> BaseHTTPResponse:
        all_headers = {**headers, "User-Agent": self.user_agent}
        try:
            response = self._pool.request(
                method,
                url,
                body=body,
                fields=query,
                headers=all_headers,
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
                _check_clock_skew(response.headers)
            if response.status not in (200, 206):
                raw = response.read() if stream else response.data
                raise _error_from_response(response, raw or b"")
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


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _short(url: str) -> str:
    """The endpoint part of a URL, for log lines (no query string, no host)."""
    return url.split("?", 1)[0].rsplit("/", 1)[-1]


def _decode_json(response: BaseHTTPResponse) -> JSON:
    try:
        decoded = json.loads(response.data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidJsonResponse(f"Expected JSON, got: {response.data[:200]!r}") from exc
    if not isinstance(decoded, dict):
        raise InvalidJsonResponse(f"Expected a JSON object, got: {type(decoded).__name__}")
    return decoded
