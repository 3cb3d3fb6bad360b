"""Async server-side copies: the sync CopyManager's rules (:mod:`b2kit._transfer._copy`), parts as tasks."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from b2kit._protocol import CONTENT_TYPE_AUTO
from b2kit._transfer._copy import CopyOptions, _copy_length, _large_copy_metadata
from b2kit._transfer._part_planning import PartRange, PartSizeLimits, is_large_file, plan_parts
from b2kit._transfer._progress import AbstractProgressListener, ProgressReporter
from b2kit._wire import (
    CopyFile,
    CopyPart,
    FinishLargeFile,
    GetFileInfo,
    MetadataDirectiveMode,
    NewFileSettings,
    StartLargeFile,
)
from b2kit.aio._session import AsyncB2Session
from b2kit.aio._tasks import run_all


class AsyncCopyManager:
    """Copies file versions server-side; a large copy sends at most ``max_workers`` parts at a time."""

    def __init__(self, session: AsyncB2Session, max_workers: int) -> None:
        self._session = session
        self._max_workers = max(1, max_workers)

    async def copy(
        self,
        source_file_id: str,
        new_file_name: str,
        options: CopyOptions | None = None,
        progress_listener: AbstractProgressListener | None = None,
        source_size: int | None = None,
    ) -> dict[str, Any]:
        """Copy ``source_file_id`` (or a range of it) to ``new_file_name``; returns the new file's JSON."""
        opts = options or CopyOptions()
        source: Mapping[str, Any] | None = None
        if source_size is None:
            source = await self._session.call(GetFileInfo(source_file_id))
            source_size = int(source["contentLength"])
        length = _copy_length(source_size, opts)
        reporter = ProgressReporter(progress_listener, length)
        try:
            if not is_large_file(length, self._limits()):
                result = await self._copy_small(source_file_id, new_file_name, opts, source_size, length)
                reporter.add(length)
                return result
            if source is None and (not opts.replaces_metadata or opts.destination_bucket_id is None):
                source = await self._session.call(GetFileInfo(source_file_id))
            return await self._copy_large(source_file_id, new_file_name, opts, source, length, reporter)
        finally:
            reporter.close()

    def _limits(self) -> PartSizeLimits:
        info = self._session.account_info
        return PartSizeLimits(info.get_absolute_minimum_part_size(), info.get_recommended_part_size())

    async def _copy_small(
        self, source_file_id: str, new_file_name: str, opts: CopyOptions, source_size: int, length: int
    ) -> dict[str, Any]:
        whole = opts.offset == 0 and length == source_size
        replace = opts.replaces_metadata
        return await self._session.call(
            CopyFile(
                source_file_id,
                new_file_name,
                bytes_range=None if whole else (opts.offset, opts.offset + length - 1),
                metadata_directive=MetadataDirectiveMode.REPLACE if replace else MetadataDirectiveMode.COPY,
                content_type=(opts.content_type or CONTENT_TYPE_AUTO) if replace else None,
                file_info=dict(opts.file_info or {}) if replace else None,
                destination_bucket_id=opts.destination_bucket_id,
                destination_server_side_encryption=opts.destination_encryption,
                source_server_side_encryption=opts.source_encryption,
                file_retention=opts.file_retention,
                legal_hold=opts.legal_hold,
            )
        )

    async def _copy_large(
        self,
        source_file_id: str,
        new_file_name: str,
        opts: CopyOptions,
        source: Mapping[str, Any] | None,
        length: int,
        reporter: ProgressReporter,
    ) -> dict[str, Any]:
        content_type, file_info = _large_copy_metadata(opts, source, length)
        bucket_id = opts.destination_bucket_id or (source or {}).get("bucketId")
        if bucket_id is None:
            raise ValueError("the destination bucket of a copy is unknown")
        settings = NewFileSettings(
            content_type, file_info, opts.destination_encryption, opts.file_retention, opts.legal_hold
        )
        started = await self._session.call(StartLargeFile(bucket_id, new_file_name, settings))
        large_file_id: str = started["fileId"]
        slots = asyncio.Semaphore(self._max_workers)

        async def copy_part(part: PartRange) -> str:
            async with slots:
                first = opts.offset + part.offset
                call = CopyPart(
                    source_file_id,
                    large_file_id,
                    part.number,
                    bytes_range=(first, first + part.length - 1),
                    destination_server_side_encryption=opts.destination_encryption,
                    source_server_side_encryption=opts.source_encryption,
                )
                response = await self._session.call(call)
            reporter.add(part.length)
            return str(response["contentSha1"])

        sha1s = await run_all(copy_part(part) for part in plan_parts(length, self._limits(), opts.part_size))
        return await self._session.call(FinishLargeFile(large_file_id, sha1s))
