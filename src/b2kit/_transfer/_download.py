"""Downloads: a streamed :class:`DownloadedFile`, checked for length and SHA-1 in the same pass.

A download starts with one GET whose headers become a :class:`DownloadVersion`; the body is
read only when asked (``iter_content``, ``read``, ``save``, ``save_to``). When a body breaks, the remaining
range is requested again (same file id required), so a flaky connection costs a reconnect, not a restart.

``save``/``save_to`` of a large body to a real file uses parallel ranged streams
(:mod:`._parallel_save`), with the SHA-1 computed in order as the stripes arrive, never read back.
``save_to`` writes a temporary file in the destination directory and renames it into place only after every
check passed, so a failed download never leaves a half-written destination.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Final

from b2kit._exceptions import FileNotPresent
from b2kit._models import DownloadVersion, EncryptionSetting
from b2kit._protocol import SRC_LAST_MODIFIED_MILLIS
from b2kit._transfer._download_plan import (
    ByteSpan,
    check_download,
    content_steps,
    expected_sha1,
    served_version,
)
from b2kit._transfer._download_range import RangeFetcher
from b2kit._transfer._parallel_save import CHUNK_SIZE, ParallelPlan, ParallelSave
from b2kit._transfer._progress import AbstractProgressListener, ProgressReporter
from b2kit._transfer._session_contract import StreamingResponse, TransferSession
from b2kit._transfer._steps import StepRunner
from b2kit._transport._retry import DEFAULT_RETRY_POLICY, RetryPolicy
from b2kit._wire import DownloadFile

MAX_DEFAULT_STRIPE_SIZE: Final = 32 * 1024 * 1024
"""Default bytes per ranged request of a parallel download: the account's recommended part size, capped."""

MAX_VERIFIED_STRIPE_SIZE: Final = 8 * 1024 * 1024
"""Stripe cap when the SHA-1 is checked (later stripes wait in memory for the hash front)."""

DEFAULT_MAX_BUFFERED_BYTES: Final = 24 * 1024 * 1024
"""Received bytes a parallel download may hold in memory while they wait to be hashed in order."""

_PARTIAL_SUFFIX: Final = ".b2kit-partial"
_CREATE_ATTEMPTS: Final = 100


@dataclass(frozen=True)
class DownloadTuning:
    """Knobs of parallel saves; the defaults suit both real B2 and a local server.

    ``stripe_size``: bytes per ranged request (default: the account's recommended part size, at most
    32 MiB). ``streams_per_file``: parallel streams of one save (default: two per CPU, at most the
    workers; more streams than cores mostly adds GIL contention). ``max_buffered_bytes``: received bytes
    allowed to wait for the in-order SHA-1.
    """

    stripe_size: int | None = None
    streams_per_file: int | None = None
    max_buffered_bytes: int = DEFAULT_MAX_BUFFERED_BYTES

    def __post_init__(self) -> None:
        if self.stripe_size is not None and self.stripe_size < 1:
            raise ValueError(f"stripe_size must be positive, not {self.stripe_size}")
        if self.streams_per_file is not None and self.streams_per_file < 1:
            raise ValueError(f"streams_per_file must be positive, not {self.streams_per_file}")
        if self.max_buffered_bytes < 0:
            raise ValueError(f"max_buffered_bytes must not be negative, not {self.max_buffered_bytes}")


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
        fetcher: RangeFetcher,
        progress_listener: AbstractProgressListener | None,
    ) -> None:
        self._manager = manager
        self._version = version
        self._response: StreamingResponse | None = response
        self._fetcher = fetcher
        self._reporter = ProgressReporter(progress_listener, version.content_length)
        self._span = ByteSpan(version.range_[0], version.range_[0] + version.content_length - 1)
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
        plan = content_steps(
            self._version, self._span, self._fetcher.source, chunk_size, response, self._reporter
        )
        yield from self._fetcher.runner.iterate(plan)

    def read(self) -> bytes:
        """The whole body in memory (only for content known to be small)."""
        return b"".join(self.iter_content())

    def save(self, file: IO[bytes], allow_seeking: bool = True) -> None:
        """Write the body to ``file`` from its current position (in parallel when ``file`` is a real file)."""
        fd = _usable_fd(file) if allow_seeking else None
        expected = self._expected_sha1()
        read_back = fd is not None and _readable(file)
        plan = self._manager.parallel_plan(
            self._span.length, hash_sha1=expected is not None, read_back=read_back
        )
        if fd is None or plan is None:
            for chunk in self.iter_content():
                file.write(chunk)
            return
        file.flush()
        start = file.tell()
        first_response = self._take_response()
        try:
            saved = ParallelSave(self._manager.executor, self._fetcher, plan, self._reporter).run(
                self._span, first_response, fd, start
            )
            self._check(saved.received, saved.sha1)
        finally:
            self._reporter.close()
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

    def _take_response(self) -> StreamingResponse | None:
        if self._consumed:
            raise RuntimeError("the body of this download has already been read")
        self._consumed = True
        response, self._response = self._response, None
        return response

    def _expected_sha1(self) -> str | None:
        return expected_sha1(self._version, self._span)

    def _check(self, received: int, actual_sha1: str | None) -> None:
        check_download(self._version, self._span, received, actual_sha1)


