"""A request body that is a byte range of a local file, handed to the kernel with ``socket.sendfile``.

Once a large upload has read its source for the SHA-1s (:mod:`b2kit._transfer._source_digest`), a part's
bytes need not pass through Python again: the connections of :mod:`b2kit._transport._sendfile` send a
:class:`FileRangeBody` from the page cache straight to the socket (``os.sendfile``; TLS sockets fall back
to ordinary sends). The server checks the part against the SHA-1 in its header, so a file edited since the
digest read is refused, not stored.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

from b2kit._transfer._progress import StreamProgress
from b2kit._transfer._upload_source import SourceChangedError

SENDFILE_STEP = 8 * 1024 * 1024
"""Bytes per ``sendfile`` call: progress (and cancellation) is checked between steps."""


class FileRangeBody:
    """``length`` bytes of the file at ``path`` from ``offset``, opened only while being sent.

    Seekable back to its start, so an upload can be resent to a new URL.
    """

    def __init__(self, path: Path, offset: int, length: int, progress: StreamProgress | None = None) -> None:
        self._path = path
        self._offset = offset
        self._length = length
        self._progress = progress
        self._sent = 0

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[FileRangeBody]:
        yield self

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._sent

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Back to the start (the only position a resend needs)."""
        if offset != 0 or whence != os.SEEK_SET:
            raise OSError("a file range body can only seek back to its start")
        self._sent = 0
        if self._progress is not None:
            self._progress.restart()
        return 0

    def send_to(self, sock: socket.socket) -> None:
        """Send the whole range on ``sock``; SourceChangedError when the file became shorter."""
        with self._path.open("rb") as handle:
            while self._sent < self._length:
                step = min(SENDFILE_STEP, self._length - self._sent)
                count = sock.sendfile(handle, self._offset + self._sent, step)
                if count == 0:
                    raise SourceChangedError(
                        f"{self._path} ended {self._length - self._sent} bytes before the part did"
                    )
                self._sent += count
                if self._progress is not None:
                    self._progress.advance(count)
