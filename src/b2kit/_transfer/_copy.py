"""Server-side copies: one ``b2_copy_file`` for small content, parallel ``b2_copy_part`` for large content.

No byte passes through the client. Content larger than one recommended part (and anything above the 5 GB
small-file ceiling) becomes a large file: ``b2_start_large_file``, one ``b2_copy_part`` per planned range on
the thread pool, then ``b2_finish_large_file`` with the SHA-1s the server reported for the parts.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from b2kit._exceptions import InvalidRange
from b2kit._models import EncryptionSetting, FileRetentionSetting, LegalHold
from b2kit._protocol import CONTENT_TYPE_AUTO, LARGE_FILE_SHA1_INFO_KEY
from b2kit._transfer._parallel import run_all
from b2kit._transfer._part_planning import PartRange, PartSizeLimits, is_large_file, plan_parts
from b2kit._transfer._progress import AbstractProgressListener, ProgressReporter
from b2kit._transfer._session_contract import TransferSession
from b2kit._wire import (
    CopyFile,
    CopyPart,
    GetFileInfo,
    MetadataDirectiveMode,
    NewFileSettings,
    StartLargeFile,
)


@dataclass(frozen=True)
class CopyOptions:
    """What to copy and how to store the copy.

    ``offset``/``length`` select a byte range of the source (default: all of it). Giving ``content_type`` or
    ``file_info`` replaces the source's metadata (``REPLACE``); giving neither keeps it (``COPY``).
    ``destination_bucket_id`` defaults to the source's bucket.
    """

    destination_bucket_id: str | None = None
    offset: int = 0
    length: int | None = None
    content_type: str | None = None
    file_info: Mapping[str, str] | None = None
    part_size: int | None = None
    source_encryption: EncryptionSetting | None = None
    destination_encryption: EncryptionSetting | None = None
    file_retention: FileRetentionSetting | None = None
    legal_hold: LegalHold | None = None

    @property
    def replaces_metadata(self) -> bool:
        """True when the copy gets new metadata instead of the source's."""
        return self.content_type is not None or self.file_info is not None


class CopyManager:
    """Copies file versions server-side; large copies send their parts on ``executor``."""

    def __init__(self, session: TransferSession, executor: Executor, max_workers: int) -> None:
        self._session = session
        self._executor = executor
        self._max_workers = max(1, max_workers)

    def copy(
        self,
        source_file_id: str,
        new_file_name: str,
        options: CopyOptions | None = None,
        progress_listener: AbstractProgressListener | None = None,
        source_size: int | None = None,
    ) -> dict[str, Any]:
        """Copy ``source_file_id`` (or a range of it) to ``new_file_name``; returns the new file's JSON.

        ``source_size`` saves a ``b2_get_file_info`` call when the caller knows it; large copies that keep the
        source's metadata fetch it anyway.
        """
        opts = options or CopyOptions()
        source: Mapping[str, Any] | None = None
        if source_size is None:
            source = self._session.call(GetFileInfo(source_file_id))
            source_size = int(source["contentLength"])
        length = _copy_length(source_size, opts)
        reporter = ProgressReporter(progress_listener, length)
        try:
            if not is_large_file(length, self._limits()):
                result = self._copy_small(source_file_id, new_file_name, opts, source_size, length)
                reporter.add(length)
                return result
            if source is None and (not opts.replaces_metadata or opts.destination_bucket_id is None):
                source = self._session.call(GetFileInfo(source_file_id))
            return self._copy_large(source_file_id, new_file_name, opts, source, length, reporter)
        finally:
            reporter.close()

    def _limits(self) -> PartSizeLimits:
        info = self._session.account_info
        return PartSizeLimits(info.get_absolute_minimum_part_size(), info.get_recommended_part_size())

    def _copy_small(
        self, source_file_id: str, new_file_name: str, opts: CopyOptions, source_size: int, length: int
    ) -> dict[str, Any]:
        whole = opts.offset == 0 and length == source_size
        replace = opts.replaces_metadata
        call = CopyFile(
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
        return self._session.call(call)

    def _copy_large(
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
        started = self._session.call(StartLargeFile(bucket_id, new_file_name, settings))
        large_file_id: str = started["fileId"]
        plan = plan_parts(length, self._limits(), opts.part_size)
        tasks = [
            functools.partial(self._copy_part, source_file_id, large_file_id, opts, reporter, part)
            for part in plan
        ]
        return self._session.finish_large_file(large_file_id, run_all(self._executor, tasks))

    def _copy_part(
        self,
        source_file_id: str,
        large_file_id: str,
        opts: CopyOptions,
        reporter: ProgressReporter,
        part: PartRange,
    ) -> str:
        first = opts.offset + part.offset
        call = CopyPart(
            source_file_id,
            large_file_id,
            part.number,
            (first, first + part.length - 1),
            opts.destination_encryption,
            opts.source_encryption,
        )
        response = self._session.call(call)
        reporter.add(part.length)
        sha1: str = response["contentSha1"]
        return sha1


def _copy_length(source_size: int, opts: CopyOptions) -> int:
    """Bytes to copy; InvalidRange when ``offset``/``length`` do not fit the source."""
    available = source_size - opts.offset
    length = available if opts.length is None else opts.length
    if opts.offset < 0 or length < 0 or length > available:
        raise InvalidRange(source_size, (opts.offset, opts.offset + max(length, 0) - 1))
    return length


def _large_copy_metadata(
    opts: CopyOptions, source: Mapping[str, Any] | None, length: int
) -> tuple[str, dict[str, str]]:
    """Content type and file info for the large copy: the new ones, or the source's (minus a stale SHA-1)."""
    if opts.replaces_metadata:
        return opts.content_type or CONTENT_TYPE_AUTO, dict(opts.file_info or {})
    if source is None:
        raise ValueError("the source metadata is needed to keep it on a large copy")
    info = dict(source.get("fileInfo") or {})
    if opts.offset != 0 or length != int(source["contentLength"]):
        info.pop(LARGE_FILE_SHA1_INFO_KEY, None)
    return str(source.get("contentType") or CONTENT_TYPE_AUTO), info
