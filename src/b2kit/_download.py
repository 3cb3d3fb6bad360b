"""Downloads: a streamed :class:`DownloadedFile`, checked for length and SHA-1 in the same pass.

A download starts with one GET whose headers become a :class:`~b2kit._models.DownloadVersion`; the body is
read only when asked (``iter_content``, ``read``, ``save``, ``save_to``). When a body breaks, the remaining
range is requested again (same file id required), so a flaky connection costs a reconnect, not a restart.

``save``/``save_to`` of a large body to a real file uses parallel ranged streams: the content is cut into
stripes, taken in order by up to ``max_workers`` threads and written at their offsets with ``os.pwrite``.
The SHA-1 is computed in order while the stripes arrive: the stripe at the hash front is hashed as it is
received, later stripes keep their chunks in memory until the front reaches them (bounded by
``max_buffered_bytes``: a thread that would exceed it waits, and no more streams run than that buffer can
feed). Nothing is read back from disk.
``save_to`` writes a temporary file in the destination directory and renames it into place only after every
check passed, so a failed download never leaves a half-written destination.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import Executor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Final

from b2kit._exceptions import (
    B2Error,
    ChecksumMismatch,
    InvalidRange,
    TruncatedOutput,
    UnexpectedCloudBehaviour,
)
from b2kit._models import DownloadVersion, EncryptionSetting
from b2kit._progress import AbstractProgressListener, ProgressReporter
from b2kit._protocol import LARGE_FILE_SHA1, SHA1_HEX_LENGTH, SRC_LAST_MODIFIED_MILLIS
from b2kit._transfer_session import StreamingResponse, TransferSession

logger = logging.getLogger(__name__)

CHUNK_SIZE: Final = 1024 * 1024
"""Bytes read from the network per call."""

MAX_DEFAULT_STRIPE_SIZE: Final = 32 * 1024 * 1024
"""Default bytes per ranged request of a parallel download: the account's recommended part size, capped."""

MAX_VERIFIED_STRIPE_SIZE: Final = 8 * 1024 * 1024
"""Stripe cap when the SHA-1 is checked (later stripes wait in memory for the hash front)."""

DEFAULT_MAX_BUFFERED_BYTES: Final = 24 * 1024 * 1024
"""Received bytes a parallel download may hold in memory while they wait to be hashed in order."""

MAX_RESUMES: Final = 5
"""Range re-requests allowed in a row without receiving a byte before a stream is given up."""

_PARTIAL_SUFFIX: Final = ".b2kit-partial"


@dataclass(frozen=True)
class _Span:
    """Inclusive byte range ``first..last`` of the file (empty when ``last < first``)."""

    first: int
    last: int

    @property
    def length(self) -> int:
        return max(0, self.last - self.first + 1)


class _RangeFetcher:
    """Opens byte ranges of one file version (for resumes and stripes), refusing a different version."""

    def __init__(
        self,
        session: TransferSession,
        url: str,
        version: DownloadVersion,
        encryption: EncryptionSetting | None,
    ) -> None:
        self._session = session
        self._url = url
        self._version = version
        self._encryption = encryption

    def open(self, span: _Span) -> StreamingResponse:
        """GET ``span``; checks the answer serves the same file id and exactly that range."""
        response = self._session.download_file_from_url(
            self._url, (span.first, span.last), encryption=self._encryption
        )
        try:
            served = DownloadVersion.from_response_headers(response.headers)
            if served.id_ != self._version.id_:
                raise UnexpectedCloudBehaviour(
                    f"{self._version.file_name} changed during the download "
                    f"(file id {self._version.id_} became {served.id_})"
                )
            if served.range_[0] != span.first or served.content_length != span.length:
                raise UnexpectedCloudBehaviour(
                    f"asked for bytes {span.first}-{span.last}, got {served.content_length} bytes "
                    f"from {served.range_[0]}"
                )
        except BaseException:
            response.close()
            raise
        return response


