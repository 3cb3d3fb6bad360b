"""The HTTP server: parse a request, route it (the route table it was given), run it (``_dispatch``), write
the answer.

``B2RequestHandler._dispatch`` is the single dispatch point. Every failure becomes the B2 JSON error
``{status, code, message}``; an unexpected exception is logged and answered as 500 ``internal_error``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from b2kit import _protocol as p
from b2kit.server._app import App
from b2kit.server._errors import B2Error, bad_request
from b2kit.server._http import _dispatch
from b2kit.server._http._exchange import Body, BodyPiece, Request, Response, json_response
from b2kit.server._http._headers import IndexedHeaders
from b2kit.server._http._params import Params
from b2kit.server._http._request_subject import SubjectResolver
from b2kit.server._http._routing import ADMIN, FILE, Endpoint, RouteTable, locate
from b2kit.server._request_log import RequestRecord
from b2kit.server._slices import FileSlice

log = logging.getLogger("b2kit.server")

MAX_JSON_BODY = 16 * 1024 * 1024
_DRAIN_LIMIT = 1024 * 1024
_SOCKET_TIMEOUT_SECONDS = 120
_QUERY_TOKEN = re.compile(r"(Authorization)=[^&\s]*", re.IGNORECASE)
_STATUS_CODES = {
    400: p.BAD_REQUEST,
    401: p.UNAUTHORIZED,
    403: p.ACCESS_DENIED,
    404: p.NOT_FOUND,
    405: p.METHOD_NOT_ALLOWED,
    408: p.REQUEST_TIMEOUT,
    409: p.CONFLICT,
    416: p.RANGE_NOT_SATISFIABLE,
    429: p.TOO_MANY_REQUESTS,
    503: p.SERVICE_UNAVAILABLE,
}


class B2HTTPServer(ThreadingHTTPServer):
    """A thread per connection; ``app`` is the shared server state."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024
    """Listen backlog (socketserver's default is 5): a client opening dozens of connections at once (a sync
    of many small files) overflowed it, and each dropped SYN cost that connection a 1 s retransmit."""

    def __init__(self, address: tuple[str, int], app: App, routes: RouteTable) -> None:
        self.app = app
        self.routes = routes
        self.subjects = SubjectResolver(app.state)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, B2RequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every open client connection (idle keep-alive ones included) so that stopping is complete."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log a connection that failed outside a request (e.g. a client reset), no traceback on stderr."""
        log.debug("connection from %s ended abnormally", client_address, exc_info=True)


def error_response(error: B2Error) -> Response:
    response = json_response(error.body(), status=error.status)
    response.headers = [("Content-Type", "application/json;charset=utf-8")]
    response.headers.extend(error.headers)
    if error.retry_after is not None:
        response.headers.append(("Retry-After", str(error.retry_after)))
    return response


