"""The transfer plans (pure, shared by the sync and async clients), stepped by hand."""

from __future__ import annotations

from typing import Any

import pytest

from b2kit._exceptions import (
    BadRequest,
    ChecksumMismatch,
    InvalidRange,
    TruncatedOutput,
    Unauthorized,
    UnexpectedCloudBehaviour,
)
from b2kit._models import DownloadVersion, FileVersion
from b2kit._protocol import HEX_DIGITS_AT_END, LARGE_FILE_SHA1_INFO_KEY
from b2kit._transfer._copy_plan import CopyOptions, CopyPlan
from b2kit._transfer._download_plan import ByteSpan, RangeSource, content_steps, served_version
from b2kit._transfer._part_planning import PartRange, PartSizeLimits
from b2kit._transfer._progress import ProgressListenerForTest, ProgressReporter
from b2kit._transfer._steps import Call, Finish, Items, Parallel, Send, Sent, StepRunner, Steps, advance
from b2kit._transfer._upload_plan import UploadOptions, UploadPlan, part_steps, small_file_steps
from b2kit._transfer._upload_source import SourceChangedError, UploadSourceBytes
from b2kit._transport._retry import RetryPolicy
from b2kit._wire import CopyFile, CopyPart, GetFileInfo, MetadataDirectiveMode, StartLargeFile, UploadFile

LIMITS = PartSizeLimits(absolute_minimum=10, recommended=100)
SHA1_OF_ABC = "a9993e364706816aba3e25717850c26c9cd0d89d"


def version(**answer: Any) -> FileVersion:
    """The record a file-version answer is parsed into."""
    return FileVersion.from_api_response({"fileName": "a.txt", **answer})


def step(plan: Steps[Any], answer: Any = None, error: BaseException | None = None) -> Any:
    """The next effect, or ('done', result)."""
    try:
        return advance(plan, answer, error)
    except StopIteration as stop:
        return ("done", stop.value)


def test_small_upload_sends_sha1_at_end_and_checks_the_stored_one() -> None:
    plan = small_file_steps("b1", "a.txt", UploadSourceBytes(b"abc"), UploadOptions(), ProgressReporter(None))
    send = step(plan)
    assert isinstance(send, Send) and isinstance(send.request, UploadFile)
    assert send.target_id == "b1"
    assert send.request.content_sha1 == HEX_DIGITS_AT_END
    assert send.request.content_length == 3 + 40
    stored = version(contentSha1=SHA1_OF_ABC)
    assert step(plan, Sent(stored, SHA1_OF_ABC)) == ("done", stored)


def test_small_upload_with_a_known_sha1_puts_it_in_the_header_and_refuses_another_stored() -> None:
    opts = UploadOptions(content_sha1=SHA1_OF_ABC)
    plan = small_file_steps("b1", "a.txt", UploadSourceBytes(b"abc"), opts, ProgressReporter(None))
    send = step(plan)
    assert (send.request.content_sha1, send.request.content_length) == (SHA1_OF_ABC, 3)
    with pytest.raises(UnexpectedCloudBehaviour, match=r"a\.txt"):
        step(plan, Sent(version(contentSha1="0" * 40), SHA1_OF_ABC))


def test_a_part_refused_for_its_sha1_means_the_source_changed_only_when_hashed_beforehand() -> None:
    source = UploadSourceBytes(b"abc")
    upload = UploadPlan("b", "f", source, UploadOptions(), ProgressReporter(None), LIMITS, 2)
    part = PartRange(1, 0, 3)
    plan = part_steps("f1", upload._body(part, SHA1_OF_ABC), 1, None)
    step(plan)
    with pytest.raises(SourceChangedError, match="part 1 changed"):
        step(plan, error=BadRequest("sha1 did not match"))
    unknown = part_steps("f1", upload._body(part, None), 1, None)
    assert step(unknown).request.content_sha1 == HEX_DIGITS_AT_END
    with pytest.raises(BadRequest):
        step(unknown, error=BadRequest("sha1 did not match"))


def test_large_upload_resumes_the_unfinished_file_whose_parts_match() -> None:
    data = bytes(range(250))
    opts = UploadOptions(large_file_sha1="1" * 40)
    plan = UploadPlan("b", "f", UploadSourceBytes(data), opts, ProgressReporter(None), LIMITS, 2).steps()
    listing = step(plan)
    assert isinstance(listing, Items)
    unfinished = {"fileName": "f", "fileInfo": {LARGE_FILE_SHA1_INFO_KEY: "1" * 40}, "fileId": "old"}
    parts = step(plan, [listing.call.parse_item(unfinished)])
    assert isinstance(parts, Items)
    part = {"fileId": "old", "partNumber": 1, "contentLength": 100, "contentSha1": "p1"}
    sends = step(plan, [parts.call.parse_item(part)])
    assert isinstance(sends, Parallel)
    assert len(sends.plans) == 2  # parts 2 and 3 are missing
    finish = step(plan, ["p2", "p3"])
    assert finish == Finish("old", ["p1", "p2", "p3"])


def test_large_upload_starts_afresh_when_unfinished_files_cannot_be_listed() -> None:
    opts = UploadOptions(large_file_sha1="1" * 40, expires="Thu, 01 Dec 2033 16:00:00 GMT")
    plan = UploadPlan(
        "b", "f", UploadSourceBytes(bytes(250)), opts, ProgressReporter(None), LIMITS, 2
    ).steps()
    step(plan)
    start = step(plan, error=Unauthorized("no listFiles"))
    assert isinstance(start, Call) and isinstance(start.call, StartLargeFile)
    assert start.call.settings.file_info == {
        "b2-expires": "Thu, 01 Dec 2033 16:00:00 GMT",
        LARGE_FILE_SHA1_INFO_KEY: "1" * 40,
    }


