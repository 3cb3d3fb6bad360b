"""One upload part made of several pieces: ranges of local sources and of downloaded B2 ranges, in order.

A planned :class:`~b2kit._transfer._emerge_planning.UploadedPart` may join a local file's tail, a small
range of a B2 file and the start of a bytes buffer. The B2 ranges are downloaded first (by the sync or
the asyncio executor) into spool files that stay in memory up to 1 MiB and go to disk beyond, so memory
stays bounded; the part is then an ordinary :class:`UploadSource` that can be re-read on a retry.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Mapping, Sequence
from tempfile import SpooledTemporaryFile
from typing import IO, Final

from b2kit._transfer._emerge_planning import Piece, UploadedPart
from b2kit._transfer._upload_source import Readable, UploadSource
from b2kit._transfer._write_intents import CopySource

SPOOL_IN_MEMORY: Final = 1024 * 1024
"""Downloaded bytes of one piece kept in memory before its spool moves to a temporary file."""


def new_spool() -> SpooledTemporaryFile[bytes]:
    """Where a downloaded piece is kept until its part is sent."""
    return SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)


class SpoolSource(UploadSource):
    """The first ``length`` bytes of a spool file (one downloaded B2 range)."""

    def __init__(self, spool: IO[bytes], length: int) -> None:
        self._spool = spool
        self._length = length
        self._lock = threading.Lock()

    @property
    def content_length(self) -> int:
        return self._length

    def open_range(self, offset: int, length: int) -> Readable:
        self._check_range(offset, length)
        return _SpoolReader(self._spool, self._lock, offset, length)


class PiecesSource(UploadSource):
    """Consecutive ``(source, offset, length)`` ranges read as one source."""

    def __init__(self, ranges: Sequence[tuple[UploadSource, int, int]]) -> None:
        self._ranges = list(ranges)
        self._length = sum(length for _, _, length in self._ranges)

    @property
    def content_length(self) -> int:
        return self._length

    def open_range(self, offset: int, length: int) -> Readable:
        self._check_range(offset, length)
        openers: list[Callable[[], Readable]] = []
        start = 0
        for source, first, size in self._ranges:
            end = start + size
            lo, hi = max(start, offset), min(end, offset + length)
            if lo < hi:
                openers.append(_opener(source, first + lo - start, hi - lo))
            start = end
        return _ChainReader(openers)


def part_source(part: UploadedPart, downloaded: Mapping[int, UploadSource]) -> UploadSource:
    """The body of ``part``: local pieces as they are, B2 pieces from ``downloaded`` (by piece index)."""
    ranges: list[tuple[UploadSource, int, int]] = []
    for index, piece in enumerate(part.pieces):
        if isinstance(piece.source, CopySource):
            ranges.append((downloaded[index], 0, piece.length))
        else:
            ranges.append((piece.source, piece.offset, piece.length))
    if len(ranges) == 1 and ranges[0][1] == 0 and ranges[0][2] == ranges[0][0].content_length:
        return ranges[0][0]
    return PiecesSource(ranges)


def copied_range(piece: Piece) -> tuple[int, int]:
    """The inclusive byte range of a B2 piece in its source file."""
    if not isinstance(piece.source, CopySource):
        raise TypeError("only a B2 piece has a range in a B2 file")
    first = piece.source.offset + piece.offset
    return first, first + piece.length - 1


def _opener(source: UploadSource, offset: int, length: int) -> Callable[[], Readable]:
    return lambda: source.open_range(offset, length)


class _SpoolReader(io.RawIOBase):
    """Reads a range of a shared spool, seeking before each read (one reader at a time per part)."""

    def __init__(self, spool: IO[bytes], lock: threading.Lock, offset: int, length: int) -> None:
        super().__init__()
        self._spool = spool
        self._lock = lock
        self._position = offset
        self._end = offset + length

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        wanted = self._end - self._position if size is None or size < 0 else size
        wanted = min(wanted, self._end - self._position)
        if wanted <= 0:
            return b""
        with self._lock:
            self._spool.seek(self._position)
            data = self._spool.read(wanted)
        self._position += len(data)
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        memoryview(buffer)[: len(data)] = data
        return len(data)


class _ChainReader(io.RawIOBase):
    """Reads several streams one after another, opening each only when the previous one is done."""

    def __init__(self, openers: Sequence[Callable[[], Readable]]) -> None:
        super().__init__()
        self._openers = list(openers)
        self._current: Readable | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        """``size`` bytes (fewer only at the end), crossing from one stream to the next as needed."""
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(SPOOL_IN_MEMORY), b""))
        chunks: list[bytes] = []
        wanted = size
        while wanted > 0:
            if self._current is None:
                if not self._openers:
                    break
                self._current = self._openers.pop(0)()
            data = self._current.read(wanted)
            if not data:
                self._current.close()
                self._current = None
                continue
            chunks.append(data)
            wanted -= len(data)
        return b"".join(chunks)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        memoryview(buffer)[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            if self._current is not None:
                self._current.close()
                self._current = None
        finally:
            super().close()
