"""What an upload decides, for both clients: small file or large file, parts, resume, SHA-1s, finishing.

Plans of :mod:`._steps` (no I/O): the sync :class:`~b2kit._transfer._upload.UploadManager` and the async
``AsyncUploadManager`` run them. A large source whose SHA-1 is unknown is read once up front for
``large_file_sha1`` and, in that same read, every part's SHA-1 (:mod:`._source_digest`); parts then go up
with their SHA-1 in the header (a local file's part by ``sendfile`` in the sync client). Otherwise a body
is hashed on the way and its SHA-1 appended (``hex_digits_at_end``). A failure leaves the large file
unfinished on the server; uploading the same name with the same file info again finds it
(``b2_list_unfinished_large_files`` + ``b2_list_parts``) and sends only the missing parts.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from b2kit._exceptions import BadRequest, Unauthorized, UnexpectedCloudBehaviour
from b2kit._models import (
    EncryptionSetting,
    FileRetentionSetting,
    FileVersion,
    LegalHold,
    Part,
    UnfinishedLargeFile,
)
from b2kit._protocol import (
    CONTENT_TYPE_AUTO,
    LARGE_FILE_SHA1_INFO_KEY,
    MAX_UNFINISHED_LIST_COUNT,
    UNVERIFIED_PREFIX,
)
from b2kit._transfer._part_planning import PartRange, PartSizeLimits, is_large_file, plan_parts
from b2kit._transfer._progress import ProgressReporter, StreamProgress
from b2kit._transfer._source_digest import digest_source
from b2kit._transfer._steps import BodySpec, Send, Sent, Steps, call, finish, items, parallel, work
from b2kit._transfer._upload_source import (
    HashingStream,
    SourceChangedError,
    UploadSource,
    UploadSourceBytes,
    UploadSourceLocalFileRange,
)
from b2kit._wire import (
    ListParts,
    ListUnfinishedLargeFiles,
    NewFileSettings,
    StartLargeFile,
    UploadFile,
    UploadPart,
)

logger = logging.getLogger(__name__)

_LIST_PARTS_PAGE: Final = 1000
_HASH_BLOCK: Final = 1 << 20

MAX_UNBOUND_PARTS_IN_FLIGHT: Final = 2
"""Parts of an unbound stream being sent while the next one is read (each is a part-sized buffer)."""


@dataclass(frozen=True)
class UploadOptions:
    """How to store an upload: metadata and transfer knobs, all optional.

    ``content_sha1`` is the SHA-1 of the whole content when already known (it is then sent instead of being
    computed, and recorded as ``large_file_sha1`` for large files); ``part_size`` overrides the account's
    recommended part size; ``encryption`` (SSE-B2 or SSE-C), ``file_retention`` and ``legal_hold`` are
    stored with the file; ``resume`` lets a large upload continue a matching unfinished one;
    ``record_large_file_sha1`` reads a large source once before its parts go up when its SHA-1 is unknown,
    so ``large_file_sha1`` is stored and downloads of the file can be verified end to end.
    """

    content_type: str = CONTENT_TYPE_AUTO
    file_info: Mapping[str, str] = field(default_factory=dict)
    content_sha1: str | None = None
    large_file_sha1: str | None = None
    part_size: int | None = None
    custom_upload_timestamp: int | None = None
    encryption: EncryptionSetting | None = None
    file_retention: FileRetentionSetting | None = None
    legal_hold: LegalHold | None = None
    resume: bool = True
    record_large_file_sha1: bool = True
    expires: str | None = None
    """An HTTP ``Expires`` date that downloads of the file answer with (stored as ``b2-expires``)."""

    def stored_file_info(self) -> dict[str, str]:
        """The file info the new version is stored with: ``file_info`` and the options that become info."""
        extras = {"b2-expires": self.expires}
        return {**self.file_info, **{key: value for key, value in extras.items() if value is not None}}

    def new_file_settings(self) -> NewFileSettings:
        """What the new file version carries besides its name and bytes."""
        return NewFileSettings(
            self.content_type,
            self.stored_file_info(),
            self.encryption,
            self.file_retention,
            self.legal_hold,
            self.custom_upload_timestamp,
        )


@dataclass(frozen=True)
class _LargeFileTarget:
    """An unfinished large file and the SHA-1s of the parts it already holds (part number → SHA-1)."""

    file_id: str
    done: Mapping[int, str]


@dataclass(frozen=True)
class UploadPlan:
    """One upload of a source of known length: run :meth:`steps` with a step runner."""

    bucket_id: str
    file_name: str
    source: UploadSource
    options: UploadOptions
    reporter: ProgressReporter
    limits: PartSizeLimits
    workers: int

    def steps(self) -> Steps[FileVersion]:
        """Small files in one request, large ones as parts (resuming a matching unfinished file)."""
        length = self.source.content_length
        if is_large_file(length, self.limits):
            plan = plan_parts(length, self.limits, self.options.part_size)
            return (yield from self._large(plan))
        return (
            yield from small_file_steps(
                self.bucket_id, self.file_name, self.source, self.options, self.reporter
            )
        )

    def _large(self, plan: tuple[PartRange, ...]) -> Steps[FileVersion]:
        opts, source = self.options, self.source
        large_sha1 = opts.large_file_sha1 or opts.content_sha1 or source.content_sha1
        part_sha1s: dict[int, str] = {}
        if large_sha1 is None and opts.record_large_file_sha1:
            digest = yield from work(digest_source, source, plan, size=source.content_length)
            large_sha1 = digest.whole
            part_sha1s = {part.number: sha1 for part, sha1 in zip(plan, digest.parts, strict=True)}
        file_info = large_file_info(opts, large_sha1)
        target = None
        if opts.resume:
            target = yield from self._find_resumable(file_info, plan)
        if target is None:
            file_id = yield from start_large_file_steps(self.bucket_id, self.file_name, file_info, opts)
            target = _LargeFileTarget(file_id, {})
        self.reporter.add(sum(part.length for part in plan if part.number in target.done))
        missing = [part for part in plan if part.number not in target.done]
        parts = [
            part_steps(
                target.file_id,
                self._body(part, part_sha1s.get(part.number)),
                part.number,
                opts.encryption,
            )
            for part in missing
        ]
        new_sha1s = yield from parallel(parts, self.workers)
        sha1_by_part = {
            **target.done,
            **{part.number: sha1 for part, sha1 in zip(missing, new_sha1s, strict=True)},
        }
        return (yield from finish(target.file_id, [sha1_by_part[part.number] for part in plan]))

    def _body(self, part: PartRange, known_sha1: str | None) -> BodySpec:
        """Part ``part`` of the source, opened lazily by whoever sends it; a local file's by offset."""
        source = self.source
        local = None
        if isinstance(source, UploadSourceLocalFileRange):
            local = (source.path, source.offset + part.offset)
        opener = functools.partial(source.open_range, part.offset, part.length)
        return BodySpec(opener, part.length, known_sha1, self.reporter.stream_progress(), local)

    # --- resume --------------------------------------------------------------------------------------------

    def _find_resumable(
        self, file_info: Mapping[str, str], plan: tuple[PartRange, ...]
    ) -> Steps[_LargeFileTarget | None]:
        """The matching unfinished large file with the most bytes already uploaded, if any.

        A candidate matches when name, content type and file info are equal and every uploaded part has the
        planned size and (unless ``large_file_sha1`` already ties the content) the SHA-1 of the local range.
        """
        first = ListUnfinishedLargeFiles(self.bucket_id, None, MAX_UNFINISHED_LIST_COUNT, self.file_name)
        try:
            candidates: list[UnfinishedLargeFile] = yield from items(first)
        except Unauthorized:  # e.g. a key without listFiles: resuming is an optimisation, not a must
            logger.debug("unfinished large files cannot be listed; %s starts afresh", self.file_name)
            return None
        content_type = self.options.content_type
        best: _LargeFileTarget | None = None
        best_bytes = -1
        for unfinished in candidates:
            if unfinished.file_name != self.file_name or unfinished.file_info != dict(file_info):
                continue
            if content_type != CONTENT_TYPE_AUTO and unfinished.content_type != content_type:
                continue
            tied = LARGE_FILE_SHA1_INFO_KEY in file_info
            done = yield from self._matching_parts(unfinished.file_id, plan, tied)
            if done is None:
                continue
            uploaded = sum(part.length for part in plan if part.number in done)
            if uploaded > best_bytes:
                best, best_bytes = _LargeFileTarget(unfinished.file_id, done), uploaded
        return best

    def _matching_parts(
        self, file_id: str, plan: tuple[PartRange, ...], sha1_tied: bool
    ) -> Steps[dict[int, str] | None]:
        by_number = {part.number: part for part in plan}
        uploaded: dict[int, str] = {}
        remote_parts: list[Part] = yield from items(ListParts(file_id, None, _LIST_PARTS_PAGE))
        for remote in remote_parts:
            planned = by_number.get(remote.part_number)
            if planned is None or remote.content_length != planned.length:
                return None
            uploaded[planned.number] = remote.content_sha1
        if not sha1_tied:
            numbers = sorted(uploaded)
            checks = [work(range_sha1, self.source, by_number[n], size=by_number[n].length) for n in numbers]
            local = yield from parallel(checks, self.workers)
            if any(uploaded[n] != sha1 for n, sha1 in zip(numbers, local, strict=True)):
                return None
        return uploaded


