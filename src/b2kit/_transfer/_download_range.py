"""Reading byte ranges of one file version with the sync session (the decisions: :mod:`._download_plan`)."""

from __future__ import annotations

from collections.abc import Iterator

from b2kit._models import DownloadVersion, EncryptionSetting
from b2kit._transfer._download_plan import ByteSpan, RangeSource, check_served, span_steps
from b2kit._transfer._session_contract import StreamingResponse, TransferSession
from b2kit._transfer._steps import StepRunner
from b2kit._transport._retry import DEFAULT_RETRY_POLICY, RetryPolicy

__all__ = ["ByteSpan", "RangeFetcher", "check_served", "read_span"]


class RangeFetcher:
    """Reads byte ranges of one file version through the sync session, refusing another version or range."""

    def __init__(
        self,
        session: TransferSession,
        url: str,
        version: DownloadVersion,
        encryption: EncryptionSetting | None,
        resume_policy: RetryPolicy = DEFAULT_RETRY_POLICY,
        runner: StepRunner | None = None,
    ) -> None:
        self.source = RangeSource(url, version, encryption, resume_policy)
        self.runner = runner if runner is not None else StepRunner(session)
        """Performs the effects of reading (and resuming) ranges."""

    @property
    def resume_policy(self) -> RetryPolicy:
        """How often, and after what pause, a broken body is resumed without a byte arriving in between."""
        return self.source.resume_policy

    def read(
        self, span: ByteSpan, chunk_size: int, response: StreamingResponse | None = None
    ) -> Iterator[bytes]:
        """Exactly the bytes of ``span`` (:func:`~._download_plan.span_steps`), starting with ``response``."""
        return self.runner.iterate(span_steps(self.source, span, chunk_size, response))


def read_span(
    fetcher: RangeFetcher,
    span: ByteSpan,
    chunk_size: int,
    response: StreamingResponse | None = None,
) -> Iterator[bytes]:
    """Yield exactly ``span.length`` bytes, starting with ``response`` when given (it must serve the span);
    a broken body is resumed as the fetcher's ``resume_policy`` allows."""
    return fetcher.read(span, chunk_size, response)