class DownloadManager:
    """Starts downloads by file id, by name or by URL; parallel saves run on ``executor``."""

    def __init__(
        self,
        session: TransferSession,
        executor: Executor,
        max_workers: int,
        tuning: DownloadTuning | None = None,
        retry_policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    ) -> None:
        self._session = session
        self.executor = executor
        self.max_workers = max(1, max_workers)
        self.tuning = tuning or DownloadTuning()
        self._runner = StepRunner(session)
        self.resume_policy = retry_policy.without_pauses()
        """Resumes of a broken body: the client's retry policy, resumed at once (the server is not busy)."""

    @property
    def stripe_size(self) -> int:
        """Bytes per ranged request of a parallel save (by default from the account's part size)."""
        if self.tuning.stripe_size is not None:
            return self.tuning.stripe_size
        recommended = self._session.account_info.get_recommended_part_size()
        return max(1, min(recommended, MAX_DEFAULT_STRIPE_SIZE))

    @property
    def streams_per_file(self) -> int:
        """Parallel streams of one save: the tuning's, else two per CPU, never more than the workers."""
        wanted = self.tuning.streams_per_file or 2 * (os.cpu_count() or 1)
        return max(1, min(self.max_workers, wanted))

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
        try:
            return self.download_file_from_url(url, progress_listener, range_, encryption)
        except FileNotPresent as exc:
            raise FileNotPresent.by_name(bucket_name, file_name) from exc

    def download_file_from_url(
        self,
        url: str,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        encryption: EncryptionSetting | None = None,
    ) -> DownloadedFile:
        """Send the GET, read the headers, and hand back the unread body."""
        response = self._session.download(DownloadFile(url, range_, encryption))
        try:
            version = served_version(response.headers, range_)
        except BaseException:
            response.close()
            raise
        fetcher = RangeFetcher(self._session, url, version, encryption, self.resume_policy, self._runner)
        return DownloadedFile(self, version, response, fetcher, progress_listener)

    def parallel_plan(self, length: int, hash_sha1: bool, read_back: bool = False) -> ParallelPlan | None:
        """How to save ``length`` bytes in parallel, or None when one stream is as good.

        When the SHA-1 is checked, stripes are smaller (measured: 32 MiB stripes cost 0.7 s of system time
        per 256 MiB against 0.2-0.5 s for 8 MiB ones). When it is checked in memory (not ``read_back``),
        there are no more streams than the in-order hash buffer can feed (more would only wait for the front).
        """
        in_memory = hash_sha1 and not read_back
        stripe = min(self.stripe_size, MAX_VERIFIED_STRIPE_SIZE) if hash_sha1 else self.stripe_size
        streams = self.streams_per_file
        if streams < 2 or length < 2 * stripe:
            return None
        buffered = self.tuning.max_buffered_bytes
        if in_memory:
            streams = min(streams, 1 + buffered // stripe)
        return ParallelPlan(stripe, streams, hash_sha1, buffered, read_back=hash_sha1 and read_back)


def mod_time_millis(version: DownloadVersion) -> int:
    """``src_last_modified_millis`` when the uploader recorded it, else the upload time."""
    value = version.file_info.get(SRC_LAST_MODIFIED_MILLIS, "")
    return int(value) if value.isdigit() else version.upload_timestamp


@contextmanager
def atomic_local_file(path: str | os.PathLike[str], mod_time_millis: int) -> Iterator[IO[bytes]]:
    """A temporary file beside ``path``; renamed to ``path`` (with that mtime) only if the block succeeds.

    The temporary file is created with mode 0o666 so the process umask applies as for any new file (no
    umask juggling, which would not be thread-safe).
    """
    target = Path(path)
    fd, temp = _create_partial(target)
    try:
        with os.fdopen(fd, "w+b") as handle:
            yield handle
        mtime_ns = mod_time_millis * 1_000_000
        os.utime(temp, ns=(mtime_ns, mtime_ns))
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _create_partial(target: Path) -> tuple[int, Path]:
    """Create ``.<name>.<random>.b2kit-partial`` beside ``target`` exclusively; returns (fd, path).

    Other failures (a missing directory, no permission) name ``target``, never the temporary name.
    """
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_CREATE_ATTEMPTS):
        temp = target.with_name(f".{target.name}.{os.urandom(6).hex()}{_PARTIAL_SUFFIX}")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
        except OSError as exc:
            raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    raise FileExistsError(f"could not create a temporary file beside {target}")


def _readable(file: IO[bytes]) -> bool:
    """Whether ``file`` was opened for reading too (its bytes can then be hashed back from the page cache)."""
    try:
        return bool(file.readable())
    except (AttributeError, OSError, ValueError):
        return False


def _usable_fd(file: IO[bytes]) -> int | None:
    """The descriptor of a seekable regular file, or None when ``file`` is not one."""
    try:
        if not file.seekable():
            return None
        return file.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None
