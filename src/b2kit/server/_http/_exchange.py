"""One HTTP exchange as endpoint handlers see it: the ``Request`` context in, a ``Response`` out."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import Message
from typing import Any, Protocol, TypeAlias

from b2kit.server._app import App
from b2kit.server._errors import bad_request
from b2kit.server._http._params import Params
from b2kit.server._slices import FileSlice

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


class ByteStream(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...

    def readinto(self, buffer: memoryview, /) -> int | None: ...


class Body:
    """The request body, readable at most ``Content-Length`` bytes; tracks what is left unread."""

    def __init__(
        self, stream: ByteStream, length: int, before_first_read: Callable[[], None] | None = None
    ) -> None:
        self._stream = stream
        self.length = length
        self.remaining = length
        self._before_first_read = before_first_read

    def read(self, size: int = -1) -> bytes:
        wanted = self.remaining if size < 0 else min(size, self.remaining)
        if wanted <= 0:
            return b""
        if self._before_first_read is not None:
            self._before_first_read()  # e.g. "100 Continue": the client sends the body only now
            self._before_first_read = None
        data = self._stream.read(wanted)
        self.remaining -= len(data)
        return data

    def readinto(self, buffer: memoryview) -> int:
        """Fill ``buffer`` (up to what is left of the body) without allocating; 0 at the end of the body."""
        wanted = min(len(buffer), self.remaining)
        if wanted <= 0:
            return 0
        if self._before_first_read is not None:
            self._before_first_read()
            self._before_first_read = None
        count = self._stream.readinto(buffer[:wanted]) or 0
        self.remaining -= count
        return count

    def read_all(self, limit: int) -> bytes:
        if self.length > limit:
            raise bad_request(f"request body larger than {limit} bytes")
        return self.read()


@dataclass
class Request:
    """Everything a handler needs: the server (``app``), API ``version``, parsed params, auth, body."""

    app: App
    method: str
    version: str
    endpoint: str
    path_args: tuple[str, ...]
    query: dict[str, str]
    headers: Message
    body: Body
    params: Params = field(default_factory=lambda: Params({}))

    @property
    def authorization(self) -> str | None:
        value = self.headers.get("Authorization")
        return value.strip() if value else None

    @property
    def base_url(self) -> str:
        """The URL the client reached us at (Host header), for apiUrl/downloadUrl/uploadUrl values."""
        host = self.headers.get("Host", "")
        if host and _HOST.fullmatch(host):
            return f"http://{host}"
        return self.app.realm


BodyPiece: TypeAlias = bytes | FileSlice
"""One piece of a streamed response body: bytes to write, or a file slice to send from the file itself."""


@dataclass
class Response:
    """Status, headers and either ``body`` bytes or a ``stream`` of pieces adding up to ``length`` bytes."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    stream: Callable[[], Iterable[BodyPiece]] | None = None
    length: int | None = None

    @property
    def content_length(self) -> int:
        return len(self.body) if self.length is None else self.length


def json_response(payload: Any, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = [
        ("Content-Type", JSON_CONTENT_TYPE),
        ("Cache-Control", "max-age=0, no-cache, no-store"),
    ]
    return Response(status=status, headers=headers, body=body)
