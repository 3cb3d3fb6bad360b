"""Making a new file from write intents, as one plan of :mod:`._steps` for both clients.

:func:`~._emerge_planning.lay_out` and :func:`~._emerge_planning.plan_emerge` decide the parts; this plan
runs them: a file that is one piece goes whole to the copy or upload plan (so a lone copy keeps its
metadata, a lone local source resumes); otherwise ``b2_start_large_file`` (or the continued large file),
``b2_copy_part`` for copied parts and, for uploaded parts, their B2 pieces downloaded into spools and the
part sent like any upload part, then ``b2_finish_large_file``. A one-part plan is a small upload.

The sync :class:`~._steps.StepRunner` (:func:`create_file` here) and ``b2kit.aio._emerge.create_file``
run the same plan; only their runners differ.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import IO, Final

from b2kit._exceptions import TruncatedOutput
from b2kit._models import FileVersion
from b2kit._transfer._copy_plan import CopyPlan
from b2kit._transfer._emerge_planning import CopiedPart, Part, UploadedPart, lay_out, plan_emerge
from b2kit._transfer._emerge_request import EmergeRequest, kept_part_sha1, local_source
from b2kit._transfer._part_planning import PartRange, PartSizeLimits
from b2kit._transfer._pieces_source import SpoolSource, copied_range, new_spool, part_source
from b2kit._transfer._progress import AbstractProgressListener, ProgressReporter
from b2kit._transfer._session_contract import TransferSession
from b2kit._transfer._steps import (
    BodySpec,
    Download,
    Read,
    StepRunner,
    Steps,
    call,
    finish,
    items,
    parallel,
    work,
)
from b2kit._transfer._upload_plan import UploadPlan, part_steps, range_sha1, small_file_steps
from b2kit._transfer._upload_source import UploadSource, UploadSourceBytes
from b2kit._transfer._write_intents import CopySource
from b2kit._wire import CopyPart, DownloadFile, ListParts, StartLargeFile

_LIST_PARTS_PAGE: Final = 1000
_BLOCK: Final = 1024 * 1024


@dataclass(frozen=True)
class EmergePlan:
    """One new file ``file_name`` in ``bucket_id`` from ``request``: run :meth:`steps` with a step runner."""

    bucket_id: str
    file_name: str
    request: EmergeRequest
    limits: PartSizeLimits
    workers: int
    download_url: Callable[[str], str]
    """The download URL of a file id (the session's ``get_download_url_by_id``)."""

    def steps(self, listener: AbstractProgressListener | None) -> Steps[FileVersion]:
        """The new file; ``listener`` hears its length and the bytes copied or sent."""
        request = self.request
        pieces = lay_out(request.intents)
        if len(pieces) == 1 and isinstance(pieces[0].source, CopySource):
            opts = request.copy_options(self.bucket_id, pieces[0])
            copy = CopyPlan(pieces[0].source.file_id, self.file_name, opts, self.limits, self.workers)
            return (yield from copy.steps(None, listener))
        parts = plan_emerge(pieces, request.sizes(self.limits)) if len(pieces) > 1 else ()
        reporter = ProgressReporter(listener, sum(piece.length for piece in pieces))
        try:
            if len(pieces) == 1:
                source = local_source(pieces[0])
                upload = UploadPlan(
                    self.bucket_id,
                    self.file_name,
                    source,
                    request.upload_options(),
                    reporter,
                    self.limits,
                    self.workers,
                )
                return (yield from upload.steps())
            if len(parts) <= 1:
                return (yield from self._small_file(parts, reporter))
            file_id, existing = yield from self._large_file()
            sends = [self._part(file_id, part, reporter, existing) for part in parts]
            sha1s = yield from parallel(sends, self.workers)
            return (yield from finish(file_id, sha1s))
        finally:
            reporter.close()

    def _small_file(self, parts: tuple[Part, ...], reporter: ProgressReporter) -> Steps[FileVersion]:
        """An empty file, or one upload part: ``b2_upload_file``."""
        opts = self.request.upload_options()
        with ExitStack() as spools:
            source: UploadSource = UploadSourceBytes(b"")
            if parts:
                (part,) = parts
                if not isinstance(part, UploadedPart):
                    raise TypeError("a one-part plan of several pieces is an upload")
                source = yield from self._part_source(part, spools)
            return (yield from small_file_steps(self.bucket_id, self.file_name, source, opts, reporter))

    def _large_file(self) -> Steps[tuple[str, dict[int, tuple[int, str]]]]:
        """The large file to fill, and the parts it already holds (number -> (length, SHA-1))."""
        continued = self.request.continue_large_file_id
        if continued is not None:
            listing = yield from items(ListParts(continued, None, _LIST_PARTS_PAGE))
            return continued, {p.part_number: (p.content_length, p.content_sha1) for p in listing}
        settings = self.request.large_file_settings()
        started = yield from call(StartLargeFile(self.bucket_id, self.file_name, settings))
        return started.file_id, {}

    def _part(
        self, file_id: str, part: Part, reporter: ProgressReporter, existing: Mapping[int, tuple[int, str]]
    ) -> Steps[str]:
        """Copy or upload one part (or keep the continued file's part of that size); its SHA-1."""
        kept = kept_part_sha1(existing, part)
        encryption = self.request.options.encryption
        if isinstance(part, CopiedPart):
            source = part.piece.source
            if kept is None and isinstance(source, CopySource):
                span = copied_range(part.piece)
                copied = yield from call(
                    CopyPart(source.file_id, file_id, part.number, span, encryption, source.encryption)
                )
                kept = copied.content_sha1
            if kept is None:
                raise TypeError("a copied part is a range of a B2 file")
            reporter.add(part.length)
            return kept
        with ExitStack() as spools:
            body = yield from self._part_source(part, spools)
            planned = PartRange(part.number, 0, part.length)
            if kept is not None and (yield from work(range_sha1, body, planned, size=part.length)) == kept:
                reporter.add(part.length)
                return kept
            spec = BodySpec(body.open, part.length, None, reporter.stream_progress())
            return (yield from part_steps(file_id, spec, part.number, encryption))

    def _part_source(self, part: UploadedPart, spools: ExitStack) -> Steps[UploadSource]:
        """The body of an upload part, its B2 pieces downloaded into spools first."""
        downloaded: dict[int, UploadSource] = {}
        for index, piece in enumerate(part.pieces):
            if isinstance(piece.source, CopySource):
                spool = spools.enter_context(new_spool())
                yield from self._download(piece.source, copied_range(piece), spool)
                downloaded[index] = SpoolSource(spool, piece.length)
        return part_source(part, downloaded)

    def _download(self, source: CopySource, span: tuple[int, int], spool: IO[bytes]) -> Steps[None]:
        """GET ``span`` of a B2 file into ``spool`` (TruncatedOutput if the body ends early)."""
        length = span[1] - span[0] + 1
        request = DownloadFile(self.download_url(source.file_id), span, source.encryption)
        response = yield Download(request)
        received = 0
        try:
            while received < length:
                data: bytes = yield Read(response, min(_BLOCK, length - received))
                if not data:
                    raise TruncatedOutput(received, length)
                yield from work(spool.write, data, size=len(data))
                received += len(data)
        finally:
            response.close()


def create_file(
    session: TransferSession,
    executor: Executor,
    workers: int,
    where: tuple[str, str],
    request: EmergeRequest,
    listener: AbstractProgressListener | None,
) -> FileVersion:
    """Run the plan of a new file (``where`` is bucket id and file name) with the sync session and pool."""
    info = session.account_info
    limits = PartSizeLimits(info.get_absolute_minimum_part_size(), info.get_recommended_part_size())
    plan = EmergePlan(*where, request, limits, max(1, workers), session.get_download_url_by_id)
    return StepRunner(session, executor).run(plan.steps(listener))
