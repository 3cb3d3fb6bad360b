"""What a server-side copy decides, for both clients: one ``b2_copy_file``, or a large file of copied parts.

No byte passes through the client. Content larger than one recommended part (and anything above the 5 GB
small-file ceiling) becomes a large file: ``b2_start_large_file``, one ``b2_copy_part`` per planned range
(in parallel), then ``b2_finish_large_file`` with the SHA-1s the server reported for the parts. A plan of
:mod:`._steps`: the sync ``CopyManager`` and the async ``AsyncCopyManager`` run it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from b2kit._exceptions import InvalidRange
from b2kit._models import EncryptionSetting, FileRetentionSetting, FileVersion, LegalHold
from b2kit._protocol import CONTENT_TYPE_AUTO, LARGE_FILE_SHA1_INFO_KEY
from b2kit._transfer._part_planning import PartRange, PartSizeLimits, is_large_file, plan_parts
from b2kit._transfer._progress import AbstractProgressListener, ProgressReporter
from b2kit._transfer._steps import Steps, call, finish, parallel
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
    ``destination_bucket_id`` defaults to the source's bucket. ``source_content_type`` / ``source_file_info``
    (b2sdk 2.x's names) tell the source's metadata, so that a large copy keeping it need not ask the server
    with ``b2_get_file_info``; with both and a ``length``, a copy makes no such call at all.
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
    source_content_type: str | None = None
    source_file_info: Mapping[str, str] | None = None

    @property
    def knows_source_metadata(self) -> bool:
        """True when the caller told the source's content type and file info."""
        return self.source_content_type is not None and self.source_file_info is not None

    @property
    def replaces_metadata(self) -> bool:
        """True when the copy gets new metadata instead of the source's."""
        return self.content_type is not None or self.file_info is not None


@dataclass(frozen=True)
class CopyPlan:
    """One copy of ``source_file_id`` (or a range of it) to ``new_file_name``: run :meth:`steps`.

    ``source_size`` saves a ``b2_get_file_info`` call when the caller knows it; large copies that keep the
    source's metadata fetch it anyway, unless the options tell it (``source_content_type`` and
    ``source_file_info``).
    """

    source_file_id: str
    new_file_name: str
    options: CopyOptions
    limits: PartSizeLimits
    workers: int

    def steps(self, source_size: int | None, listener: AbstractProgressListener | None) -> Steps[FileVersion]:
        """The copy; ``listener`` hears its length and the bytes copied."""
        opts = self.options
        source: FileVersion | None = None
        if source_size is None and not (opts.knows_source_metadata and opts.length):
            source = yield from call(GetFileInfo(self.source_file_id))
            source_size = source.size
        length = copy_length(source_size, opts)
        reporter = ProgressReporter(listener, length)
        try:
            if not is_large_file(length, self.limits):
                result = yield from call(self._copy_file(source_size, length))
                reporter.add(length)
                return result
            keeps_unknown = not (opts.replaces_metadata or opts.knows_source_metadata)
            if source is None and (keeps_unknown or opts.destination_bucket_id is None):
                source = yield from call(GetFileInfo(self.source_file_id))
            metadata = large_copy_metadata(opts, source, source_size, length)
            return (yield from self._copy_large(source, metadata, length, reporter))
        finally:
            reporter.close()

    def _copy_file(self, source_size: int | None, length: int) -> CopyFile:
        opts = self.options
        whole = opts.offset == 0 and length == source_size
        replace = opts.replaces_metadata
        return CopyFile(
            self.source_file_id,
            self.new_file_name,
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

    def _copy_large(
        self,
        source: FileVersion | None,
        metadata: tuple[str, dict[str, str]],
        length: int,
        reporter: ProgressReporter,
    ) -> Steps[FileVersion]:
        opts = self.options
        content_type, file_info = metadata
        bucket_id = opts.destination_bucket_id or (source.bucket_id if source is not None else None)
        if bucket_id is None:
            raise ValueError("the destination bucket of a copy is unknown")
        settings = NewFileSettings(
            content_type, file_info, opts.destination_encryption, opts.file_retention, opts.legal_hold
        )
        started = yield from call(StartLargeFile(bucket_id, self.new_file_name, settings))
        large_file_id = started.file_id
        plan = plan_parts(length, self.limits, opts.part_size)
        parts = [self._copy_part(large_file_id, reporter, part) for part in plan]
        sha1s = yield from parallel(parts, self.workers)
        return (yield from finish(large_file_id, sha1s))

    def _copy_part(self, large_file_id: str, reporter: ProgressReporter, part: PartRange) -> Steps[str]:
        opts = self.options
        first = opts.offset + part.offset
        copied = yield from call(
            CopyPart(
                self.source_file_id,
                large_file_id,
                part.number,
                (first, first + part.length - 1),
                opts.destination_encryption,
                opts.source_encryption,
            )
        )
        reporter.add(part.length)
        return copied.content_sha1


def copy_length(source_size: int | None, opts: CopyOptions) -> int:
    """Bytes to copy; InvalidRange when ``offset``/``length`` do not fit the source.

    With the size unknown (None) ``length`` must be given; the server refuses a range past the source's end.
    """
    if source_size is None:
        if not opts.length:
            raise ValueError("a copy of a source of unknown size needs a length")
        if opts.offset < 0 or opts.length < 0:
            raise ValueError(f"a copy's offset and length cannot be negative: {opts.offset}, {opts.length}")
        return opts.length
    available = source_size - opts.offset
    length = available if opts.length is None else opts.length
    if opts.offset < 0 or length < 0 or length > available:
        raise InvalidRange(source_size, (opts.offset, opts.offset + max(length, 0) - 1))
    return length


def large_copy_metadata(
    opts: CopyOptions, source: FileVersion | None, source_size: int | None, length: int
) -> tuple[str, dict[str, str]]:
    """Content type and file info for the large copy: the new ones, or the source's (minus a stale SHA-1).

    The source's are those the caller told (``source_content_type`` / ``source_file_info``), else the
    fetched ``source``'s. The whole file's SHA-1 stays only on a copy known to be the whole source.
    """
    if opts.replaces_metadata:
        return opts.content_type or CONTENT_TYPE_AUTO, dict(opts.file_info or {})
    content_type = opts.source_content_type
    file_info = opts.source_file_info
    if source is not None:
        content_type = source.content_type if content_type is None else content_type
        file_info = source.file_info if file_info is None else file_info
    if file_info is None:
        raise ValueError("the source metadata is needed to keep it on a large copy")
    info = dict(file_info)
    if opts.offset != 0 or length != source_size:
        info.pop(LARGE_FILE_SHA1_INFO_KEY, None)
    return content_type or CONTENT_TYPE_AUTO, info