def test_small_copy_keeps_metadata_and_reports_progress() -> None:
    listener = ProgressListenerForTest()
    plan = CopyPlan("src", "dst", CopyOptions(), LIMITS, 2).steps(None, listener)
    info = step(plan)
    assert info == Call(GetFileInfo("src"))
    copy = step(plan, version(contentLength=50))
    assert isinstance(copy.call, CopyFile)
    assert copy.call.metadata_directive is MetadataDirectiveMode.COPY and copy.call.bytes_range is None
    copied = version(fileId="new")
    assert step(plan, copied) == ("done", copied)
    assert listener.last_completed == 50 and listener.closed


def test_large_copy_copies_ranges_as_parts_and_finishes_with_their_sha1s() -> None:
    opts = CopyOptions(destination_bucket_id="b2", content_type="text/plain", offset=10)
    plan = CopyPlan("src", "dst", opts, LIMITS, 2).steps(260, None)
    start = step(plan)
    assert isinstance(start.call, StartLargeFile) and start.call.bucket_id == "b2"
    parts = step(plan, start.call.parse({"fileId": "large", "fileName": "dst"}))
    first = step(parts.plans[0])
    assert isinstance(first.call, CopyPart) and first.call.bytes_range == (10, 109)
    assert step(plan, ["s1", "s2"]) == Finish("large", ["s1", "s2"])


def test_a_copy_told_the_source_metadata_and_length_asks_nothing_first() -> None:
    told = {"k": "v", LARGE_FILE_SHA1_INFO_KEY: "1" * 40}
    opts = CopyOptions("b2", length=150, source_content_type="text/told", source_file_info=told)
    start = step(CopyPlan("src", "dst", opts, LIMITS, 2).steps(None, None))
    assert isinstance(start.call, StartLargeFile)
    settings = start.call.settings
    assert (settings.content_type, settings.file_info) == ("text/told", {"k": "v"})  # not known to be whole
    whole = step(CopyPlan("src", "dst", opts, LIMITS, 2).steps(150, None))
    assert whole.call.settings.file_info == told
    small = CopyOptions("b2", length=50, source_content_type="text/told", source_file_info={})
    copy = step(CopyPlan("src", "dst", small, LIMITS, 2).steps(None, None))
    assert isinstance(copy.call, CopyFile) and copy.call.bytes_range == (0, 49)
    only_type = CopyOptions("b2", length=150, source_content_type="text/told")
    assert step(CopyPlan("src", "dst", only_type, LIMITS, 2).steps(None, None)) == Call(GetFileInfo("src"))


def _version(size: int, sha1: str) -> DownloadVersion:
    return DownloadVersion.from_response_headers(
        {
            "Content-Length": str(size),
            "X-Bz-Content-Sha1": sha1,
            "X-Bz-File-Id": "id1",
            "X-Bz-File-Name": "a.txt",
            "X-Bz-Upload-Timestamp": "1",
            "Content-Type": "text/plain",
        }
    )


class _Body:
    """A response body that gives its chunks one read at a time."""

    def __init__(self, *chunks: bytes) -> None:
        self._chunks = list(chunks)
        self.closed = False

    def read(self, _amount: int) -> bytes:
        return self._chunks.pop(0) if self._chunks else b""

    def close(self) -> None:
        self.closed = True


def _content(version: DownloadVersion, body: _Body, reporter: ProgressReporter) -> Steps[None]:
    source = RangeSource("http://b2/file", version, None, RetryPolicy(max_attempts=1))
    return content_steps(version, ByteSpan(0, 2), source, 1024, body, reporter)


def test_a_download_is_hashed_counted_and_checked_at_the_end() -> None:
    listener = ProgressListenerForTest()
    body = _Body(b"ab", b"c")
    chunks = StepRunner().iterate(_content(_version(3, SHA1_OF_ABC), body, ProgressReporter(listener, 3)))
    assert b"".join(chunks) == b"abc"
    assert listener.last_completed == 3 and listener.closed and body.closed


def test_a_download_with_another_sha1_or_fewer_bytes_fails() -> None:
    wrong = _content(_version(3, "0" * 40), _Body(b"abc"), ProgressReporter(None))
    with pytest.raises(ChecksumMismatch):
        list(StepRunner().iterate(wrong))
    short = _content(_version(3, SHA1_OF_ABC), _Body(b"ab"), ProgressReporter(None))
    with pytest.raises(TruncatedOutput):  # the body ended early and cannot be opened again
        list(StepRunner().iterate(short))


def test_served_version_refuses_another_range_than_asked() -> None:
    headers = {
        "Content-Length": "2",
        "Content-Range": "bytes 0-1/3",
        "X-Bz-File-Id": "id1",
        "X-Bz-File-Name": "a.txt",
        "X-Bz-Upload-Timestamp": "1",
        "Content-Type": "text/plain",
    }
    assert served_version(headers, (0, 1)).range_ == (0, 1)
    with pytest.raises(InvalidRange):
        served_version(headers, (1, 2))


def test_a_runner_refuses_an_effect_it_cannot_perform() -> None:
    plan = CopyPlan("src", "dst", CopyOptions(), LIMITS, 2).steps(None, None)
    with pytest.raises(TypeError, match="cannot perform Call"):
        StepRunner().run(plan)
