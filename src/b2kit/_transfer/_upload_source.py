"""Where upload bytes come from: sources that open any byte range lazily, and the stream that hashes them.

A source never reads ahead: a part of a large file is opened by its worker thread, read in blocks while the
HTTP body is sent, and hashed in the same pass (:class:`HashingStream`). When the SHA-1 is not known in
advance, the 40 hex digits are appended to the body (``X-Bz-Content-Sha1: hex_digits_at_end``), so there is
never a second pass over the data.
"""

from __future__ import annotations

import hashlib
import io
import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Protocol

from b2kit._protocol import SHA1_HEX_LENGTH
from b2kit._transfer._progress import StreamProgress

_SKIP_BLOCK = 1 << 20


class Readable(Protocol):
    """The part of a binary file object that uploads use: ``read`` and ``close``."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes (all remaining when negative); ``b""`` at the end."""
        ...

    def close(self) -> None:
        """Release the underlying resource."""
        ...


class SourceChangedError(OSError):
    """The source ended before its announced length (the file shrank or the stream was short)."""


class UploadSource(ABC):
    """Content of known length that can be opened at any byte range, as many times as needed (retries)."""

    @property
    @abstractmethod
    def content_length(self) -> int:
        """Total number of bytes."""

    @property
    def content_sha1(self) -> str | None:
        """The SHA-1 of the whole content when the caller supplied it, else None (computed while sending)."""
        return None

    @property
    def last_modified_millis(self) -> int | None:
        """Modification time of the origin (local files), for ``src_last_modified_millis``."""
        return None

    @abstractmethod
    def open_range(self, offset: int, length: int) -> Readable:
        """A readable stream of ``length`` bytes starting at ``offset``; the caller closes it."""

    def open(self) -> Readable:
        """A readable stream of the whole content."""
        return self.open_range(0, self.content_length)

    # b2sdk's OutboundTransferSource shape, for code that asks sources these questions:
    def get_content_length(self) -> int:
        return self.content_length

    def get_content_sha1(self) -> str | None:
        return self.content_sha1

    def is_upload(self) -> bool:
        return True

    def is_copy(self) -> bool:
        return False

    def _check_range(self, offset: int, length: int) -> None:
        if offset < 0 or length < 0 or offset + length > self.content_length:
            raise ValueError(f"range {offset}+{length} is outside 0..{self.content_length}")


class UploadSourceBytes(UploadSource):
    """Bytes already in memory (no copy is made; ranges are served as slices of a memoryview)."""

    def __init__(self, data: bytes | bytearray | memoryview, content_sha1: str | None = None) -> None:
        self._data = memoryview(data).cast("B")
        self._sha1 = content_sha1

    @property
    def content_length(self) -> int:
        """Number of bytes."""
        return len(self._data)

    @property
    def content_sha1(self) -> str | None:
        """The SHA-1 given by the caller, if any."""
        return self._sha1

    def open_range(self, offset: int, length: int) -> Readable:
        """A reader over the slice (the slice is not copied)."""
        self._check_range(offset, length)
        return _MemoryReader(self._data[offset : offset + length])