def _read_span(
    fetcher: _RangeFetcher,
    span: _Span,
    chunk_size: int,
    response: StreamingResponse | None = None,
) -> Iterator[bytes]:
    """Yield exactly ``span.length`` bytes, re-requesting the rest of the span when the body breaks."""
    position = span.first
    current = response
    failures = 0
    try:
        while position <= span.last:
            if current is None:
                current = fetcher.open(_Span(position, span.last))
            try:
                data = current.read(min(chunk_size, span.last - position + 1))
            except B2Error as exc:
                if not exc.should_retry_http():
                    raise
                data = b""
            if data:
                position += len(data)
                failures = 0
                yield data
                continue
            failures += 1
            current.close()
            current = None
            if failures > MAX_RESUMES:
                raise TruncatedOutput(position - span.first, span.length)
            logger.debug("download body broke at byte %d; resuming with a range request", position)
    finally:
        if current is not None:
            current.close()


class _OrderedHasher:
    """SHA-1 over stripes that arrive out of order, hashing in order without reading anything back.

    The front stripe is hashed as it arrives; chunks of later stripes wait in memory. ``feed`` blocks a
    non-front stripe while more than ``max_buffered`` bytes wait, which keeps memory bounded (the front never
    waits, so the download always progresses).
    """

    def __init__(self, max_buffered: int) -> None:
        self._sha1 = hashlib.sha1(usedforsecurity=False)
        self._cond = threading.Condition()
        self._front = 0
        self._waiting: dict[int, list[bytes]] = {}
        self._complete: set[int] = set()
        self._buffered = 0
        self._max_buffered = max_buffered
        self._aborted = False

    def hexdigest(self) -> str:
        return self._sha1.hexdigest()

    def feed(self, index: int, chunk: bytes) -> None:
        with self._cond:
            while index != self._front and self._buffered >= self._max_buffered and not self._aborted:
                self._cond.wait()
            if self._aborted:
                raise _Aborted()
            if index == self._front:
                self._sha1.update(chunk)
            else:
                self._waiting.setdefault(index, []).append(chunk)
                self._buffered += len(chunk)

    def finish(self, index: int) -> None:
        with self._cond:
            self._complete.add(index)
            while self._front in self._complete:
                self._front += 1
                for chunk in self._waiting.pop(self._front, []):
                    self._sha1.update(chunk)
                    self._buffered -= len(chunk)
            self._cond.notify_all()

    def abort(self) -> None:
        with self._cond:
            self._aborted = True
            self._cond.notify_all()


class _Aborted(Exception):
    """Another stripe failed; this one stops."""


