"""Pieces of stored bytes as a response body sends them: ``FileSlice`` (a range of one blob file, sent with
``sendfile``) and the slices that make up a range of a version stored as one or more blobs."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from b2kit.server._state import Segment


@dataclass(frozen=True)
class FileSlice:
    """``count`` bytes of the file at ``path`` from ``offset``: a piece of a response body that the HTTP layer
    hands to ``socket.sendfile``, so the kernel copies it to the socket without a buffer in Python."""

    path: Path
    offset: int
    count: int

    def __len__(self) -> int:
        return self.count

    def head(self, count: int) -> FileSlice:
        """The first ``count`` bytes of this slice (a body cut short on purpose)."""
        return FileSlice(self.path, self.offset, min(count, self.count))

    @contextmanager
    def opened(self) -> Iterator[BinaryIO]:
        """The file, open for reading. A file shorter than the slice (a blob damaged on disk) raises
        ``ConnectionAbortedError`` before a byte of it is sent: the client must see a cut-off body, never
        wrong bytes under a ``Content-Length`` that promised others."""
        with open(self.path, "rb") as file:
            if os.fstat(file.fileno()).st_size < self.offset + self.count:
                raise ConnectionAbortedError(f"{self.path.name} is shorter than recorded")
            yield file

    def chunks(self, block_size: int) -> Iterator[bytes]:
        """The slice's bytes in blocks of at most ``block_size``, for consumers that need bytes (copies)."""
        with self.opened() as file:
            file.seek(self.offset)
            left = self.count
            while left > 0:
                chunk = file.read(min(block_size, left))
                if not chunk:
                    raise ConnectionAbortedError(f"{self.path.name} is shorter than recorded")
                left -= len(chunk)
                yield chunk


def version_slices(
    path: Callable[[str], Path], segments: list[Segment], first: int, length: int
) -> Iterator[FileSlice]:
    """``length`` bytes from ``first`` of a version made of ``segments``: one file slice per blob touched
    (``path`` maps a blob name to its file).

    The HTTP layer sends each slice with ``sendfile``; opening a slice checks that its blob still holds the
    recorded bytes (a shorter one aborts the connection, see :meth:`FileSlice.opened`).
    """
    offset, remaining = first, length
    for segment in segments:
        if remaining <= 0:
            return
        if offset >= segment.size:
            offset -= segment.size
            continue
        take = min(segment.size - offset, remaining)
        yield FileSlice(path(segment.blob), offset, take)
        remaining -= take
        offset = 0


def version_bytes(
    path: Callable[[str], Path], segments: list[Segment], first: int, length: int, block_size: int
) -> Iterator[bytes]:
    """The bytes of :func:`version_slices`, block by block, for copies that write them to a new blob."""
    for piece in version_slices(path, segments, first, length):
        yield from piece.chunks(block_size)