def small_file_steps(
    bucket_id: str, file_name: str, source: UploadSource, opts: UploadOptions, reporter: ProgressReporter
) -> Steps[FileVersion]:
    """``b2_upload_file`` of the whole source (its SHA-1 in the header when known, else after the body)."""
    known_sha1 = opts.content_sha1 or source.content_sha1
    body = BodySpec(source.open, source.content_length, known_sha1, reporter.stream_progress())
    upload = UploadFile(file_name, body.content_length, body.content_sha1, opts.new_file_settings())
    sent: Sent[FileVersion] = yield Send(bucket_id, upload, body)
    check_sha1(stored_sha1(sent.response), sent.sha1, file_name)
    return sent.response


def part_steps(file_id: str, body: BodySpec, number: int, encryption: EncryptionSetting | None) -> Steps[str]:
    """``b2_upload_part``; returns the part's SHA-1. A SHA-1 mismatch of a part hashed beforehand means the
    source changed since it was read."""
    upload = UploadPart(number, body.content_length, body.content_sha1, encryption)
    try:
        sent: Sent[Part] = yield Send(file_id, upload, body)
    except BadRequest as error:
        if body.known_sha1 is not None and "sha1" in str(error).lower():
            raise SourceChangedError(
                f"part {number} changed after its SHA-1 was computed: {error}"
            ) from error
        raise
    check_sha1(sent.response.content_sha1, sent.sha1, f"part {number}")
    return sent.sha1


