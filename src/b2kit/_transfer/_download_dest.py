"""Seed-era download destinations (``B2Api.download_file_by_id(file_id, download_dest, ...)``).

A destination hands out, per download, a context manager yielding a writable binary file; the download is
written into it and the context exits cleanly only when every check passed. :func:`download_to_destination`
connects a :class:`DownloadedFile` to one. :class:`DownloadDestLocalFile` writes a temporary
file beside the target and renames it into place on success, so a failed download leaves nothing behind.
"""

from __future__ import annotations

import io
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Any, cast

from b2kit._models import DownloadVersion
from b2kit._transfer._download import DownloadedFile, atomic_local_file, mod_time_millis
from b2kit._transfer._progress import AbstractProgressListener


class AbstractDownloadDestination(ABC):
    """Somewhere a download can be written."""

    @abstractmethod
    def make_file_context(
        self,
        file_id: str,
        file_name: str,
        content_length: int,
        content_type: str,
        content_sha1: str,
        file_info: Mapping[str, str],
        mod_time_millis: int,
        range_: tuple[int, int] | None = None,
    ) -> AbstractContextManager[IO[bytes]]:
        """A context manager yielding the file to write ``content_length`` bytes into.

        ``range_`` is the inclusive byte range being written, None for the whole file. If the block inside the
        context raises, the destination must not keep a partial result.
        """


class DownloadDestLocalFile(AbstractDownloadDestination):
    """A local path, replaced atomically once the download is complete and verified."""

    def __init__(self, local_file_path: str | os.PathLike[str]) -> None:
        self.local_file_path = Path(local_file_path)

    def make_file_context(
        self,
        file_id: str,
        file_name: str,
        content_length: int,
        content_type: str,
        content_sha1: str,
        file_info: Mapping[str, str],
        mod_time_millis: int,
        range_: tuple[int, int] | None = None,
    ) -> AbstractContextManager[IO[bytes]]:
        """Write to a temporary file beside the target; rename it into place and set its mtime on success."""
        return atomic_local_file(self.local_file_path, mod_time_millis)


class PreSeekedDownloadDest(DownloadDestLocalFile):
    """An existing local file written in place from ``seek_target`` (for filling in a range of it)."""

    def __init__(self, local_file_path: str | os.PathLike[str], seek_target: int) -> None:
        super().__init__(local_file_path)
        self.seek_target = seek_target

    def make_file_context(
        self,
        file_id: str,
        file_name: str,
        content_length: int,
        content_type: str,
        content_sha1: str,
        file_info: Mapping[str, str],
        mod_time_millis: int,
        range_: tuple[int, int] | None = None,
    ) -> AbstractContextManager[IO[bytes]]:
        """Open the existing file for update and position it at ``seek_target``."""
        return self._write_in_place()

    @contextmanager
    def _write_in_place(self) -> Iterator[IO[bytes]]:
        with self.local_file_path.open("r+b") as handle:
            handle.seek(self.seek_target)
            yield handle


class DownloadDestBytes(AbstractDownloadDestination):
    """Collects the download in memory (small files); :meth:`get_bytes_written` returns it."""

    def __init__(self) -> None:
        self._bytes: bytes | None = None
        self.file_id: str | None = None
        self.file_name: str | None = None
        self.content_length: int | None = None
        self.content_type: str | None = None
        self.content_sha1: str | None = None
        self.file_info: Mapping[str, str] = {}
        self.mod_time_millis: int | None = None
        self.range_: tuple[int, int] | None = None

    def make_file_context(
        self,
        file_id: str,
        file_name: str,
        content_length: int,
        content_type: str,
        content_sha1: str,
        file_info: Mapping[str, str],
        mod_time_millis: int,
        range_: tuple[int, int] | None = None,
    ) -> AbstractContextManager[IO[bytes]]:
        """Record the metadata and collect the bytes; they are kept only when the download succeeded."""
        self.file_id, self.file_name, self.content_length = file_id, file_name, content_length
        self.content_type, self.content_sha1, self.file_info = content_type, content_sha1, dict(file_info)
        self.mod_time_millis, self.range_ = mod_time_millis, range_
        return self._capture()

    @contextmanager
    def _capture(self) -> Iterator[IO[bytes]]:
        buffer = io.BytesIO()
        yield buffer
        self._bytes = buffer.getvalue()

    def get_bytes_written(self) -> bytes:
        """The downloaded bytes; RuntimeError when no download completed into this destination."""
        if self._bytes is None:
            raise RuntimeError("no download has completed into this destination")
        return self._bytes


class DownloadDestProgressWrapper(AbstractDownloadDestination):
    """Wraps another destination, reporting the bytes written to ``progress_listener``."""

    def __init__(
        self, download_dest: AbstractDownloadDestination, progress_listener: AbstractProgressListener
    ) -> None:
        self.download_dest = download_dest
        self.progress_listener = progress_listener

    def make_file_context(
        self,
        file_id: str,
        file_name: str,
        content_length: int,
        content_type: str,
        content_sha1: str,
        file_info: Mapping[str, str],
        mod_time_millis: int,
        range_: tuple[int, int] | None = None,
    ) -> AbstractContextManager[IO[bytes]]:
        """The wrapped destination's file, counting what is written into it."""
        inner = self.download_dest.make_file_context(
            file_id, file_name, content_length, content_type, content_sha1, file_info, mod_time_millis, range_
        )
        return self._counting(inner, content_length)

    @contextmanager
    def _counting(self, inner: AbstractContextManager[IO[bytes]], total: int) -> Iterator[IO[bytes]]:
        self.progress_listener.set_total_bytes(total)
        try:
            with inner as handle:
                # write() is all a download calls on it
                yield cast(IO[bytes], _ProgressWriter(handle, self.progress_listener))
        finally:
            self.progress_listener.close()


class _ProgressWriter(io.RawIOBase):
    """A write-only file that forwards to ``target`` and reports the running total."""

    def __init__(self, target: IO[bytes], listener: AbstractProgressListener) -> None:
        super().__init__()
        self._target = target
        self._listener = listener
        self._written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        count = self._target.write(data)
        self._written += count
        self._listener.bytes_completed(self._written)
        return count

    def flush(self) -> None:
        self._target.flush()


def download_to_destination(
    downloaded: DownloadedFile, download_dest: AbstractDownloadDestination
) -> dict[str, Any]:
    """Write ``downloaded`` into ``download_dest``; returns the seed-era metadata dict of the file."""
    version = downloaded.download_version
    with downloaded, destination_file(download_dest, version) as handle:
        downloaded.save(handle)
    return destination_metadata(version)


def destination_file(
    download_dest: AbstractDownloadDestination, version: DownloadVersion
) -> AbstractContextManager[IO[bytes]]:
    """The file context ``download_dest`` gives for ``version`` (ranged when the download is partial)."""
    partial = version.content_length != version.size
    return download_dest.make_file_context(
        version.id_,
        version.file_name,
        version.content_length,
        version.content_type,
        version.content_sha1 or "none",
        version.file_info,
        mod_time_millis(version),
        range_=version.range_ if partial else None,
    )


def destination_metadata(version: DownloadVersion) -> dict[str, Any]:
    """The seed-era metadata dict of a downloaded file version."""
    return {
        "fileId": version.id_,
        "fileName": version.file_name,
        "contentType": version.content_type,
        "contentLength": version.content_length,
        "contentSha1": version.content_sha1 or "none",
        "fileInfo": dict(version.file_info),
    }