class B2RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    MessageClass = IndexedHeaders
    # a garbage request line would otherwise be answered HTTP/0.9-style: a body without a status line
    default_request_version = "HTTP/1.0"
    server_version = "b2kit"
    sys_version = ""
    timeout = _SOCKET_TIMEOUT_SECONDS
    server: B2HTTPServer
    _finishing: Callable[[int], None] | None = None  # set per request by _dispatch (not by send_error)
    _bytes_out = 0

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes; without this Nagle + delayed ACK add ~40 ms a call
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _dispatch(self) -> None:
        started, arrived_ms = time.monotonic(), App.now_ms()
        self._body: Body | None = None
        self._request: Request | None = None
        self._namespace = ""
        self._bytes_out = 0
        self._finishing = None
        code = None
        try:
            response = self._answer()
        except B2Error as error:
            response, code = error_response(error), error.code
        except (TimeoutError, ConnectionError):
            self.close_connection = True
            return
        except Exception:
            log.exception("internal error answering %s %s", self.command, self.path)
            code = p.INTERNAL_ERROR
            response = error_response(B2Error(500, code, "internal server error"))
        self._finishing = functools.partial(self._record, arrived_ms, started, response.status, code)
        self._send(response)
        self._finish(0)  # not recorded yet when the answer was cut short

    def _finish(self, last_piece: int) -> None:
        """Record the exchange right before the write that completes the answer (``last_piece`` bytes), so
        a client holding its answer always finds the request in the log."""
        if self._finishing is not None:
            finishing, self._finishing = self._finishing, None
            finishing(self._bytes_out + last_piece)

    def _record(self, arrived_ms: int, started: float, status: int, code: str | None, bytes_out: int) -> None:
        """Add this exchange to the server's request log (names and sizes only, never credentials)."""
        request = self._request
        if (self._namespace == ADMIN and self.command == "GET") or not self.server.app.requests.active:
            return  # health checks, state, console polls: looking at the server is not traffic to log
        if request is None:
            endpoint = "/".join(urllib.parse.urlsplit(self.path).path.split("/")[:4])[:100]
            bucket_name = file_name = None
        else:
            endpoint = f"_b2kit/{request.endpoint}" if self._namespace == ADMIN else request.endpoint
            subject = self.server.subjects.subject(request, self._namespace == FILE)
            bucket_name, file_name = subject.bucket_name, subject.file_name
        body = self._body
        record = RequestRecord(
            time_ms=arrived_ms,
            method=self.command,
            endpoint=endpoint,
            bucket_name=bucket_name,
            file_name=file_name,
            status=status,
            code=code,
            bytes_in=0 if body is None else body.length - body.remaining,
            bytes_out=bytes_out,
            milliseconds=(time.monotonic() - started) * 1000,
        )
        try:
            self.server.app.requests.record(record)
        except Exception:  # a failing listener (closed stdout) must not break the connection
            log.exception("request log listener failed")

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _dispatch

    def _answer(self) -> Response:
        request, target = self._route()
        if target.params == "json":
            request.params = self._params(request)
        return _dispatch.run(request, target)

    def _route(self) -> tuple[Request, Endpoint]:
        expects_continue = self._continue_pending
        self._body = Body(
            self.rfile, self._content_length(), self._send_continue if expects_continue else None
        )
        split = urllib.parse.urlsplit(self.path)
        segments = split.path.split("/")
        namespace, version, name, args = locate(segments)
        target = self.server.routes.get((namespace, name)) if name else None
        if target is None:
            raise B2Error(404, p.NOT_FOUND, f"no such endpoint: {split.path[:200]}")
        if self.command not in target.methods:
            raise B2Error(405, p.METHOD_NOT_ALLOWED, f"{self.command} is not allowed on {name}")
        request = Request(
            app=self.server.app,
            method=self.command,
            version=version,
            endpoint=name,
            path_args=args,
            query=_query(split.query),
            headers=self.headers,
            body=self._body,
        )
        self._request, self._namespace = request, namespace
        return request, target

    def _content_length(self) -> int:
        if self.headers.get("Transfer-Encoding") is not None:
            # any transfer coding hides where the body ends: refuse it rather than misread the stream
            self.close_connection = True
            raise bad_request("chunked transfer encoding is not supported; send Content-Length")
        raw = self.headers.get("Content-Length")
        if raw is None:
            return 0
        if not raw.strip().isdigit() or not raw.isascii() or len(raw.strip()) > 18:
            self.close_connection = True
            raise bad_request("Content-Length must be a non-negative integer")
        return int(raw)

    def _params(self, request: Request) -> Params:
        if self.command == "POST" and request.body.length > 0:
            raw = request.body.read_all(MAX_JSON_BODY)
            try:
                parsed: Any = json.loads(raw.decode("utf-8"))
            except (ValueError, RecursionError) as exc:
                raise bad_request("request body is not valid JSON", code=p.BAD_JSON) from exc
            if not isinstance(parsed, dict):
                raise bad_request("request body must be a JSON object", code=p.BAD_JSON)
            try:  # "\ud800" escapes parse, but such strings cannot be stored or answered
                json.dumps(parsed, ensure_ascii=False).encode("utf-8")
            except (UnicodeEncodeError, RecursionError) as exc:
                raise bad_request(
                    "request body has a string with a lone surrogate (not valid Unicode)"
                ) from exc
            return Params(parsed)
        return Params(request.query, from_query=True)

    def parse_request(self) -> bool:
        self._continue_pending = False
        return super().parse_request()

    def handle_expect_100(self) -> bool:
        """Defer "100 Continue" until a handler reads the body: a request refused before that (bad token,
        bad headers) gets its final answer at once and the client never sends the body."""
        self._continue_pending = True
        return True

    def _send_continue(self) -> None:
        self._continue_pending = False
        self.send_response_only(100)
        self.end_headers()

    def _send(self, response: Response) -> None:
        body = self._body
        if body is not None and body.remaining > 0:
            if self._continue_pending:  # the client is holding the body back: do not wait for it
                self.close_connection = True
            else:
                self._drain_or_close(body)
        head = self.command == "HEAD"
        try:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            error_on_head = head and response.status >= 400
            self.send_header("Content-Length", "0" if error_on_head else str(response.content_length))
            if self.close_connection:
                self.send_header("Connection", "close")
            if head or response.content_length == 0:
                self._finish(0)
            self.end_headers()
            if head:
                return
            if response.stream is not None:
                self._write_stream(response.stream())
            else:
                self._finish(len(response.body))
                self.wfile.write(response.body)
                self._bytes_out += len(response.body)
        except (TimeoutError, ConnectionError):
            self.close_connection = True
        except OSError as exc:  # e.g. a blob deleted by a concurrent delete after the headers went out
            log.warning("%s %s: body cut short: %s", self.command, self.path.split("?")[0], exc)
            self.close_connection = True

    def _write_stream(self, pieces: Iterable[BodyPiece]) -> None:
        """Send the pieces, calling ``_finish`` before the last one (one piece of look-ahead). A stream that
        fails (a download cut short on purpose) still sends every piece it yielded before failing."""
        iterator = iter(pieces)
        held: BodyPiece | None = None
        while True:
            try:
                piece = next(iterator)
            except StopIteration:
                break
            except BaseException:
                if held is not None:
                    self._write(held)
                raise
            if held is not None:
                self._write(held)
            held = piece
        self._finish(0 if held is None else len(held))
        if held is not None:
            self._write(held)

    def _write(self, piece: BodyPiece) -> None:
        """Send one body piece; a file slice goes with ``sendfile`` (no copy through Python).

        ``socket.sendfile`` waits on the socket timeout itself and falls back to read + send where
        ``os.sendfile`` is missing. Fewer bytes sent than the slice holds raises ``ConnectionAbortedError``:
        the body can no longer match its ``Content-Length``, so the connection must end.
        """
        if not isinstance(piece, FileSlice):
            self.wfile.write(piece)
            self._bytes_out += len(piece)
            return
        if piece.count == 0:  # sendfile refuses a count of 0
            return
        self.wfile.flush()
        with piece.opened() as file:
            sent = self.connection.sendfile(file, piece.offset, piece.count)
        self._bytes_out += sent
        if sent != piece.count:
            raise ConnectionAbortedError(f"sent {sent} of {piece.count} bytes of {piece.path.name}")

    def _drain_or_close(self, body: Body) -> None:
        if body.remaining > _DRAIN_LIMIT:
            self.close_connection = True
            return
        try:
            while body.read(64 * 1024):
                pass
        except (TimeoutError, ConnectionError):
            self.close_connection = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors the stdlib detects itself (bad request line, huge headers ...) as B2 JSON too."""
        status = 405 if code == 501 else (code if code in _STATUS_CODES else 400)
        self.close_connection = True
        self._body = None
        self._send(error_response(B2Error(status, _STATUS_CODES[status], message or "bad request")))

    def log_message(self, format: str, *args: Any) -> None:
        # download tokens may ride in the query string (?Authorization=...): never log them
        message = _QUERY_TOKEN.sub(r"\1=<redacted>", format % args)
        log.debug("%s - %s", self.address_string(), message)


def _query(query: str) -> dict[str, Any]:
    """Query parameters (repeated names become lists); bad percent-encoding is a 400."""
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad_request("query string is not valid percent-encoded UTF-8") from exc
    values: dict[str, Any] = {}
    for key, value in pairs:
        if key in values:
            previous = values[key]
            values[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            values[key] = value
    return values
