"""Run one routed request: ask fault injection what to do to it, call its handler, shape the answer.

This is the single place where fault injection (``App.faults``, see ``_faults``) touches a call: the
``/_b2kit/`` helpers are never faulted; an API call may wait, get an error, lose its upload connection
mid-body, or have its download body cut short.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

from b2kit import _protocol as p
from b2kit.server._faults import ERROR, INJECTED, RESET, TRUNCATE, Call
from b2kit.server._http._exchange import BodyPiece, Request, Response, json_response
from b2kit.server._http._routing import ADMIN, Endpoint
from b2kit.server._slices import FileSlice


def run(request: Request, target: Endpoint) -> Response:
    """The answer of ``target`` to ``request``, faults included; ``B2Error`` propagates to the HTTP layer."""
    if target.namespace == ADMIN:
        return _shaped(target.handler(request))
    call = Call(
        endpoint=target.name,
        method=request.method,
        test_mode=request.headers.get(p.TEST_MODE_HEADER) or "",
        authorized=request.authorization is not None,
    )
    plan = request.app.faults.plan(call)
    if plan.delay_seconds:
        time.sleep(plan.delay_seconds)
    rule = plan.action
    if rule is not None and rule.fault == ERROR:
        raise rule.error()
    if rule is not None and rule.fault == RESET:
        _reset_mid_body(request, rule.after_bytes)
    answer = _shaped(target.handler(request))
    if rule is not None and rule.fault == TRUNCATE:
        return _truncated(answer, rule.after_bytes)
    return answer


def _shaped(result: Response | dict[str, Any]) -> Response:
    """A handler's result as a response: a dict is a 200 JSON answer."""
    return result if isinstance(result, Response) else json_response(result)


def _reset_mid_body(request: Request, after_bytes: int) -> None:
    """Read ``after_bytes`` of the upload body, then give up on the connection without answering.

    Closing a socket whose receive buffer still holds unread bytes makes the kernel send a TCP RST, which
    is what a client sees when a real server or proxy dies mid-upload.
    """
    wanted = min(after_bytes, max(0, request.body.length - 1))
    while wanted > 0:
        chunk = request.body.read(min(wanted, 64 * 1024))
        if not chunk:
            break
        wanted -= len(chunk)
    raise ConnectionResetError(f"{INJECTED}: connection reset mid-upload")


def _truncated(response: Response, after_bytes: int) -> Response:
    """The handler's download answer, announcing its full length but closing after ``after_bytes``."""
    if response.status not in (200, 206) or response.content_length == 0:
        return response
    cut = min(after_bytes, response.content_length - 1)
    original = response.stream
    body = response.body

    def pieces() -> Iterable[BodyPiece]:
        return original() if original is not None else (body,)

    def cut_stream() -> Iterator[BodyPiece]:
        left = cut
        for piece in pieces():
            if len(piece) >= left:
                if left:
                    yield _head(piece, left)
                raise ConnectionResetError(f"{INJECTED}: download cut short")
            left -= len(piece)
            yield piece

    return Response(
        status=response.status,
        headers=response.headers,
        stream=cut_stream,
        length=response.content_length,
    )


def _head(piece: BodyPiece, count: int) -> BodyPiece:
    """The first ``count`` bytes of a body piece; a file slice stays a slice, still sent with sendfile."""
    return piece.head(count) if isinstance(piece, FileSlice) else piece[:count]
