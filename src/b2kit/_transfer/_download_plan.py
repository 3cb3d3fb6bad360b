"""What a download decides, for both clients: the version served, resumes of a broken body, the final checks.

Plans of :mod:`._steps` (no I/O of their own): :func:`span_steps` emits exactly the bytes of one range,
opening it again from where it broke (same file version required) as the resume policy allows;
:func:`content_steps` adds the SHA-1 and length checks and the progress of a whole download. The sync
:class:`~b2kit._transfer._download.DownloadedFile` (and its parallel save) and the async
``AsyncDownloadedFile`` run them. Closing a response is the one call a plan makes itself: it must also
happen when the plan is closed half-way, where a generator cannot yield.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from b2kit._exceptions import (
    B2Error,
    ChecksumMismatch,
    InvalidRange,
    TruncatedOutput,
    UnexpectedCloudBehaviour,
)
from b2kit._models import DownloadVersion, EncryptionSetting
from b2kit._protocol import LARGE_FILE_SHA1_INFO_KEY, SHA1_HEX_LENGTH
from b2kit._transfer._progress import ProgressReporter
from b2kit._transfer._steps import Download, Emit, Read, Retried, Steps, Work
from b2kit._transport._retry import RetryPolicy
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


def served_version(headers: Mapping[str, str], range_: tuple[int, int] | None) -> DownloadVersion:
    """The version a download answer describes; InvalidRange when it does not serve the asked range."""
    version = DownloadVersion.from_response_headers(headers)
    if range_ is not None and (
        version.range_[0] != range_[0] or version.content_length != range_[1] - range_[0] + 1
    ):
        raise InvalidRange(version.size, range_)
    return version


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


@dataclass(frozen=True)
class RangeSource:
    """Where the ranges of one file version come from, and how often a broken body is resumed (without a
    byte arriving in between) and after what pause."""

    url: str
    version: DownloadVersion
    encryption: EncryptionSetting | None
    resume_policy: RetryPolicy


def open_range(source: RangeSource, span: ByteSpan) -> Steps[Any]:
    """GET ``span``; the answer must serve the same file id and exactly that range (else it is closed)."""
    response = yield Download(DownloadFile(source.url, (span.first, span.last), source.encryption))
    try:
        check_served(source.version, span, response.headers)
    except BaseException:
        response.close()
        raise
    return response


class DownloadCheck:
    """Counts and hashes the chunks of a whole download as they arrive, then checks length and SHA-1."""

    def __init__(self, version: DownloadVersion, span: ByteSpan, reporter: ProgressReporter) -> None:
        self._version = version
        self._span = span
        self._reporter = reporter
        self._sha1 = hashlib.sha1(usedforsecurity=False) if expected_sha1(version, span) is not None else None
        self._received = 0

    def take(self, chunk: bytes) -> Work[None] | None:
        """Count ``chunk``; the hashing to do before it is handed on (None when no SHA-1 is checked)."""
        self._received += len(chunk)
        self._reporter.add(len(chunk))
        return None if self._sha1 is None else Work(self._sha1.update, (chunk,), len(chunk))

    def finish(self) -> None:
        """TruncatedOutput or ChecksumMismatch when the download was not what the headers announced."""
        actual = self._sha1.hexdigest() if self._sha1 is not None else None
        check_download(self._version, self._span, self._received, actual)


def span_steps(
    source: RangeSource,
    span: ByteSpan,
    chunk_size: int,
    response: Any = None,
    check: DownloadCheck | None = None,
) -> Steps[None]:
    """Emit exactly ``span.length`` bytes, starting with ``response`` when given (it must serve the span);
    each chunk goes through ``check`` first, and ``check.finish()`` runs after the last.

    When the body breaks or ends early, the rest of the span is opened again, as the source's resume policy
    allows for failures in a row without a byte; then :class:`TruncatedOutput`. The response is always closed.
    """
    position = span.first
    current = response
    open_errors: list[B2Error] = []  # the GET itself was already retried by the transport

    def drop() -> None:
        nonlocal current
        if current is not None:
            current.close()
            current = None

    def next_chunk() -> Steps[bytes]:
        nonlocal current
        if current is None:
            try:
                current = yield from open_range(source, ByteSpan(position, span.last))
            except B2Error as exc:
                open_errors.append(exc)
                raise
        try:
            data: bytes = yield Read(current, min(chunk_size, span.last - position + 1))
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

    policy = source.resume_policy
    try:
        while position <= span.last:
            description = f"download body at byte {position} (resuming with a range request)"
            data: bytes = yield Retried(policy, next_chunk, description, retryable, truncated)
            position += len(data)
            if check is not None and (hashing := check.take(data)) is not None:
                yield hashing
            yield Emit(data)
        if check is not None:
            check.finish()
    finally:
        drop()


def content_steps(
    version: DownloadVersion,
    span: ByteSpan,
    source: RangeSource,
    chunk_size: int,
    response: Any,
    reporter: ProgressReporter,
) -> Steps[None]:
    """A whole download's chunks (:func:`span_steps`), counted and hashed, then length and SHA-1 checked."""
    try:
        yield from span_steps(source, span, chunk_size, response, DownloadCheck(version, span, reporter))
    finally:
        reporter.close()


def expected_sha1(version: DownloadVersion, span: ByteSpan) -> str | None:
    """The SHA-1 to check when a download of ``span`` covers the whole file and one is known."""
    if span.first != 0 or span.length != version.size:
        return None
    sha1 = version.content_sha1
    if sha1 is None or sha1 == "none":
        sha1 = version.file_info.get(LARGE_FILE_SHA1_INFO_KEY)
    if sha1 is None or len(sha1) != SHA1_HEX_LENGTH:
        return None
    return sha1.lower()


def check_download(version: DownloadVersion, span: ByteSpan, received: int, actual_sha1: str | None) -> None:
    """TruncatedOutput when fewer bytes than ``span`` came, ChecksumMismatch when the SHA-1 differs."""
    if received != span.length:
        raise TruncatedOutput(received, span.length)
    expected = expected_sha1(version, span)
    if expected is not None and actual_sha1 is not None and actual_sha1 != expected:
        raise ChecksumMismatch("sha1", expected, actual_sha1)