class DownloadedFile:
    """A download whose body has not been read yet; read it once, by one of the methods below.

    Use it as a context manager (or call :meth:`close`) so the connection is released even when the body is
    not read. ``download_version`` holds what the headers said about the file.
    """

    def __init__(
        self,
        manager: DownloadManager,
        version: DownloadVersion,
        response: StreamingResponse,
        fetcher: _RangeFetcher,
        progress_listener: AbstractProgressListener | None,
    ) -> None:
        self._manager = manager
        self._version = version
        self._response: StreamingResponse | None = response
        self._fetcher = fetcher
        self._reporter = ProgressReporter(progress_listener, version.content_length)
        self._span = _Span(version.range_[0], version.range_[0] + version.content_length - 1)
        self._consumed = False

    @property
    def download_version(self) -> DownloadVersion:
        """Metadata of the file version being downloaded."""
        return self._version

    @property
    def content_length(self) -> int:
        """Bytes this download delivers (the range length for a ranged download)."""
        return self._version.content_length

    def iter_content(self, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """Yield the body in chunks; the length and (whole-file) SHA-1 are checked after the last chunk."""
        response = self._take_response()
        sha1 = hashlib.sha1(usedforsecurity=False)
        received = 0
        try:
            for chunk in _read_span(self._fetcher, self._span, chunk_size, response):
                sha1.update(chunk)
                received += len(chunk)
                self._reporter.add(len(chunk))
                yield chunk
            self._check(received, sha1.hexdigest())
        finally:
            self._reporter.close()

    def read(self) -> bytes:
        """The whole body in memory (only for content known to be small)."""
        return b"".join(self.iter_content())

    def save(self, file: IO[bytes], allow_seeking: bool = True) -> None:
        """Write the body to ``file`` from its current position (in parallel when ``file`` is a real file)."""
        fd = _usable_fd(file) if allow_seeking else None
        stripe = self._manager.stripe_size_for(verified=self._expected_sha1() is not None)
        if fd is None or self._manager.max_workers < 2 or self._span.length < 2 * stripe:
            for chunk in self.iter_content():
                file.write(chunk)
            return
        file.flush()
        start = file.tell()
        _ParallelSave(self, fd, start).run()
        file.seek(start + self._span.length)

    def save_to(self, path: str | os.PathLike[str]) -> None:
        """Write the body to ``path`` atomically: a temporary file beside it, renamed only when complete."""
        with atomic_local_file(path, mod_time_millis(self._version)) as handle:
            self.save(handle)

    def close(self) -> None:
        """Release the connection if the body was not read."""
        if self._response is not None:
            self._response.close()
            self._response = None
        self._reporter.close()

    def __enter__(self) -> DownloadedFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- shared with the parallel writer -------------------------------------------------------------------

    def _take_response(self) -> StreamingResponse | None:
        if self._consumed:
            raise RuntimeError("the body of this download has already been read")
        self._consumed = True
        response, self._response = self._response, None
        return response

    def _expected_sha1(self) -> str | None:
        """The SHA-1 to check, when this download covers the whole file and one is known."""
        if self._span.first != 0 or self._span.length != self._version.size:
            return None
        sha1 = self._version.content_sha1
        if sha1 is None or sha1 == "none":
            sha1 = self._version.file_info.get(LARGE_FILE_SHA1)
        if sha1 is None or len(sha1) != SHA1_HEX_LENGTH:
            return None
        return sha1.lower()

    def _check(self, received: int, actual_sha1: str | None) -> None:
        if received != self._span.length:
            raise TruncatedOutput(received, self._span.length)
        expected = self._expected_sha1()
        if expected is not None and actual_sha1 is not None and actual_sha1 != expected:
            raise ChecksumMismatch("sha1", expected, actual_sha1)


class _ParallelSave:
    """One parallel download into a file descriptor: stripes in order, written with ``pwrite``."""

    def __init__(self, downloaded: DownloadedFile, fd: int, start: int) -> None:
        self._file = downloaded
        self._manager = downloaded._manager
        self._fd = fd
        self._start = start
        span = downloaded._span
        self._verify = downloaded._expected_sha1() is not None
        size = self._manager.stripe_size_for(verified=self._verify)
        self._stripes = [
            _Span(first, min(first + size - 1, span.last)) for first in range(span.first, span.last + 1, size)
        ]
        self._streams = min(self._manager.max_workers, len(self._stripes))
        if self._verify:  # more streams than the buffer can hold would only wait for the hash front
            self._streams = min(self._streams, 1 + self._manager.max_buffered_bytes // size)
        self._hasher = _OrderedHasher(self._manager.max_buffered_bytes)
        self._next = 0
        self._lock = threading.Lock()
        self._first_response = downloaded._take_response()
        self._received = 0

    def run(self) -> None:
        futures = [self._manager.executor.submit(self._work) for _ in range(self._streams)]
        wait(futures)
        errors = [exc for future in futures if (exc := future.exception()) is not None]
        real = [exc for exc in errors if not isinstance(exc, _Aborted)]
        try:
            if real or errors:
                first = (real or errors)[0]
                if isinstance(first, TruncatedOutput):
                    raise TruncatedOutput(self._received, self._file._span.length) from first
                raise first
            self._file._check(self._received, self._hasher.hexdigest() if self._verify else None)
        finally:
            self._file._reporter.close()

    def _claim(self) -> int | None:
        with self._lock:
            if self._next >= len(self._stripes):
                return None
            index, self._next = self._next, self._next + 1
            return index

    def _work(self) -> None:
        try:
            while (index := self._claim()) is not None:
                self._write_stripe(index)
        except BaseException:
            self._hasher.abort()
            with self._lock:
                self._next = len(self._stripes)
            raise

    def _write_stripe(self, index: int) -> None:
        stripe = self._stripes[index]
        response = self._first_response if index == 0 else None
        offset = self._start + stripe.first - self._stripes[0].first
        for chunk in _read_span(self._file._fetcher, stripe, CHUNK_SIZE, response):
            _pwrite_all(self._fd, chunk, offset)
            offset += len(chunk)
            if self._verify:
                self._hasher.feed(index, chunk)
            self._file._reporter.add(len(chunk))
            with self._lock:
                self._received += len(chunk)
        self._hasher.finish(index)


class DownloadManager:
    """Starts downloads by file id, by name or by URL; parallel saves run on ``executor``."""

    def __init__(
        self,
        session: TransferSession,
        executor: Executor,
        max_workers: int,
        stripe_size: int | None = None,
        max_buffered_bytes: int = DEFAULT_MAX_BUFFERED_BYTES,
    ) -> None:
        if (stripe_size is not None and stripe_size < 1) or max_buffered_bytes < 0:
            raise ValueError("stripe_size must be positive and max_buffered_bytes not negative")
        self._session = session
        self.executor = executor
        self.max_workers = max(1, max_workers)
        self._stripe_size = stripe_size
        self.max_buffered_bytes = max_buffered_bytes

    @property
    def stripe_size(self) -> int:
        """Bytes per ranged request of a parallel save (by default from the account's part size)."""
        if self._stripe_size is not None:
            return self._stripe_size
        recommended = self._session.account_info.get_recommended_part_size()
        return max(1, min(recommended, MAX_DEFAULT_STRIPE_SIZE))

    def download_file_by_id(
        self,
        file_id: str,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        encryption: EncryptionSetting | None = None,
    ) -> DownloadedFile:
        """Start downloading a file version by id (``range_`` inclusive)."""
        url = self._session.get_download_url_by_id(file_id)
        return self.download_file_from_url(url, progress_listener, range_, encryption)

    def download_file_by_name(
        self,
        bucket_name: str,
        file_name: str,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        encryption: EncryptionSetting | None = None,
    ) -> DownloadedFile:
        """Start downloading the current version of ``file_name`` (``range_`` inclusive)."""
        url = self._session.get_download_url_by_name(bucket_name, file_name)
        return self.download_file_from_url(url, progress_listener, range_, encryption)

    def download_file_from_url(
        self,
        url: str,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        encryption: EncryptionSetting | None = None,
    ) -> DownloadedFile:
        """Send the GET, read the headers, and hand back the unread body."""
        response = self._session.download_file_from_url(url, range_, encryption=encryption)
        try:
            version = DownloadVersion.from_response_headers(response.headers)
            if range_ is not None and (
                version.range_[0] != range_[0] or version.content_length != range_[1] - range_[0] + 1
            ):
                raise InvalidRange(version.size, range_)
        except BaseException:
            response.close()
            raise
        fetcher = _RangeFetcher(self._session, url, version, encryption)
        return DownloadedFile(self, version, response, fetcher, progress_listener)

    def stripe_size_for(self, verified: bool) -> int:
        """The stripe size of a parallel save; smaller when the SHA-1 is checked in order."""
        return min(self.stripe_size, MAX_VERIFIED_STRIPE_SIZE) if verified else self.stripe_size


def mod_time_millis(version: DownloadVersion) -> int:
    """``src_last_modified_millis`` when the uploader recorded it, else the upload time."""
    value = version.file_info.get(SRC_LAST_MODIFIED_MILLIS, "")
    return int(value) if value.isdigit() else version.upload_timestamp


@contextmanager
def atomic_local_file(path: str | os.PathLike[str], mod_time_millis: int) -> Iterator[IO[bytes]]:
    """A temporary file beside ``path``; renamed to ``path`` (with that mtime) only if the block succeeds."""
    target = Path(path)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=_PARTIAL_SUFFIX)
    temp = Path(temp_name)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w+b") as handle:
            yield handle
        mtime_ns = mod_time_millis * 1_000_000
        os.utime(temp, ns=(mtime_ns, mtime_ns))
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process umask (read by setting and restoring it: there is no read-only call)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _usable_fd(file: IO[bytes]) -> int | None:
    """The descriptor of a seekable regular file, or None when ``file`` is not one."""
    try:
        if not file.seekable():
            return None
        return file.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None


def _pwrite_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view = view[written:]
        offset += written
