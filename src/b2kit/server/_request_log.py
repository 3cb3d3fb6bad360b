"""The request log of one server: what each request was (endpoint, bucket, file name) and how it went.

The HTTP layer records one ``RequestRecord`` per answered request into ``App.requests`` (a ``RequestLog``):
the last ``capacity`` records stay in memory for ``LocalServer.requests()`` and ``GET /_b2kit/requests``,
and listeners (``b2kit server --log-requests``) see each one as it is recorded. Records hold names, sizes
and outcomes only: never a header, a query string, a token or a key.
"""

from __future__ import annotations

import datetime
import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DEFAULT_CAPACITY = 1000
_CONTROL = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F]}


@dataclass(frozen=True)
class RequestRecord:
    """One answered request. ``endpoint`` is the B2 endpoint name (``b2_upload_file``), ``_b2kit/<name>``
    for the test helpers, or the path for an unknown URL; ``code`` is the B2 error code of a refusal."""

    time_ms: int
    method: str
    endpoint: str
    bucket_name: str | None
    file_name: str | None
    status: int
    code: str | None
    bytes_in: int
    bytes_out: int
    milliseconds: float

    @property
    def time_iso(self) -> str:
        moment = datetime.datetime.fromtimestamp(self.time_ms / 1000, tz=datetime.UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def to_json(self) -> dict[str, Any]:
        return {
            "time": self.time_iso,
            "timestamp": self.time_ms,
            "method": self.method,
            "endpoint": self.endpoint,
            "bucketName": self.bucket_name,
            "fileName": self.file_name,
            "status": self.status,
            "code": self.code,
            "bytesIn": self.bytes_in,
            "bytesOut": self.bytes_out,
            "milliseconds": round(self.milliseconds, 3),
        }

    def to_json_line(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))

    def to_text(self) -> str:
        """One line: time, method, endpoint, bucket/file, status and code, bytes in/out, milliseconds."""
        where = "-"
        if self.bucket_name is not None or self.file_name is not None:
            where = f"{self.bucket_name or '?'}/{self.file_name or ''}".translate(_CONTROL)
        outcome = f"{self.status} {self.code}" if self.code else str(self.status)
        return (
            f"{self.time_iso} {self.method} {self.endpoint} {where} {outcome} "
            f"in={self.bytes_in} out={self.bytes_out} {self.milliseconds:.1f}ms"
        )


Listener = Callable[[RequestRecord], None]


class RequestLog:
    """The last ``capacity`` records, oldest first, plus listeners called with every new record."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._records: deque[RequestRecord] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    @property
    def active(self) -> bool:
        """Whether records are wanted (not with ``capacity`` 0 and no listener: then nothing is recorded)."""
        return self._records.maxlen != 0 or bool(self._listeners)

    def add_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners = [*self._listeners, listener]

    def remove_listener(self, listener: Listener) -> None:
        with self._lock:
            self._listeners = [known for known in self._listeners if known is not listener]

    def record(self, entry: RequestRecord) -> None:
        with self._lock:
            self._records.append(entry)
            listeners = self._listeners
        for listener in listeners:
            listener(entry)

    def entries(self, limit: int | None = None) -> list[RequestRecord]:
        """The most recent ``limit`` records (all kept ones without a limit), oldest first."""
        with self._lock:
            kept = list(self._records)
        return kept if limit is None else kept[len(kept) - limit :] if limit > 0 else []

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
