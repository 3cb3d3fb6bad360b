"""Reading a byte range of one file version, resuming with a new Range request when the body breaks."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from b2kit._exceptions import B2Error, TruncatedOutput, UnexpectedCloudBehaviour
from b2kit._models import DownloadVersion, EncryptionSetting
from b2kit._transfer._session_contract import StreamingResponse, TransferSession
from b2kit._wire import DownloadFile

logger = logging.getLogger(__name__)

MAX_RESUMES: Final = 5
"""Range re-requests allowed in a row without receiving a byte before a stream is given up."""


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
    ) -> None:
        self._session = session
        self._url = url
        self._version = version
        self._encryption = encryption

    def open(self, span: ByteSpan) -> StreamingResponse:
        """GET ``span``; checks the answer serves the same file id and exactly that range."""
        response = self._session.download(DownloadFile(self._url, (span.first, span.last), self._encryption))
        try:
            served = DownloadVersion.from_response_headers(response.headers)
            if served.id_ != self._version.id_:
                raise UnexpectedCloudBehaviour(
                    f"{self._version.file_name} changed during the download "
                    f"(file id {self._version.id_} became {served.id_})"
                )
            if served.range_[0] != span.first or served.content_length != span.length:
                raise UnexpectedCloudBehaviour(
                    f"asked for bytes {span.first}-{span.last}, got {served.content_length} bytes "
                    f"from {served.range_[0]}"
                )
        except BaseException:
            response.close()
            raise
        return response


def read_span(
    fetcher: RangeFetcher,
    span: ByteSpan,
    chunk_size: int,
    response: StreamingResponse | None = None,
) -> Iterator[bytes]:
    """Yield exactly ``span.length`` bytes, starting with ``response`` when given (it must serve the span).

    When the body breaks or ends early, the rest of the span is requested again; after ``MAX_RESUMES``
    attempts in a row without a byte, :class:`TruncatedOutput` is raised. The response is always closed.
    """
    position = span.first
    current = response
    failures = 0
    try:
        while position <= span.last:
            if current is None:
                current = fetcher.open(ByteSpan(position, span.last))
            try:
                data = current.read(min(chunk_size, span.last - position + 1))
            except B2Error as exc:
                if not exc.should_retry_http():
                    raise
                data = b""
            if data:
                position += len(data)
                failures = 0
                yield data
                continue
            failures += 1
            current.close()
            current = None
            if failures > MAX_RESUMES:
                raise TruncatedOutput(position - span.first, span.length)
            logger.debug("download body broke at byte %d; resuming with a range request", position)
    finally:
        if current is not None:
            current.close()