def stream_part_steps(
    file_id: str, number: int, data: bytes | bytearray, progress: StreamProgress, opts: UploadOptions
) -> Steps[str]:
    """A part of a stream of unknown length, already in memory (hashed while sent)."""
    body = BodySpec(UploadSourceBytes(data).open, len(data), None, progress)
    return part_steps(file_id, body, number, opts.encryption)


def start_large_file_steps(
    bucket_id: str, file_name: str, file_info: dict[str, str], opts: UploadOptions
) -> Steps[str]:
    """``b2_start_large_file`` with the options' settings and ``file_info``; returns the new file id."""
    settings = dataclasses.replace(opts.new_file_settings(), file_info=file_info)
    started = yield from call(StartLargeFile(bucket_id, file_name, settings))
    return started.file_id


def large_file_info(opts: UploadOptions, large_sha1: str | None) -> dict[str, str]:
    """The stored file info of a large file: the options' and ``large_file_sha1`` when known."""
    file_info = opts.stored_file_info()
    if large_sha1 is not None:
        file_info[LARGE_FILE_SHA1_INFO_KEY] = large_sha1
    return file_info


def stored_sha1(version: FileVersion) -> str | None:
    """The SHA-1 the server stored, as it spells it (an unverified one keeps its prefix)."""
    if version.content_sha1 is None or version.content_sha1_verified:
        return version.content_sha1
    return UNVERIFIED_PREFIX + version.content_sha1


def check_sha1(actual: str | None, expected: str, what: str) -> None:
    """UnexpectedCloudBehaviour when the server stored another SHA-1 (``actual``) than the one sent."""
    if actual != expected:
        raise UnexpectedCloudBehaviour(f"server stored SHA-1 {actual} for {what}, but {expected} was sent")


def range_sha1(source: UploadSource, part: PartRange) -> str:
    """The SHA-1 of one part of the source (read in 1 MiB blocks)."""
    opener = functools.partial(source.open_range, part.offset, part.length)
    with HashingStream(opener, part.length, False) as stream:
        while stream.read(_HASH_BLOCK):
            pass
        return stream.hexdigest()
