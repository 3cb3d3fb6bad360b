"""Async uploads: small files in one request, large files as parallel parts (resumable), async streams.

The sync upload manager's rules and pieces, driven by tasks: the same
:class:`~b2kit._transfer._upload.UploadOptions`, part planner
(:func:`~b2kit._transfer._part_planning.plan_parts` from the account's part sizes), one up-front read for
``large_file_sha1`` and every part's SHA-1 (:func:`~b2kit._transfer._source_digest.digest_source`), bodies
read through :class:`~b2kit._transfer._upload_source.HashingStream` (SHA-1 on the way, or B2's
``hex_digits_at_end``), and resuming a matching unfinished large file. Source reads and hashing of anything
above 128 KiB run in the executor, so the loop never blocks on them; parts go up as tasks, at most
``max_workers`` at a time per upload, and the transport's connection limit bounds them across uploads. A
cancelled upload cancels its parts: their connections close and their upload URLs are never reused; a
cancelled large file stays unfinished on the server, and uploading it again with the same options resumes it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping
from concurrent.futures import Executor
from typing import Any, Final, TypeVar

from b2kit._exceptions import BadRequest, Unauthorized
from b2kit._protocol import (
    CONTENT_TYPE_AUTO,
    HEX_DIGITS_AT_END,
    LARGE_FILE_SHA1_INFO_KEY,
    MAX_UNFINISHED_LIST_COUNT,
)
from b2kit._transfer._part_planning import PartRange, PartSizeLimits, is_large_file, plan_parts
from b2kit._transfer._progress import AbstractProgressListener, ProgressReporter, StreamProgress
from b2kit._transfer._source_digest import digest_source
from b2kit._transfer._upload import MAX_UNBOUND_PARTS_IN_FLIGHT, UploadOptions, _check_sha1, _range_sha1
from b2kit._transfer._upload_source import HashingStream, SourceChangedError, UploadSource, UploadSourceBytes
from b2kit._wire import (
    FinishLargeFile,
    ListParts,
    ListUnfinishedLargeFiles,
    StartLargeFile,
    UploadFile,
    UploadPart,
)
from b2kit.aio._session import AsyncB2Session, UploadBody
from b2kit.aio._tasks import run_all, task_group

_T = TypeVar("_T")

BLOCK: Final = 1024 * 1024
INLINE_BODY_BYTES: Final = 128 * 1024
"""Bodies up to this size are read and hashed on the loop (well under a millisecond) and sent as bytes."""
_LIST_PARTS_PAGE: Final = 1000


class AsyncUploadManager:
    """Uploads sources to a bucket from the event loop; blocking reads and hashing go to ``executor``."""

    def __init__(self, session: AsyncB2Session, executor: Executor, max_workers: int) -> None:
        self._session = session
        self._executor = executor
        self.max_workers = max(1, max_workers)

    def part_size_limits(self) -> PartSizeLimits:
        info = self._session.account_info
        return PartSizeLimits(info.get_absolute_minimum_part_size(), info.get_recommended_part_size())

    async def _run(self, function: Callable[..., _T], *args: Any) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

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
        opts = options or UploadOptions()
        reporter = ProgressReporter(progress_listener, source.content_length)
        try:
            limits = self.part_size_limits()
            if is_large_file(source.content_length, limits):
                plan = plan_parts(source.content_length, limits, opts.part_size)
                return await self._upload_large(bucket_id, file_name, source, plan, opts, reporter)
            return await self._upload_small(bucket_id, file_name, source, opts, reporter)
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

    # --- small files ---------------------------------------------------------------------------------------

    async def _upload_small(
        self,
        bucket_id: str,
        file_name: str,
        source: UploadSource,
        opts: UploadOptions,
        reporter: ProgressReporter,
    ) -> dict[str, Any]:
        known_sha1 = opts.content_sha1 or source.content_sha1
        progress = reporter.stream_progress()
        body = await self._open(source.open, source.content_length, known_sha1 is None, progress)
        try:
            upload = UploadFile(
                file_name, len(body), known_sha1 or HEX_DIGITS_AT_END, opts.new_file_settings()
            )
            response = await self._session.send_file(bucket_id, upload, await self._body(body))
            _check_sha1(response, known_sha1 or body.hexdigest(), file_name)
        finally:
            body.close()
        return response

    async def _open(
        self,
        opener: Callable[[], Any],
        length: int,
        append: bool,
        progress: StreamProgress,
        known: str | None = None,
    ) -> HashingStream:
        if length <= INLINE_BODY_BYTES:
            return HashingStream(opener, length, append, progress, known)
        return await self._run(HashingStream, opener, length, append, progress, known)

    async def _body(self, stream: HashingStream) -> UploadBody:
        """Bytes for a small body; otherwise a factory of async streams read in the executor (each attempt
        starts the stream over)."""
        if len(stream) <= INLINE_BODY_BYTES + 40:
            stream.seek(0)
            return stream.read(len(stream)) + stream.read()

        async def blocks() -> AsyncIterator[bytes]:
            await self._run(stream.seek, 0)
            while chunk := await self._run(stream.read, BLOCK):
                yield chunk

        return blocks

    # --- large files ---------------------------------------------------------------------------------------

    async def _upload_large(
        self,
        bucket_id: str,
        file_name: str,
        source: UploadSource,
        plan: tuple[PartRange, ...],
        opts: UploadOptions,
        reporter: ProgressReporter,
    ) -> dict[str, Any]:
        file_info = dict(opts.file_info)
        large_sha1 = opts.large_file_sha1 or opts.content_sha1 or source.content_sha1
        part_sha1s: dict[int, str] = {}
        if large_sha1 is None and opts.record_large_file_sha1:
            digest = await self._run(digest_source, source, plan)
            large_sha1 = digest.whole
            part_sha1s = {part.number: sha1 for part, sha1 in zip(plan, digest.parts, strict=True)}
        if large_sha1 is not None:
            file_info[LARGE_FILE_SHA1_INFO_KEY] = large_sha1
        target: tuple[str, Mapping[int, str]] | None = None
        if opts.resume:
            target = await self._find_resumable(
                bucket_id, file_name, opts.content_type, file_info, source, plan
            )
        if target is None:
            started = await self._start_large_file(bucket_id, file_name, file_info, opts)
            target = (started["fileId"], {})
        file_id, done = target
        reporter.add(sum(part.length for part in plan if part.number in done))
        missing = [part for part in plan if part.number not in done]
        slots = asyncio.Semaphore(self.max_workers)

        async def send(part: PartRange) -> str:
            async with slots:
                progress = reporter.stream_progress()
                opener = functools.partial(source.open_range, part.offset, part.length)
                return await self._upload_part(
                    file_id, opener, part, progress, opts, part_sha1s.get(part.number)
                )

        new_sha1s: list[str] = await run_all(send(part) for part in missing)
        sha1_by_part = dict(done)
        sha1_by_part.update({part.number: sha1 for part, sha1 in zip(missing, new_sha1s, strict=True)})
        return await self._session.call(
            FinishLargeFile(file_id, [sha1_by_part[part.number] for part in plan])
        )

    async def _start_large_file(
        self, bucket_id: str, file_name: str, file_info: dict[str, str], opts: UploadOptions
    ) -> dict[str, Any]:
        settings = dataclasses.replace(opts.new_file_settings(), file_info=file_info)
        return await self._session.call(StartLargeFile(bucket_id, file_name, settings))

    async def _upload_part(
        self,
        file_id: str,
        opener: Callable[[], Any],
        part: PartRange,
        progress: StreamProgress,
        opts: UploadOptions,
        known_sha1: str | None,
    ) -> str:
        """Send one part; its SHA-1 goes in the header when known, else after the body."""
        body = await self._open(opener, part.length, known_sha1 is None, progress, known_sha1)
        try:
            try:
                upload = UploadPart(part.number, len(body), known_sha1 or HEX_DIGITS_AT_END, opts.encryption)
                response = await self._session.send_part(file_id, upload, await self._body(body))
            except BadRequest as error:
                if known_sha1 is not None and "sha1" in str(error).lower():
                    raise SourceChangedError(
                        f"part {part.number} changed after its SHA-1 was computed: {error}"
                    ) from error
                raise
            sha1 = body.hexdigest()
        finally:
            body.close()
        _check_sha1(response, sha1, f"part {part.number}")
        return sha1

    # --- resume --------------------------------------------------------------------------------------------

    async def _find_resumable(
        self,
        bucket_id: str,
        file_name: str,
        content_type: str,
        file_info: Mapping[str, str],
        source: UploadSource,
        plan: tuple[PartRange, ...],
    ) -> tuple[str, Mapping[int, str]] | None:
        """The matching unfinished large file with the most bytes uploaded (the sync manager's rules)."""
        try:
            candidates = await self._unfinished_large_files(bucket_id, file_name)
        except Unauthorized:  # e.g. a key without listFiles: resuming is an optimisation, not a must
            return None
        best: tuple[str, Mapping[int, str]] | None = None
        best_bytes = -1
        for unfinished in candidates:
            if unfinished.get("fileName") != file_name or unfinished.get("fileInfo") != dict(file_info):
                continue
            if content_type != CONTENT_TYPE_AUTO and unfinished.get("contentType") != content_type:
                continue
            done = await self._matching_parts(
                unfinished["fileId"], source, plan, LARGE_FILE_SHA1_INFO_KEY in file_info
            )
            if done is None:
                continue
            uploaded = sum(part.length for part in plan if part.number in done)
            if uploaded > best_bytes:
                best, best_bytes = (unfinished["fileId"], done), uploaded
        return best

    async def _unfinished_large_files(self, bucket_id: str, prefix: str) -> list[dict[str, Any]]:
        first = ListUnfinishedLargeFiles(bucket_id, None, MAX_UNFINISHED_LIST_COUNT, prefix)
        return [entry async for entry in self._session.paged(first).items()]

    async def _matching_parts(
        self, file_id: str, source: UploadSource, plan: tuple[PartRange, ...], sha1_tied: bool
    ) -> dict[int, str] | None:
        by_number = {part.number: part for part in plan}
        uploaded: dict[int, str] = {}
        async for remote in self._session.paged(ListParts(file_id, None, _LIST_PARTS_PAGE)).items():
            planned = by_number.get(remote["partNumber"])
            if planned is None or remote["contentLength"] != planned.length:
                return None
            uploaded[planned.number] = remote["contentSha1"]
        if not sha1_tied:
            for number in sorted(uploaded):
                if await self._run(_range_sha1, source, by_number[number]) != uploaded[number]:
                    return None
        return uploaded

    # --- streams of unknown length -------------------------------------------------------------------------

    async def _upload_stream(
        self,
        bucket_id: str,
        file_name: str,
        chunker: _Chunker,
        opts: UploadOptions,
        reporter: ProgressReporter,
        parts_in_flight: int,
    ) -> dict[str, Any]:
        first = await chunker.next_part()
        second = await chunker.next_part() if len(first) == chunker.part_size else b""
        if not second:
            reporter.set_total_bytes(len(first))
            return await self._upload_small(bucket_id, file_name, UploadSourceBytes(first), opts, reporter)
        file_info = dict(opts.file_info)
        if opts.large_file_sha1 is not None:
            file_info[LARGE_FILE_SHA1_INFO_KEY] = opts.large_file_sha1
        started = await self._start_large_file(bucket_id, file_name, file_info, opts)
        file_id: str = started["fileId"]
        slots = asyncio.Semaphore(max(1, min(self.max_workers, parts_in_flight)))
        total = 0

        async def send(number: int, data: bytes) -> str:
            try:
                part = PartRange(number=number, offset=0, length=len(data))
                opener = UploadSourceBytes(data).open
                return await self._upload_part(file_id, opener, part, reporter.stream_progress(), opts, None)
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
        return await self._session.call(FinishLargeFile(file_id, [task.result() for task in tasks]))


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
