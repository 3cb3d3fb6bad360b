"""B2File: the file object of ``B2FileSystem.open``.

Reading (``rb``) is pinned to the file version found at open time (its file id), so a file overwritten
meanwhile is still read consistently; every cache miss is one ranged download of that version, and the
cache (fsspec's, ``blockcache`` by default) keeps the blocks already fetched, so ``seek`` + ``read`` stays
cheap for formats such as Parquet that jump around.

Writing (``wb``/``xb``) streams: bytes collect in a buffer of one block. A file that ends within one block
is one ``b2_upload_file``; as soon as more than one block has been written, a large file is started and
every full block goes up as a part (so at least two parts, the last one possibly small), holding at most
one block (plus the last write) in memory. Closing finishes the large file; leaving a ``with`` block by an
exception cancels it instead, so no half-written file appears. With ``autocommit=False`` (fsspec
transactions) nothing is visible until :meth:`commit`.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from fsspec.spec import AbstractBufferedFile

from b2kit import B2Error, Bucket, UploadOptions
from b2kit.constants import CONTENT_TYPE_AUTO
from b2kit.fs._errors import translated


class FileHost(Protocol):
    """What a B2File needs of its filesystem (a B2FileSystem is one): entries and their cache."""

    def info(self, path: str, **kwargs: Any) -> dict[str, Any]: ...

    def invalidate_cache(self, path: str | None = None) -> None: ...


@dataclass(frozen=True)
class FileSettings:
    """Which B2 file a B2File reads or writes, and how it buffers.

    ``entry`` is the version read (``rb``: its file id and size); ``content_type`` and ``file_info`` are
    what a file being written is stored with. ``cache_type``/``cache_options`` are fsspec's read caches.
    """

    bucket: Bucket
    key: str
    block_size: int
    autocommit: bool = True
    entry: Mapping[str, Any] | None = None
    cache_type: str = "blockcache"
    cache_options: dict[str, Any] | None = None
    content_type: str = CONTENT_TYPE_AUTO
    file_info: Mapping[str, str] = field(default_factory=dict)


class _PartWriter(Protocol):
    """A large file being written part by part (``UploadManager.part_writer``)."""

    def send_part(self, data: bytes) -> None: ...

    def finish(self) -> object: ...

    def cancel(self) -> object: ...


class B2File(AbstractBufferedFile):  # type: ignore[misc]
    """A file of a B2FileSystem: ranged, cached reads of one version, or a streaming upload."""

    buffer: io.BytesIO

    def __init__(self, fs: FileHost, path: str, mode: str, settings: FileSettings, **kwargs: Any) -> None:
        self._bucket = settings.bucket
        self._key = settings.key
        self._content_type = settings.content_type
        self._file_info = dict(settings.file_info)
        self._large: _PartWriter | None = None
        self._pending_small: bytes | None = None
        size = None
        if settings.entry is not None:
            self._details = dict(settings.entry)
            size = int(settings.entry["size"])
        super().__init__(
            fs,
            path,
            mode,
            block_size=settings.block_size,
            autocommit=settings.autocommit,
            cache_type=settings.cache_type,
            cache_options=settings.cache_options,
            size=size,
            **kwargs,
        )

    # --- reading -------------------------------------------------------------------------------------------

    def _fetch_range(self, start: int, end: int) -> bytes:
        """Bytes ``[start, end)`` of the version opened (one ranged download)."""
        end = min(end, self.size)
        if start >= end:
            return b""
        with translated(self.path):
            downloaded = self._bucket.api.download_file_by_id(
                self.details["file_id"], range_=(start, end - 1)
            )
            with downloaded:
                data: bytes = downloaded.read()
                return data

    # --- writing -------------------------------------------------------------------------------------------

    def _initiate_upload(self) -> None:
        """Nothing to do yet: whether this is a small file or a large one is known only later."""

    def _upload_chunk(self, final: bool = False) -> bool:
        """Send every block known not to be the last one; at ``final`` send the rest and finish.

        Returns False: the buffer is managed here (what is not sent yet stays in it). A failure cancels the
        large file, so no unfinished upload is left behind.
        """
        try:
            with translated(self.path):
                self._send_blocks(final)
        except BaseException:
            self._abandon()
            raise
        return False

    def _send_blocks(self, final: bool) -> None:
        if final and self._large is None:
            self._store_small(self.buffer.getvalue())
            self.buffer = io.BytesIO()
            return
        with self.buffer.getbuffer() as view:
            sent = 0
            while len(view) - sent > self.blocksize or (final and sent < len(view)):
                if self._large is None:
                    options = UploadOptions(content_type=self._content_type, file_info=self._file_info)
                    manager = self._bucket.api.upload_manager
                    self._large = manager.part_writer(self._bucket.id_, self._key, options)
                piece = bytes(view[sent : sent + self.blocksize])
                self._large.send_part(piece)
                sent += len(piece)
            rest = bytes(view[sent:])
        self.buffer = io.BytesIO()
        self.buffer.write(rest)
        if final and self.autocommit and self._large is not None:
            self._large.finish()

    def _abandon(self) -> None:
        """Cancel the large file after a failure (best effort: the original error is what matters)."""
        large, self._large = self._large, None
        if large is not None:
            with contextlib.suppress(B2Error):
                large.cancel()

    def _store_small(self, data: bytes) -> None:
        if self.autocommit:
            self._bucket.upload_bytes(data, self._key, self._content_type, self._file_info)
        else:
            self._pending_small = data

    def commit(self) -> None:
        """Make the file visible (for ``autocommit=False``: fsspec transactions)."""
        with translated(self.path):
            if self._large is not None:
                self._large.finish()
            elif self._pending_small is not None:
                self._bucket.upload_bytes(self._pending_small, self._key, self._content_type, self._file_info)
                self._pending_small = None
        self.fs.invalidate_cache(self.path)

    def discard(self) -> None:
        """Drop what was written: cancel the large file, forget the buffer."""
        self._pending_small = None
        self.buffer = io.BytesIO()
        if self._large is not None:
            large, self._large = self._large, None
            with translated(self.path):
                large.cancel()

    def __exit__(self, exc_type: type[BaseException] | None, *exc_details: object) -> None:
        """Close normally; after an exception a file being written is discarded, not finished."""
        if exc_type is not None and self.writable():
            try:
                self.discard()
            finally:
                self.closed = True
            return
        self.close()