class UploadSourceLocalFileRange(UploadSource):
    """A byte range of a local file, opened only when a part is read.

    b2sdk's order ``(local_path, content_sha1, offset, length)`` works too: a string in second place is the
    SHA-1 (an offset is an int).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        offset: int | str | None = 0,
        length: int | None = None,
        content_sha1: str | int | None = None,
    ) -> None:
        sha1: str | None
        if isinstance(offset, str) or offset is None:  # b2sdk's (local_path, content_sha1, offset, length)
            sha1, offset, length = offset, length or 0, _optional_int(content_sha1)
        elif isinstance(content_sha1, int):
            raise TypeError("content_sha1 is a string of 40 hex digits")
        else:
            sha1 = content_sha1
        self._path = Path(path)
        stat = self._path.stat()
        if offset < 0 or offset > stat.st_size:
            raise ValueError(f"offset {offset} is outside {self._path} ({stat.st_size} bytes)")
        self._offset = offset
        self._length = stat.st_size - offset if length is None else length
        if self._length < 0 or offset + self._length > stat.st_size:
            raise ValueError(f"range {offset}+{self._length} is outside {self._path} ({stat.st_size} bytes)")
        self._sha1 = sha1
        self._mtime_millis = stat.st_mtime_ns // 1_000_000

    @property
    def path(self) -> Path:
        """The local file."""
        return self._path

    @property
    def offset(self) -> int:
        """Where the range starts in the file."""
        return self._offset

    @property
    def content_length(self) -> int:
        """Bytes in the range."""
        return self._length

    @property
    def content_sha1(self) -> str | None:
        """The SHA-1 given by the caller, if any."""
        return self._sha1

    @property
    def last_modified_millis(self) -> int | None:
        """The file's mtime in milliseconds, as seen when the source was made."""
        return self._mtime_millis

    def open_range(self, offset: int, length: int) -> Readable:
        """Open the file at ``offset`` within this range and limit reads to ``length`` bytes."""
        self._check_range(offset, length)
        handle = self._path.open("rb")
        try:
            handle.seek(self._offset + offset)
        except BaseException:
            handle.close()
            raise
        return _LimitedReader(handle, length)


class UploadSourceLocalFile(UploadSourceLocalFileRange):
    """A whole local file."""

    def __init__(self, path: str | os.PathLike[str], content_sha1: str | None = None) -> None:
        super().__init__(path, 0, None, content_sha1)


class UploadSourceStream(UploadSource):
    """A stream of known length, re-created by ``opener`` for each range (seeking or skipping to it)."""

    def __init__(
        self,
        opener: Callable[[], BinaryIO],
        content_length: int,
        content_sha1: str | None = None,
    ) -> None:
        if content_length < 0:
            raise ValueError(f"content length must not be negative, got {content_length}")
        self._opener = opener
        self._length = content_length
        self._sha1 = content_sha1

    @property
    def content_length(self) -> int:
        """Announced number of bytes."""
        return self._length

    @property
    def content_sha1(self) -> str | None:
        """The SHA-1 given by the caller, if any."""
        return self._sha1

    def open_range(self, offset: int, length: int) -> Readable:
        """Open a fresh stream and move to ``offset`` (seek when possible, otherwise read and discard)."""
        self._check_range(offset, length)
        stream = self._opener()
        try:
            _move_to(stream, offset)
        except BaseException:
            stream.close()
            raise
        return _LimitedReader(stream, length)


