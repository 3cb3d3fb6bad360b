"""HTTP ``Range`` header for downloads (protocol §8.3): one byte range, or none."""

from __future__ import annotations

import re
from dataclasses import dataclass

from b2kit import _protocol as p
from b2kit.server._errors import B2Error

_RANGE = re.compile(r"\s*bytes\s*=\s*([0-9]{0,18})\s*-\s*([0-9]{0,18})\s*")


@dataclass(frozen=True)
class ByteRange:
    """Inclusive ``first``..``last`` inside a file of ``total`` bytes."""

    first: int
    last: int
    total: int

    @property
    def length(self) -> int:
        return self.last - self.first + 1

    @property
    def partial(self) -> bool:
        return self.length != self.total

    def content_range(self) -> str:
        return f"bytes {self.first}-{self.last}/{self.total}"


def parse_range(header: str | None, total: int) -> ByteRange | None:
    """The range to serve, None for the whole file (absent or unparsable header), 416 when unsatisfiable."""
    if header is None:
        return None
    match = _RANGE.fullmatch(header)
    if match is None or not (match.group(1) or match.group(2)):
        return None
    first_text, last_text = match.groups()
    if not first_text:
        suffix = int(last_text)
        if suffix == 0:
            raise _unsatisfiable(header, total)
        return ByteRange(max(total - suffix, 0), total - 1, total) if total else None
    first = int(first_text)
    if last_text and int(last_text) < first:
        return None
    if first >= total:
        raise _unsatisfiable(header, total)
    last = int(last_text) if last_text else total - 1
    return ByteRange(first, min(last, total - 1), total)


def _unsatisfiable(header: str, total: int) -> B2Error:
    message = f"range {header.strip()[:80]} is not satisfiable for {total} bytes"
    return B2Error(416, p.RANGE_NOT_SATISFIABLE, message, headers=(("Content-Range", f"bytes */{total}"),))
