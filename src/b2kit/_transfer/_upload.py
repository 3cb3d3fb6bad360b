"""Uploads: small files in one request, large files as parallel parts, resumable, and unbound streams.

:class:`UploadManager` decides small vs large from the account's part sizes. A large source whose SHA-1 is
unknown is read once up front for ``large_file_sha1`` and, in that same read, every part's SHA-1
(:mod:`._source_digest`); parts then go up with their SHA-1 in the header. Parts are opened lazily by
the worker that sends them (a file range, read in 1 MiB blocks; hashed on the way when no SHA-1 is known
yet), so memory stays at about workers x block size. A failure leaves the large file unfinished on the server;
uploading the same name with the same file info again finds it (``b2_list_unfinished_large_files`` +
``b2_list_parts``) and sends only the missing parts.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import Executor, Future, wait
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO, Final, TypeVar, cast

from b2kit._exceptions import BadRequest, Unauthorized, UnexpectedCloudBehaviour
from b2kit._models import EncryptionSetting, FileRetentionSetting, LegalHold
from b2kit._protocol import (
    CONTENT_TYPE_AUTO,
    HEX_DIGITS_AT_END,
    LARGE_FILE_SHA1_INFO_KEY,
    MAX_UNFINISHED_LIST_COUNT,
)
from b2kit._transfer._file_range_body import FileRangeBody
from b2kit._transfer._parallel import run_all
from b2kit._transfer._part_planning import PartRange, PartSizeLimits, is_large_file, plan_parts
from b2kit._transfer._progress import AbstractProgressListener, ProgressReporter, StreamProgress
from b2kit._transfer._session_contract import TransferSession
from b2kit._transfer._source_digest import digest_source
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

MAX_UNBOUND_PARTS_IN_FLIGHT: Final = 2
"""Parts of an unbound stream being sent while the next one is read (each is a part-sized buffer)."""

_T = TypeVar("_T")


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
        opts = options or UploadOptions()
        reporter = ProgressReporter(progress_listener, source.content_length)
        try:
            limits = self.part_size_limits()
            if is_large_file(source.content_length, limits):
                plan = plan_parts(source.content_length, limits, opts.part_size)
                return self._upload_large(bucket_id, file_name, source, plan, opts, reporter)
            return self._upload_small(bucket_id, file_name, source, opts, reporter)
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
    ) -> dict[str, Any]:
        """Upload a stream of unknown length, buffering one part at a time.

        If the stream ends within one part it is a small upload; otherwise a large file whose parts are sent
        while the next is read (at most ``parts_in_flight`` + 1 part buffers alive). The listener
        learns the total at the end. Unbound uploads are not resumable.
        """
        opts = options or UploadOptions()
        reporter = ProgressReporter(progress_listener)
        try:
            limits = self.part_size_limits()
            size = opts.part_size or limits.effective_recommended
            plan_parts(size, limits, size)  # validates the override against the account's limits
            upload = _UnboundUpload(self, bucket_id, file_name, stream, opts, reporter, size)
            return upload.run(parts_in_flight)
        finally:
            reporter.close()

    # --- small files ---------------------------------------------------------------------------------------

    def _upload_small(
        self,
        bucket_id: str,
        file_name: str,
        source: UploadSource,
        opts: UploadOptions,
        reporter: ProgressReporter,
    ) -> dict[str, Any]:
        known_sha1 = opts.content_sha1 or source.content_sha1
        progress = reporter.stream_progress()

        with HashingStream(source.open, source.content_length, known_sha1 is None, progress) as body:
            upload = UploadFile(
                file_name, len(body), known_sha1 or HEX_DIGITS_AT_END, opts.new_file_settings()
            )
            response = self._session.send_file(bucket_id, upload, _as_body(body))
            _check_sha1(response, known_sha1 or body.hexdigest(), file_name)
        return response

    # --- large files ---------------------------------------------------------------------------------------

    def _upload_large(
        self,
        bucket_id: str,
        file_name: str,
        source: UploadSource,
        plan: tuple[PartRange, ...],
        opts: UploadOptions,
        reporter: ProgressReporter,
    ) -> dict[str, Any]:
        file_info = opts.stored_file_info()
        large_sha1 = opts.large_file_sha1 or opts.content_sha1 or source.content_sha1
        part_sha1s: dict[int, str] = {}
        if large_sha1 is None and opts.record_large_file_sha1:
            digest = digest_source(source, plan)
            large_sha1 = digest.whole
            part_sha1s = {part.number: sha1 for part, sha1 in zip(plan, digest.parts, strict=True)}
        if large_sha1 is not None:
            file_info[LARGE_FILE_SHA1_INFO_KEY] = large_sha1
        target = None
        if opts.resume:
            target = self._find_resumable(bucket_id, file_name, opts.content_type, file_info, source, plan)
        if target is None:
            started = _start_large_file(self._session, bucket_id, file_name, file_info, opts)
            target = _LargeFileTarget(file_id=started["fileId"], done={})
        reporter.add(sum(part.length for part in plan if part.number in target.done))
        missing = [part for part in plan if part.number not in target.done]
        file_id = target.file_id
        new_sha1s = run_all(
            self._executor,
            [
                functools.partial(
                    self._upload_part,
                    file_id,
                    source,
                    part,
                    reporter.stream_progress(),
                    opts.encryption,
                    part_sha1s.get(part.number),
                )
                for part in missing
            ],
        )
        sha1_by_part = dict(target.done)
        sha1_by_part.update({part.number: sha1 for part, sha1 in zip(missing, new_sha1s, strict=True)})
        return self._session.finish_large_file(file_id, [sha1_by_part[part.number] for part in plan])

    def _upload_part(
        self,
        file_id: str,
        source: UploadSource,
        part: PartRange,
        progress: StreamProgress,
        encryption: EncryptionSetting | None,
        known_sha1: str | None = None,
    ) -> str:
        """Send one part; its SHA-1 goes in the header when known, else after the body (hashed on the way).

        A part of a local file whose SHA-1 is known goes out by ``sendfile``, never read into Python.
        """
        if known_sha1 is not None and isinstance(source, UploadSourceLocalFileRange):
            body = FileRangeBody(source.path, source.offset + part.offset, part.length, progress)
            response = self._send_part(
                file_id, part, len(body), known_sha1, cast(IO[bytes], body), encryption
            )
            _check_sha1(response, known_sha1, f"part {part.number}")
            return known_sha1
        opener = functools.partial(source.open_range, part.offset, part.length)
        with HashingStream(opener, part.length, known_sha1 is None, progress, known_sha1) as stream:
            response = self._send_part(
                file_id, part, len(stream), known_sha1 or HEX_DIGITS_AT_END, _as_body(stream), encryption
            )
            sha1 = stream.hexdigest()
        _check_sha1(response, sha1, f"part {part.number}")
        return sha1

    def _send_part(
        self,
        file_id: str,
        part: PartRange,
        length: int,
        sha1: str,
        body: IO[bytes],
        encryption: EncryptionSetting | None,
    ) -> dict[str, Any]:
        """``b2_upload_part``; a SHA-1 mismatch of a part hashed beforehand means the source changed."""
        try:
            return self._session.send_part(file_id, UploadPart(part.number, length, sha1, encryption), body)
        except BadRequest as error:
            if sha1 != HEX_DIGITS_AT_END and "sha1" in str(error).lower():
                raise SourceChangedError(
                    f"part {part.number} changed after its SHA-1 was computed: {error}"
                ) from error
            raise

    # --- resume --------------------------------------------------------------------------------------------

    def _find_resumable(
        self,
        bucket_id: str,
        file_name: str,
        content_type: str,
        file_info: Mapping[str, str],
        source: UploadSource,
        plan: tuple[PartRange, ...],
    ) -> _LargeFileTarget | None:
        """The matching unfinished large file with the most bytes already uploaded, if any.

        A candidate matches when name, content type and file info are equal and every uploaded part has the
        planned size and (unless ``large_file_sha1`` already ties the content) the SHA-1 of the local range.
        """
        try:
            candidates = list(self._unfinished_large_files(bucket_id, file_name))
        except Unauthorized:  # e.g. a key without listFiles: resuming is an optimisation, not a must
            logger.debug("unfinished large files cannot be listed; %s starts afresh", file_name)
            return None
        best: _LargeFileTarget | None = None
        best_bytes = -1
        for unfinished in candidates:
            if unfinished.get("fileName") != file_name or unfinished.get("fileInfo") != dict(file_info):
                continue
            if content_type != CONTENT_TYPE_AUTO and unfinished.get("contentType") != content_type:
                continue
            done = self._matching_parts(
                unfinished["fileId"], source, plan, LARGE_FILE_SHA1_INFO_KEY in file_info
            )
            if done is None:
                continue
            uploaded = sum(part.length for part in plan if part.number in done)
            if uploaded > best_bytes:
                best, best_bytes = _LargeFileTarget(unfinished["fileId"], done), uploaded
        return best

    def _unfinished_large_files(self, bucket_id: str, prefix: str) -> Iterator[dict[str, Any]]:
        first = ListUnfinishedLargeFiles(bucket_id, None, MAX_UNFINISHED_LIST_COUNT, prefix)
        return self._session.paged(first).items()

    def _matching_parts(
        self, file_id: str, source: UploadSource, plan: tuple[PartRange, ...], sha1_tied: bool
    ) -> dict[int, str] | None:
        by_number = {part.number: part for part in plan}
        uploaded: dict[int, str] = {}
        for remote in self._parts(file_id):
            planned = by_number.get(remote["partNumber"])
            if planned is None or remote["contentLength"] != planned.length:
                return None
            uploaded[planned.number] = remote["contentSha1"]
        if not sha1_tied:
            checks = [functools.partial(_range_sha1, source, by_number[n]) for n in sorted(uploaded)]
            local = run_all(self._executor, checks)
            if any(uploaded[n] != sha1 for n, sha1 in zip(sorted(uploaded), local, strict=True)):
                return None
        return uploaded

    def _parts(self, file_id: str) -> Iterator[dict[str, Any]]:
        return self._session.paged(ListParts(file_id, None, _LIST_PARTS_PAGE)).items()


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
    ) -> None:
        self._manager = manager
        self._bucket_id = bucket_id
        self._file_name = file_name
        self._stream = stream
        self._opts = opts
        self._reporter = reporter
        self._part_size = part_size

    def run(self, parts_in_flight: int) -> dict[str, Any]:
        first = _read_exactly(self._stream, self._part_size)
        second = (
            _read_exactly(self._stream, self._part_size) if len(first) == self._part_size else bytearray()
        )
        if not second:
            self._reporter.set_total_bytes(len(first))
            return self._manager._upload_small(
                self._bucket_id, self._file_name, UploadSourceBytes(first), self._opts, self._reporter
            )
        return self._run_large(first, second, parts_in_flight)

    def _run_large(self, first: bytearray, second: bytearray, parts_in_flight: int) -> dict[str, Any]:
        manager = self._manager
        session = manager._session
        file_info = self._opts.stored_file_info()
        if self._opts.large_file_sha1 is not None:
            file_info[LARGE_FILE_SHA1_INFO_KEY] = self._opts.large_file_sha1
        started = _start_large_file(session, self._bucket_id, self._file_name, file_info, self._opts)
        file_id: str = started["fileId"]
        slots = threading.BoundedSemaphore(max(1, min(manager._max_workers, parts_in_flight)))
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
        return session.finish_large_file(file_id, sha1s)

    def _next_buffer(self) -> bytearray:
        return _read_exactly(self._stream, self._part_size)

    def _submit_part(
        self, file_id: str, number: int, data: bytearray, slots: threading.BoundedSemaphore
    ) -> Future[str]:
        slots.acquire()
        part = PartRange(number=number, offset=0, length=len(data))
        source = UploadSourceBytes(data)
        progress = self._reporter.stream_progress()

        def send() -> str:
            try:
                return self._manager._upload_part(file_id, source, part, progress, self._opts.encryption)
            finally:
                slots.release()

        try:
            return self._manager._executor.submit(send)
        except BaseException:
            slots.release()
            raise


def _start_large_file(
    session: TransferSession, bucket_id: str, file_name: str, file_info: dict[str, str], opts: UploadOptions
) -> dict[str, Any]:
    settings = dataclasses.replace(opts.new_file_settings(), file_info=file_info)
    return session.call(StartLargeFile(bucket_id, file_name, settings))


def _as_body(stream: HashingStream) -> IO[bytes]:
    """The HTTP layer reads request bodies with ``read`` only, which :class:`HashingStream` provides."""
    return cast(IO[bytes], stream)


def _any_failed(futures: list[Future[str]]) -> bool:
    return any(future.done() and future.exception() is not None for future in futures)


def _check_sha1(response: Mapping[str, Any], expected: str, what: str) -> None:
    actual = response.get("contentSha1")
    if actual != expected:
        raise UnexpectedCloudBehaviour(f"server stored SHA-1 {actual} for {what}, but {expected} was sent")


def _range_sha1(source: UploadSource, part: PartRange) -> str:
    opener = functools.partial(source.open_range, part.offset, part.length)
    with HashingStream(opener, part.length, False) as stream:
        while stream.read(1 << 20):
            pass
        return stream.hexdigest()


def _read_exactly(stream: BinaryIO, size: int) -> bytearray:
    """Read until ``size`` bytes or the end of the stream, into one buffer (no intermediate copies)."""
    buffer = bytearray(size)
    filled = 0
    with memoryview(buffer) as view:
        while filled < size:
            count = _read_into(stream, view[filled:])
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