class HashingStream(io.RawIOBase):
    """Reads ``length`` bytes from a source range computing their SHA-1 on the way, optionally appending it.

    When the SHA-1 was computed beforehand (``known_sha1``), nothing is hashed again and :meth:`hexdigest`
    returns it: the server checks the bytes against it.

    With ``append_hex_digits`` the body is the data followed by its 40 lower-case hex digits (B2's
    ``hex_digits_at_end``); ``len()`` is the full body length either way, as the HTTP layer needs it for
    ``Content-Length``. Progress is reported for data bytes only. ``seek(0)`` starts over from a freshly
    opened range (so the session can resend the body to a new upload URL); no other seek is supported.
    """

    def __init__(
        self,
        opener: Callable[[], Readable],
        length: int,
        append_hex_digits: bool,
        progress: StreamProgress | None = None,
        known_sha1: str | None = None,
    ) -> None:
        super().__init__()
        if known_sha1 is not None and append_hex_digits:
            raise ValueError("a known SHA-1 is sent in the header, not appended to the body")
        self._opener = opener
        self._length = length
        self._append = append_hex_digits
        self._known_sha1 = known_sha1
        self._progress = progress
        self._raw = opener()
        self._start_over()

    def __len__(self) -> int:
        return self._length + (SHA1_HEX_LENGTH if self._append else 0)

    def readable(self) -> bool:
        """Always readable."""
        return True

    def seekable(self) -> bool:
        """Seekable to the start only (see the class docstring)."""
        return True

    def tell(self) -> int:
        """Bytes of body delivered so far."""
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Go back to the start: reopen the range and reset the hash (a no-op when nothing was read)."""
        if offset != 0 or whence != io.SEEK_SET:
            raise io.UnsupportedOperation("a hashing stream can only seek back to its start")
        if self._position:
            self._raw.close()
            self._raw = self._opener()
            self._start_over()
        return 0

    def hexdigest(self) -> str:
        """SHA-1 of the data read so far (all of it once the stream is exhausted), or the known SHA-1."""
        return self._known_sha1 or self._sha1.hexdigest()

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes of data, then the hex trailer if requested, then ``b""``."""
        if self._remaining > 0:
            want = self._remaining if size is None or size < 0 else min(size, self._remaining)
            data = self._raw.read(want)
            if not data:
                raise SourceChangedError(f"source ended {self._remaining} bytes before its announced length")
            self._remaining -= len(data)
            self._position += len(data)
            if self._known_sha1 is None:
                self._sha1.update(data)
            if self._progress is not None:
                self._progress.advance(len(data))
            return data
        chunk = self._read_trailer(size)
        self._position += len(chunk)
        return chunk

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill ``buffer`` by way of :meth:`read` (keeps hashing in one place)."""
        data = self.read(len(buffer))
        memoryview(buffer)[: len(data)] = data
        return len(data)

    def close(self) -> None:
        """Close the underlying stream too."""
        try:
            self._raw.close()
        finally:
            super().close()

    def _start_over(self) -> None:
        self._remaining = self._length
        self._position = 0
        self._sha1 = hashlib.sha1(usedforsecurity=False)
        self._trailer: bytes | None = None
        if self._progress is not None:
            self._progress.restart()

    def _read_trailer(self, size: int | None) -> bytes:
        if not self._append:
            return b""
        if self._trailer is None:
            self._trailer = self._sha1.hexdigest().encode("ascii")
        count = len(self._trailer) if size is None or size < 0 else size
        chunk, self._trailer = self._trailer[:count], self._trailer[count:]
        return chunk


class _LimitedReader(io.RawIOBase):
    """Reads at most ``length`` bytes of ``raw`` and owns it (closing this closes ``raw``)."""

    def __init__(self, raw: Readable, length: int) -> None:
        super().__init__()
        self._raw = raw
        self._remaining = length

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self._remaining <= 0:
            return b""
        want = self._remaining if size is None or size < 0 else min(size, self._remaining)
        data = self._raw.read(want)
        self._remaining -= len(data)
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        memoryview(buffer)[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


class _MemoryReader(io.RawIOBase):
    """Reads a memoryview in slices without copying the whole buffer."""

    def __init__(self, view: memoryview) -> None:
        super().__init__()
        self._view = view
        self._position = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else min(len(self._view), self._position + size)
        data = bytes(self._view[self._position : end])
        self._position = end
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        memoryview(buffer)[: len(data)] = data
        return len(data)


def _optional_int(value: str | int | None) -> int | None:
    if isinstance(value, str):
        raise TypeError("in b2sdk's order (local_path, content_sha1, offset, length) the length is an int")
    return value


def _move_to(stream: BinaryIO, offset: int) -> None:
    """Position a freshly opened stream at ``offset``: seek if it can, otherwise read and discard."""
    if offset == 0:
        return
    if stream.seekable():
        stream.seek(offset, io.SEEK_CUR)
        return
    remaining = offset
    while remaining > 0:
        skipped = stream.read(min(remaining, _SKIP_BLOCK))
        if not skipped:
            raise SourceChangedError(f"stream ended before offset {offset}")
        remaining -= len(skipped)
