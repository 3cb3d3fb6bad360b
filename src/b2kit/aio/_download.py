"""Async downloads: :class:`AsyncDownloadedFile`, streamed, resumed and checked by the sync client's plans.

The decisions are :mod:`b2kit._transfer._download_plan`'s, run by the async step runner: the answer's
headers become a :class:`~b2kit._models.DownloadVersion` (:func:`served_version`); a body that breaks is
requested again from where it stopped, same file id required (:func:`span_steps`); length and whole-file
SHA-1 are checked (:func:`content_steps`); ``save_to`` writes a temporary file beside the
destination and renames it into place only when every check passed
(:func:`~b2kit._transfer._download.atomic_local_file`), so a failed or cancelled download leaves no partial
destination. Large saves run parallel ranged streams as tasks (the sync client's
:meth:`~b2kit._transfer._download.DownloadManager.parallel_plan` decides stripes and streams); file writes and
SHA-1 run in the executor, in order, so the event loop never waits on the disk or on hashing.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor
from types import TracebackType
from typing import IO, Any, Final

from b2kit._exceptions import FileNotPresent, TruncatedOutput
from b2kit._models import DownloadVersion, EncryptionSetting
from b2kit._transfer._download import DownloadManager, atomic_local_file, mod_time_millis
from b2kit._transfer._download_dest import AbstractDownloadDestination, destination_file, destination_metadata
from b2kit._transfer._download_plan import (
    ByteSpan,
    RangeSource,
    check_download,
    content_steps,
    expected_sha1,
    served_version,
    span_steps,
)
from b2kit._transfer._parallel_save import CHUNK_SIZE, ParallelPlan
from b2kit._transfer._progress import AbstractProgressListener, ProgressReporter
from b2kit._wire import DownloadFile
from b2kit.aio._session import AsyncB2Session
from b2kit.aio._steps import AsyncStepRunner
from b2kit.aio._tasks import task_group
from b2kit.aio._transport import AsyncResponse

HASH_QUEUE_CHUNKS: Final = 4
"""Received chunks one stream may have waiting for the in-order SHA-1 (bounds a parallel save's memory)."""


def _pwrite_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


class AsyncDownloadedFile:
    """A download whose body has not been read yet; read it once with one of the methods below.

    ``async with`` it (or call :meth:`close`) so the connection is released even when the body is not read.
    """

    def __init__(
        self,
        source: RangeSource,
        runner: AsyncStepRunner,
        response: AsyncResponse,
        plan: Callable[[int, bool], ParallelPlan | None],
        progress_listener: AbstractProgressListener | None,
    ) -> None:
        self._source = source
        self._runner = runner
        self._version = source.version
        self._response: AsyncResponse | None = response
        self._plan = plan
        self._reporter = ProgressReporter(progress_listener, self._version.content_length)
        first = self._version.range_[0]
        self._span = ByteSpan(first, first + self._version.content_length - 1)
        self._consumed = False

    @property
    def download_version(self) -> DownloadVersion:
        """Metadata of the file version being downloaded."""
        return self._version

    @property
    def content_length(self) -> int:
        """Bytes this download delivers (the range length for a ranged download)."""
        return self._version.content_length

    async def iter_content(self, chunk_size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
        """The body in chunks; length and (whole-file) SHA-1 are checked after the last chunk."""
        response = self._take_response()
        plan = content_steps(self._version, self._span, self._source, chunk_size, response, self._reporter)
        async for chunk in self._runner.iterate(plan):
            yield chunk

    async def read(self) -> bytes:
        """The whole body in memory (only for content known to be small)."""
        return b"".join([chunk async for chunk in self.iter_content()])

    async def save(self, file: IO[bytes]) -> None:
        """Write the body to ``file`` from its current position, in order (large chunks in the executor)."""
        async for chunk in self.iter_content():
            await self._runner.work(file.write, chunk, size=len(chunk))

    async def save_to(self, path: str | os.PathLike[str]) -> None:
        """Write the body to ``path`` atomically: a temporary file beside it, renamed only when complete."""
        with atomic_local_file(path, mod_time_millis(self._version)) as handle:
            fd = handle.fileno()
            plan = self._plan(self._span.length, expected_sha1(self._version, self._span) is not None)
            if plan is None:
                offset = 0
                async for chunk in self.iter_content():
                    await self._write(fd, chunk, offset)
                    offset += len(chunk)
            else:
                await self._save_parallel(fd, plan)

    async def close(self) -> None:
        """Release the connection if the body was not read."""
        if self._response is not None:
            self._response.close()
            self._response = None
        self._reporter.close()

    async def __aenter__(self) -> AsyncDownloadedFile:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # --- internals -----------------------------------------------------------------------------------------

    def _take_response(self) -> AsyncResponse | None:
        if self._consumed:
            raise RuntimeError("the body of this download has already been read")
        self._consumed = True
        response, self._response = self._response, None
        return response

    async def _write(self, fd: int, chunk: bytes, offset: int) -> None:
        await self._runner.work(_pwrite_all, fd, chunk, offset, size=len(chunk))

    async def _save_parallel(self, fd: int, plan: ParallelPlan) -> None:
        """Stripes fetched by ``plan.streams`` tasks and written in place; SHA-1 follows in stripe order."""
        first_response = self._take_response()
        stripes = self._span.split(plan.stripe_size)
        hashing = plan.hash_sha1
        queues: list[asyncio.Queue[bytes | None]] = [asyncio.Queue(HASH_QUEUE_CHUNKS) for _ in stripes]
        claimed = iter(range(len(stripes)))
        sha1 = hashlib.sha1(usedforsecurity=False)
        received = 0

        async def stream(first: AsyncResponse | None) -> None:
            nonlocal received
            for index in claimed:
                stripe = stripes[index]
                response = first if index == 0 else None
                first = None
                offset = stripe.first - self._span.first
                async for chunk in self._runner.iterate(
                    span_steps(self._source, stripe, CHUNK_SIZE, response)
                ):
                    await self._write(fd, chunk, offset)
                    offset += len(chunk)
                    received += len(chunk)
                    self._reporter.add(len(chunk))
                    if hashing:
                        await queues[index].put(chunk)
                if hashing:
                    await queues[index].put(None)

        async def hash_in_order() -> None:
            for queue in queues:
                while (chunk := await queue.get()) is not None:
                    await self._runner.work(sha1.update, chunk, size=len(chunk))

        try:
            async with task_group() as group:
                # the first stream starts with the already open response (stripe 0 comes first)
                group.create_task(stream(first_response))
                for _ in range(plan.streams - 1):
                    group.create_task(stream(None))
                if hashing:
                    group.create_task(hash_in_order())
        except TruncatedOutput as exc:  # a stripe came short: report the whole download's count
            raise TruncatedOutput(received, self._span.length) from exc
        finally:
            if first_response is not None:
                first_response.close()
            self._reporter.close()
        check_download(self._version, self._span, received, sha1.hexdigest() if hashing else None)


async def save_to_destination(
    downloaded: AsyncDownloadedFile, download_dest: AbstractDownloadDestination
) -> dict[str, Any]:
    """Write ``downloaded`` into ``download_dest`` (the seed form); returns the file's metadata dict."""
    version = downloaded.download_version
    async with downloaded:
        with destination_file(download_dest, version) as handle:
            await downloaded.save(handle)
    return destination_metadata(version)


class AsyncDownloadManager:
    """Starts downloads by id, by name or by URL; what the sync DownloadManager decides, it decides."""

    def __init__(self, session: AsyncB2Session, executor: Executor, planner: DownloadManager) -> None:
        self._session = session
        self._runner = AsyncStepRunner(session, executor)
        self._planner = planner

    async def download_file_by_id(
        self,
        file_id: str,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        encryption: EncryptionSetting | None = None,
    ) -> AsyncDownloadedFile:
        url = self._session.get_download_url_by_id(file_id)
        return await self.download_file_from_url(url, progress_listener, range_, encryption)

    async def download_file_by_name(
        self,
        bucket_name: str,
        file_name: str,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        encryption: EncryptionSetting | None = None,
    ) -> AsyncDownloadedFile:
        url = self._session.get_download_url_by_name(bucket_name, file_name)
        try:
            return await self.download_file_from_url(url, progress_listener, range_, encryption)
        except FileNotPresent as exc:
            raise FileNotPresent.by_name(bucket_name, file_name) from exc

    async def download_file_from_url(
        self,
        url: str,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        encryption: EncryptionSetting | None = None,
    ) -> AsyncDownloadedFile:
        """Send the GET, read the headers, and hand back the unread body."""
        response = await self._session.download(DownloadFile(url, range_, encryption))
        try:
            version = served_version(response.headers, range_)
        except BaseException:
            response.close()
            raise
        source = RangeSource(url, version, encryption, self._planner.resume_policy)
        return AsyncDownloadedFile(
            source, self._runner, response, self._planner.parallel_plan, progress_listener
        )
