"""Uploads from threads: :mod:`._upload_plan`'s plans run with the sync session and the thread pool.

:class:`UploadManager` runs the upload plan (small vs large, parts, resume, SHA-1s: all decided there). Parts
are opened lazily by the worker that sends them (a file range, read in 1 MiB blocks; hashed on the way when no
SHA-1 is known yet; a local file's part with a known SHA-1 by ``sendfile``), so memory stays at about
workers x block size. Streams of unknown length are read here, one part buffer at a time, while earlier
parts go up.
"""

from __future__ import annotations

import threading
from concurrent.futures import Executor, Future, wait
from typing import Any, BinaryIO

from b2kit._models import FileVersion
from b2kit._transfer._part_planning import PartSizeLimits, plan_parts
from b2kit._transfer._part_writer import LargeFilePartWriter
from b2kit._transfer._progress import AbstractProgressListener, ProgressReporter
from b2kit._transfer._session_contract import TransferSession
from b2kit._transfer._steps import StepRunner, finish
from b2kit._transfer._upload_plan import (
    MAX_UNBOUND_PARTS_IN_FLIGHT,
    UploadOptions,
    UploadPlan,
    large_file_info,
    small_file_steps,
    start_large_file_steps,
    stream_part_steps,
)
from b2kit._transfer._upload_source import UploadSource, UploadSourceBytes

__all__ = ["MAX_UNBOUND_PARTS_IN_FLIGHT", "UploadManager", "UploadOptions"]


class UploadManager:
    """Uploads sources to a bucket; workers come from the ``executor`` (the B2Api thread pool).

    Call it from a thread that is not one of the executor's workers: a large upload waits for its parts.
    """

    def __init__(self, session: TransferSession, executor: Executor, max_workers: int) -> None:
        self._session = session
        self._executor = executor
        self._max_workers = max(1, max_workers)

    # --- public ------------------------------------------------------------------------------------------

    def part_size_limits(self) -> PartSizeLimits:
        """The part sizes of the authorized account."""
        info = self._session.account_info
        return PartSizeLimits(
            absolute_minimum=info.get_absolute_minimum_part_size(),
            recommended=info.get_recommended_part_size(),
        )

    def upload(
        self,
        bucket_id: str,
        file_name: str,
        source: UploadSource,
        options: UploadOptions | None = None,
        progress_listener: AbstractProgressListener | None = None,
    ) -> dict[str, Any]:
        """Upload ``source`` as ``file_name``; returns the file JSON of the new version."""
        return dict(self.upload_version(bucket_id, file_name, source, options, progress_listener).raw)

    def upload_version(
        self,
        bucket_id: str,
        file_name: str,
        source: UploadSource,
        options: UploadOptions | None = None,
        progress_listener: AbstractProgressListener | None = None,
    ) -> FileVersion:
        """:meth:`upload`, returning the new version as a :class:`FileVersion`."""
        opts = options or UploadOptions()
        reporter = ProgressReporter(progress_listener, source.content_length)
        try:
            limits = self.part_size_limits()
            plan = UploadPlan(bucket_id, file_name, source, opts, reporter, limits, self._max_workers)
            return self._runner().run(plan.steps())
        finally:
            reporter.close()

    def upload_unbound_stream(
        self,
        bucket_id: str,
        file_name: str,
        stream: BinaryIO,
        options: UploadOptions | None = None,
        progress_listener: AbstractProgressListener | None = None,
        parts_in_flight: int = MAX_UNBOUND_PARTS_IN_FLIGHT,
        read_size: int | None = None,
    ) -> dict[str, Any]:
        """:meth:`upload_unbound_stream_version`, returning the file JSON of the new version."""
        version = self.upload_unbound_stream_version(
            bucket_id, file_name, stream, options, progress_listener, parts_in_flight, read_size
        )
        return dict(version.raw)

    def upload_unbound_stream_version(
        self,
        bucket_id: str,
        file_name: str,
        stream: BinaryIO,
        options: UploadOptions | None = None,
        progress_listener: AbstractProgressListener | None = None,
        parts_in_flight: int = MAX_UNBOUND_PARTS_IN_FLIGHT,
        read_size: int | None = None,
    ) -> FileVersion:
        """Upload a stream of unknown length, buffering one part at a time.

        If the stream ends within one part it is a small upload; otherwise a large file whose parts are sent
        while the next is read (at most ``parts_in_flight`` + 1 part buffers alive). The listener
        learns the total at the end. Unbound uploads are not resumable. Each read of ``stream`` asks for at
        most ``read_size`` bytes (None: what is left of the part buffer).
        """
        opts = options or UploadOptions()
        reporter = ProgressReporter(progress_listener)
        try:
            limits = self.part_size_limits()
            size = opts.part_size or limits.effective_recommended
            plan_parts(size, limits, size)  # validates the override against the account's limits
            upload = _UnboundUpload(self, bucket_id, file_name, stream, opts, reporter, size, read_size)
            return upload.run(parts_in_flight)
        finally:
            reporter.close()

    def part_writer(
        self, bucket_id: str, file_name: str, options: UploadOptions | None = None
    ) -> LargeFilePartWriter:
        """Start a large file whose parts the caller sends as it has them (no resume, no part planning)."""
        settings = (options or UploadOptions()).new_file_settings()
        return LargeFilePartWriter(self._session, bucket_id, file_name, settings)

    def _runner(self) -> StepRunner:
        return StepRunner(self._session, self._executor)


