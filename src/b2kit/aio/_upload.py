"""Async uploads: :mod:`b2kit._transfer._upload_plan`'s plans run on the event loop, and async streams.

Every decision (small vs large, part plan, the one up-front read for ``large_file_sha1`` and the parts'
SHA-1s, resuming a matching unfinished large file, SHA-1 checks, finishing) is the sync client's, in the
shared plan; :class:`~b2kit.aio._steps.AsyncStepRunner` performs its effects. Source reads and hashing of
anything above 128 KiB run in the executor, so the loop never blocks on them; parts go up as tasks, at most
``max_workers`` at a time per upload, and the transport's connection limit bounds them across uploads. A
cancelled upload cancels its parts: their connections close and their upload URLs are never reused; a
cancelled large file stays unfinished on the server, and uploading it again with the same options resumes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable
from concurrent.futures import Executor
from typing import Any

from b2kit._models import FileVersion
from b2kit._transfer._part_planning import PartSizeLimits, plan_parts
from b2kit._transfer._progress import AbstractProgressListener, ProgressReporter
from b2kit._transfer._steps import finish
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
from b2kit.aio._session import AsyncB2Session
from b2kit.aio._steps import AsyncStepRunner
from b2kit.aio._tasks import task_group


class AsyncUploadManager:
    """Uploads sources to a bucket from the event loop; blocking reads and hashing go to ``executor``."""

    def __init__(self, session: AsyncB2Session, executor: Executor, max_workers: int) -> None:
        self._session = session
        self._runner = AsyncStepRunner(session, executor)
        self.max_workers = max(1, max_workers)

    def part_size_limits(self) -> PartSizeLimits:
        info = self._session.account_info
        return PartSizeLimits(info.get_absolute_minimum_part_size(), info.get_recommended_part_size())

    # --- public ------------------------------------------------------------------------------------------

    async def upload(
        self,
        bucket_id: str,
        file_name: str,
        source: UploadSource,
        options: UploadOptions | None = None,
        progress_listener: AbstractProgressListener | None = None,
    ) -> dict[str, Any]:
        """Upload ``source`` as ``file_name``; returns the file JSON of the new version."""
        return dict((await self.upload_version(bucket_id, file_name, source, options, progress_listener)).raw)

    async def upload_version(
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
            plan = UploadPlan(bucket_id, file_name, source, opts, reporter, limits, self.max_workers)
            return await self._runner.run(plan.steps())
        finally:
            reporter.close()

    async def upload_stream(
        self,
        bucket_id: str,
        file_name: str,
        stream: AsyncIterable[bytes],
        options: UploadOptions | None = None,
        progress_listener: AbstractProgressListener | None = None,
        parts_in_flight: int = MAX_UNBOUND_PARTS_IN_FLIGHT,
    ) -> dict[str, Any]:
        """:meth:`upload_stream_version`, returning the file JSON of the new version."""
        version = await self.upload_stream_version(
            bucket_id, file_name, stream, options, progress_listener, parts_in_flight
        )
        return dict(version.raw)

    async def upload_stream_version(
        self,
        bucket_id: str,
        file_name: str,
        stream: AsyncIterable[bytes],
        options: UploadOptions | None = None,
        progress_listener: AbstractProgressListener | None = None,
        parts_in_flight: int = MAX_UNBOUND_PARTS_IN_FLIGHT,
    ) -> FileVersion:
        """Upload an async stream of unknown length, one part buffered at a time (not resumable).

        If it ends within one part it is a small upload; otherwise a large file whose parts are sent while the
        next is read (at most ``parts_in_flight`` parts in flight).
        """
        opts = options or UploadOptions()
        reporter = ProgressReporter(progress_listener)
        try:
            limits = self.part_size_limits()
            size = opts.part_size or limits.effective_recommended
            plan_parts(size, limits, size)  # validates the override against the account's limits
            chunker = _Chunker(stream, size)
            return await self._upload_stream(bucket_id, file_name, chunker, opts, reporter, parts_in_flight)
        finally:
            reporter.close()

    # --- streams of unknown length -------------------------------------------------------------------------

    async def _upload_stream(
        self,
        bucket_id: str,
        file_name: str,
        chunker: _Chunker,
        opts: UploadOptions,
        reporter: ProgressReporter,
        parts_in_flight: int,
    ) -> FileVersion:
        first = await chunker.next_part()
        second = await chunker.next_part() if len(first) == chunker.part_size else b""
        if not second:
            reporter.set_total_bytes(len(first))
            source = UploadSourceBytes(first)
            return await self._runner.run(small_file_steps(bucket_id, file_name, source, opts, reporter))
        file_info = large_file_info(opts, opts.large_file_sha1)
        file_id = await self._runner.run(start_large_file_steps(bucket_id, file_name, file_info, opts))
        slots = asyncio.Semaphore(max(1, min(self.max_workers, parts_in_flight)))
        total = 0

        async def send(number: int, data: bytes) -> str:
            try:
                progress = reporter.stream_progress()
                return await self._runner.run(stream_part_steps(file_id, number, data, progress, opts))
            finally:
                slots.release()

        async with task_group() as group:
            tasks: list[asyncio.Task[str]] = []
            data: bytes = first
            pending: bytes | None = second
            while data:
                await slots.acquire()
                total += len(data)
                tasks.append(group.create_task(send(len(tasks) + 1, data)))
                data, pending = (pending, None) if pending is not None else (await chunker.next_part(), None)
        reporter.set_total_bytes(total)
        return await self._runner.run(finish(file_id, [task.result() for task in tasks]))


class _Chunker:
    """Cuts an async stream of byte chunks into parts of ``part_size`` bytes (the last one shorter)."""

    def __init__(self, stream: AsyncIterable[bytes], part_size: int) -> None:
        self._iterator = aiter(stream)
        self.part_size = part_size
        self._left = b""
        self._ended = False

    async def next_part(self) -> bytes:
        pieces, size = [self._left] if self._left else [], len(self._left)
        self._left = b""
        while size < self.part_size and not self._ended:
            try:
                chunk = bytes(await anext(self._iterator))
            except StopAsyncIteration:
                self._ended = True
                break
            pieces.append(chunk)
            size += len(chunk)
        joined = b"".join(pieces)
        part, self._left = joined[: self.part_size], joined[self.part_size :]
        return part
