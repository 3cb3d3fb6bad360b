"""Reading a byte range of one file version, resuming with a new Range request when the body breaks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from b2kit._exceptions import B2Error, TruncatedOutput, UnexpectedCloudBehaviour
from b2kit._models import DownloadVersion, EncryptionSetting
from b2kit._transfer._session_contract import StreamingResponse, TransferSession
from b2kit._transport._retry import DEFAULT_RETRY_POLICY, RetryPolicy
from b2kit._wire import DownloadFile


@dataclass(frozen=True)
class ByteSpan:
    """Inclusive byte range ``first..last`` of a file (empty when ``last < first``)."""

    first: int
    last: int

    @property
    def length(self) -> int:
        """Number of bytes in the span."""
        return max(0, self.last - self.first + 1)

    def split(self, size: int) -> list[ByteSpan]:
        """Consecutive spans of ``size`` bytes (the last one shorter) covering this one."""
        return [
            ByteSpan(first, min(first + size - 1, self.last))
            for first in range(self.first, self.last + 1, size)
        ]


class RangeFetcher:
    """Opens byte ranges of one file version, refusing an answer about another version or range."""

    def __init__(
        self,
        session: TransferSession,
        url: str,
        version: DownloadVersion,
        encryption: EncryptionSetting | None,
        resume_policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    ) -> None:
        self._session = session
        self._url = url
        self._version = version
        self._encryption = encryption
        self.resume_policy = resume_policy
        """How often, and after what pause, a broken body is resumed without a byte arriving in between."""

    def open(self, span: ByteSpan) -> StreamingResponse:
        """GET ``span``; checks the answer serves the same file id and exactly that range."""
        response = self._session.download(DownloadFile(self._url, (span.first, span.last), self._encryption))
        try:
            check_served(self._version, span, response.headers)
        except BaseException:
            response.close()
            raise
        return response


def check_served(version: DownloadVersion, span: ByteSpan, headers: Mapping[str, str]) -> None:
    """Refuse a ranged answer about another version of the file or another range (any transport)."""
    served = DownloadVersion.from_response_headers(headers)
    if served.id_ != version.id_:
        raise UnexpectedCloudBehaviour(
            f"{version.file_name} changed during the download (file id {version.id_} became {served.id_})"
        )
    if served.range_[0] != span.first or served.content_length != span.length:
        raise UnexpectedCloudBehaviour(
            f"asked for bytes {span.first}-{span.last}, got {served.content_length} bytes "
            f"from {served.range_[0]}"
        )


def read_span(
    fetcher: RangeFetcher,
    span: ByteSpan,
    chunk_size: int,
    response: StreamingResponse | None = None,
) -> Iterator[bytes]:
    """Yield exactly ``span.length`` bytes, starting with ``response`` when given (it must serve the span).

    When the body breaks or ends early, the rest of the span is requested again, as the fetcher's
    ``resume_policy`` allows for failures in a row without a byte; then :class:`TruncatedOutput` is raised.
    The response is always closed.
    """
    position = span.first
    current = response
    open_errors: list[B2Error] = []  # the GET itself was already retried by the HTTP layer

    def drop() -> None:
        nonlocal current
        if current is not None:
            current.close()
            current = None

    def next_chunk() -> bytes:
        nonlocal current
        if current is None:
            try:
                current = fetcher.open(ByteSpan(position, span.last))
            except B2Error as exc:
                open_errors.append(exc)
                raise
        try:
            data = current.read(min(chunk_size, span.last - position + 1))
        except B2Error:
            drop()
            raise
        if not data:
            drop()
            raise TruncatedOutput(position - span.first, span.length)
        return data

    def retryable(error: B2Error) -> bool:
        return error not in open_errors and error.should_retry_http()

    def truncated(_errors: list[B2Error]) -> B2Error:
        return TruncatedOutput(position - span.first, span.length)

    try:
        while position <= span.last:
            data = fetcher.resume_policy.run(
                next_chunk,
                description=f"download body at byte {position} (resuming with a range request)",
                retryable=retryable,
                give_up=truncated,
            )
            position += len(data)
            yield data
    finally:
        drop()