class _UnboundUpload:
    """One upload of a stream of unknown length (state of the read-ahead loop)."""

    def __init__(
        self,
        manager: UploadManager,
        bucket_id: str,
        file_name: str,
        stream: BinaryIO,
        opts: UploadOptions,
        reporter: ProgressReporter,
        part_size: int,
        read_size: int | None = None,
    ) -> None:
        self._manager = manager
        self._read_size = read_size
        self._bucket_id = bucket_id
        self._file_name = file_name
        self._stream = stream
        self._opts = opts
        self._reporter = reporter
        self._part_size = part_size
        self._runner = manager._runner()

    def run(self, parts_in_flight: int) -> FileVersion:
        first = self._next_buffer()
        second = self._next_buffer() if len(first) == self._part_size else bytearray()
        if not second:
            self._reporter.set_total_bytes(len(first))
            source = UploadSourceBytes(first)
            steps = small_file_steps(self._bucket_id, self._file_name, source, self._opts, self._reporter)
            return self._runner.run(steps)
        return self._run_large(first, second, parts_in_flight)

    def _run_large(self, first: bytearray, second: bytearray, parts_in_flight: int) -> FileVersion:
        file_info = large_file_info(self._opts, self._opts.large_file_sha1)
        start = start_large_file_steps(self._bucket_id, self._file_name, file_info, self._opts)
        file_id = self._runner.run(start)
        slots = threading.BoundedSemaphore(max(1, min(self._manager._max_workers, parts_in_flight)))
        futures: list[Future[str]] = []
        total = 0
        buffer = first
        pending: bytearray | None = second
        try:
            while buffer and not _any_failed(futures):
                total += len(buffer)
                futures.append(self._submit_part(file_id, len(futures) + 1, buffer, slots))
                buffer, pending = (pending, None) if pending is not None else (self._next_buffer(), None)
        finally:
            wait(futures)
        sha1s = [future.result() for future in futures]
        self._reporter.set_total_bytes(total)
        return self._runner.run(finish(file_id, sha1s))

    def _next_buffer(self) -> bytearray:
        return _read_exactly(self._stream, self._part_size, self._read_size)

    def _submit_part(
        self, file_id: str, number: int, data: bytearray, slots: threading.BoundedSemaphore
    ) -> Future[str]:
        slots.acquire()
        steps = stream_part_steps(file_id, number, data, self._reporter.stream_progress(), self._opts)

        def send() -> str:
            try:
                return self._runner.run(steps)
            finally:
                slots.release()

        try:
            return self._manager._executor.submit(send)
        except BaseException:
            slots.release()
            raise


def _any_failed(futures: list[Future[str]]) -> bool:
    return any(future.done() and future.exception() is not None for future in futures)


def _read_exactly(stream: BinaryIO, size: int, read_size: int | None = None) -> bytearray:
    """Read until ``size`` bytes or the end of the stream, into one buffer (no intermediate copies), each
    read asking for at most ``read_size`` bytes (None: the rest of the buffer)."""
    buffer = bytearray(size)
    filled = 0
    step = read_size or size
    with memoryview(buffer) as view:
        while filled < size:
            count = _read_into(stream, view[filled : filled + step])
            if not count:
                break
            filled += count
    del buffer[filled:]
    return buffer


def _read_into(stream: BinaryIO, target: memoryview) -> int:
    readinto = getattr(stream, "readinto", None)
    if readinto is not None:
        return int(readinto(target) or 0)
    data = stream.read(len(target))
    target[: len(data)] = data
    return len(data)
