"""UploadManager against the real local server: small, large (parallel parts), resume, unbound streams."""

from __future__ import annotations

import hashlib
import io
import os
import threading

import pytest

from b2kit import B2Api, InMemoryAccountInfo
from b2kit._exceptions import B2Error
from b2kit._transfer._part_planning import InvalidPartSizeError
from b2kit._transfer._progress import ProgressListenerForTest
from b2kit._transfer._upload import UploadOptions
from b2kit._transfer._upload_source import (
    SourceChangedError,
    UploadSourceBytes,
    UploadSourceLocalFile,
    UploadSourceLocalFileRange,
    UploadSourceStream,
)
from b2kit._wire import GetFileInfo, GetUploadUrl, ListFileNames, ListParts, ListUnfinishedLargeFiles
from b2kit.server import FaultRule

PART = 1_000_000  # the test server's recommendedPartSize
PARTS_ONLY = UploadOptions(record_large_file_sha1=False)
"""Large uploads without the whole-file SHA-1 pass, for tests that count how often ranges are read."""


class RecordingSource(UploadSourceBytes):
    """Bytes that remember which ranges were opened, how many at once, and can fail from a given offset."""

    def __init__(self, data: bytes, content_sha1: str | None = None, fail_from: int | None = None) -> None:
        super().__init__(data, content_sha1)
        self.opened: list[tuple[int, int]] = []
        self.fail_from = fail_from
        self._lock = threading.Lock()
        self._open_now = 0
        self.max_open = 0

    def open_range(self, offset, length):
        if self.fail_from is not None and offset >= self.fail_from:
            raise OSError(f"disk read error at {offset}")
        with self._lock:
            self.opened.append((offset, length))
            self._open_now += 1
            self.max_open = max(self.max_open, self._open_now)
        reader = super().open_range(offset, length)
        original_close = reader.close

        def close():
            if not reader.closed:
                with self._lock:
                    self._open_now -= 1
            original_close()

        reader.close = close
        return reader


class OneWayStream(io.RawIOBase):
    """A non-seekable stream of unknown length (like a pipe), served in small irregular reads."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._position = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), 70_001, len(self._data) - self._position)
        buffer[:count] = self._data[self._position : self._position + count]
        self._position += count
        return count


def sha1_of(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def unfinished(session, bucket_id):
    return [unfinished.raw for unfinished in session.paged(ListUnfinishedLargeFiles(bucket_id)).items()]


def part_numbers(session, file_id):
    return [part.part_number for part in session.paged(ListParts(file_id, None, 1000)).items()]


def test_small_upload_computes_the_sha1_while_sending(api, bucket):
    data = b"hello b2kit\n" * 1000
    listener = ProgressListenerForTest()
    result = api.upload_manager.upload(
        bucket.id_,
        "notes/hello.txt",
        UploadSourceBytes(data),
        UploadOptions(content_type="text/plain", file_info={"color": "blue"}),
        listener,
    )
    assert result["contentSha1"] == sha1_of(data)
    assert result["contentLength"] == len(data)
    assert result["contentType"] == "text/plain"
    assert result["fileInfo"] == {"color": "blue"}
    stored = api.session.call(GetFileInfo(result["fileId"])).raw
    assert stored["contentSha1"] == sha1_of(data)
    assert listener.total_bytes == len(data)
    assert listener.last_completed == len(data)
    assert listener.get_calls()[-1] == "close()"


def test_small_upload_sends_a_known_sha1(api, bucket):
    data = os.urandom(5000)
    result = api.upload_manager.upload(
        bucket.id_, "known.bin", UploadSourceBytes(data, content_sha1=sha1_of(data))
    )
    assert result["contentSha1"] == sha1_of(data)


def test_empty_file_is_a_small_upload(api, bucket):
    result = api.upload_manager.upload(bucket.id_, "empty", UploadSourceBytes(b""))
    assert result["contentLength"] == 0
    assert result["contentSha1"] == sha1_of(b"")


def test_large_file_goes_up_in_parallel_parts_and_comes_back_identical(api, bucket, tmp_path):
    path = tmp_path / "big.bin"
    whole = hashlib.sha1()
    with path.open("wb") as handle:
        for _ in range(101):
            block = os.urandom(PART)
            whole.update(block)
            handle.write(block)
        handle.write(b"tail")
    whole.update(b"tail")
    size = 101 * PART + 4

    class CountingFile(UploadSourceLocalFile):
        """The local file, counting how many part readers are open at the same time."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.lock = threading.Lock()
            self.open_now = 0
            self.max_open = 0

        def open_range(self, offset, length):
            reader = super().open_range(offset, length)
            with self.lock:
                self.open_now += 1
                self.max_open = max(self.max_open, self.open_now)
            close = reader.close

            def counted_close():
                if not reader.closed:
                    with self.lock:
                        self.open_now -= 1
                close()

            reader.close = counted_close
            return reader

    source = CountingFile(path, content_sha1=whole.hexdigest())
    listener = ProgressListenerForTest()
    result = api.upload_manager.upload(bucket.id_, "big.bin", source, progress_listener=listener)
    assert result["contentLength"] == size
    assert result["contentSha1"] == "none"
    assert result["fileInfo"]["large_file_sha1"] == whole.hexdigest()
    assert source.max_open > 1, "parts were not uploaded in parallel"
    assert listener.is_monotonic()
    assert listener.last_completed == size

    out = tmp_path / "back.bin"
    with api.download_manager.download_file_by_id(result["fileId"]) as downloaded:
        downloaded.save_to(out)
    back = hashlib.sha1()
    with out.open("rb") as handle:
        while block := handle.read(PART):
            back.update(block)
    assert back.hexdigest() == whole.hexdigest()
    assert out.stat().st_size == size


def test_interrupted_large_upload_resumes_with_only_the_missing_parts(make_api, api, bucket):
    data = os.urandom(5 * PART + 123)
    bucket_id = bucket.id_
    broken = RecordingSource(data, content_sha1=sha1_of(data), fail_from=3 * PART)
    with pytest.raises(OSError, match="disk read error"):
        make_api(max_upload_workers=1).upload_manager.upload(bucket_id, "resume.bin", broken)

    [left] = unfinished(api.session, bucket_id)
    uploaded = part_numbers(api.session, left["fileId"])
    assert uploaded == [1, 2, 3]

    again = RecordingSource(data, content_sha1=sha1_of(data))
    listener = ProgressListenerForTest()
    result = api.upload_manager.upload(bucket_id, "resume.bin", again, progress_listener=listener)

    assert result["fileId"] == left["fileId"]
    sent = sorted(offset // PART + 1 for offset, _ in again.opened)
    assert sent == sorted(set(range(1, 7)) - set(uploaded))
    assert listener.completed_history[0] == len(uploaded) * PART
    assert listener.last_completed == len(data)
    assert unfinished(api.session, bucket_id) == []
    assert api.session.call(GetFileInfo(result["fileId"])).raw["contentLength"] == len(data)


def test_resume_checks_part_sha1s_when_the_whole_sha1_is_unknown(make_api, api, bucket):
    data = os.urandom(3 * PART)
    bucket_id = bucket.id_
    with pytest.raises(OSError):
        make_api(max_upload_workers=1).upload_manager.upload(
            bucket_id, "check.bin", RecordingSource(data, fail_from=2 * PART), PARTS_ONLY
        )
    [left] = unfinished(api.session, bucket_id)
    assert part_numbers(api.session, left["fileId"]) == [1, 2]

    again = RecordingSource(data)
    result = api.upload_manager.upload(bucket_id, "check.bin", again, PARTS_ONLY)
    assert result["fileId"] == left["fileId"]
    # parts 1 and 2 are read once to compare their SHA-1s, part 3 once to be sent
    assert sorted(again.opened) == [(0, PART), (PART, PART), (2 * PART, PART)]


def test_unfinished_file_with_different_content_is_not_resumed(make_api, api, bucket):
    data = os.urandom(3 * PART)
    bucket_id = bucket.id_
    with pytest.raises(OSError):
        make_api(max_upload_workers=1).upload_manager.upload(
            bucket_id, "changed.bin", RecordingSource(data, fail_from=2 * PART)
        )
    [left] = unfinished(api.session, bucket_id)

    changed = bytes(b ^ 0xFF for b in data[: 2 * PART]) + data[2 * PART :]
    result = api.upload_manager.upload(bucket_id, "changed.bin", RecordingSource(changed))
    assert result["fileId"] != left["fileId"]
    assert [f["fileId"] for f in unfinished(api.session, bucket_id)] == [left["fileId"]]


def test_resume_can_be_turned_off(make_api, api, bucket):
    data = os.urandom(3 * PART)
    bucket_id = bucket.id_
    with pytest.raises(OSError):
        make_api(max_upload_workers=1).upload_manager.upload(
            bucket_id, "fresh.bin", RecordingSource(data, fail_from=2 * PART)
        )
    [left] = unfinished(api.session, bucket_id)
    result = api.upload_manager.upload(
        bucket_id, "fresh.bin", RecordingSource(data), UploadOptions(resume=False)
    )
    assert result["fileId"] != left["fileId"]


def test_part_size_override_is_used_and_checked(api, bucket):
    data = os.urandom(1_500_000)
    source = RecordingSource(data)
    api.upload_manager.upload(
        bucket.id_,
        "parts.bin",
        source,
        UploadOptions(part_size=500_000, resume=False, record_large_file_sha1=False),
    )
    assert sorted(source.opened) == [(0, 500_000), (500_000, 500_000), (1_000_000, 500_000)]
    with pytest.raises(InvalidPartSizeError):
        api.upload_manager.upload(
            bucket.id_, "tiny-parts.bin", RecordingSource(data), UploadOptions(part_size=99)
        )


def test_unbound_stream_ending_within_one_part_is_a_small_upload(api, bucket):
    data = os.urandom(PART)
    listener = ProgressListenerForTest()
    result = api.upload_manager.upload_unbound_stream(
        bucket.id_, "pipe-small.bin", OneWayStream(data), progress_listener=listener
    )
    assert result["contentSha1"] == sha1_of(data)
    assert result["contentLength"] == len(data)
    assert listener.total_bytes == len(data)
    assert listener.last_completed == len(data)


def test_unbound_stream_longer_than_one_part_is_a_large_file(api, bucket):
    data = os.urandom(3 * PART + 777)
    listener = ProgressListenerForTest()
    result = api.upload_manager.upload_unbound_stream(
        bucket.id_, "pipe-large.bin", OneWayStream(data), progress_listener=listener
    )
    assert result["contentSha1"] == "none"
    assert result["contentLength"] == len(data)
    assert listener.total_bytes == len(data)
    assert listener.last_completed == len(data)
    with api.download_manager.download_file_by_id(result["fileId"]) as downloaded:
        assert downloaded.read() == data


def test_empty_unbound_stream_uploads_an_empty_file(api, bucket):
    result = api.upload_manager.upload_unbound_stream(bucket.id_, "nothing", OneWayStream(b""))
    assert result["contentLength"] == 0


def test_upload_url_answering_503_is_replaced_by_a_new_one(api, bucket, server):
    info = api.session.account_info
    fresh = api.session.call(GetUploadUrl(bucket.id_))
    busy = {"uploadUrl": fresh.upload_url, "authorizationToken": fresh.authorization_token}
    info.put_bucket_upload_url(bucket.id_, busy["uploadUrl"], busy["authorizationToken"])
    server.faults.add(FaultRule("b2_upload_file", status=503, times=1))
    data = os.urandom(50_000)
    listener = ProgressListenerForTest()
    result = api.upload_manager.upload(
        bucket.id_, "busy.bin", UploadSourceBytes(data), progress_listener=listener
    )
    assert result["contentSha1"] == sha1_of(data)
    assert server.faults.rules() == []
    reused = info.take_bucket_upload_url(bucket.id_)
    assert reused is not None
    assert reused[0] != busy["uploadUrl"], "the URL that answered 503 went back into the pool"
    assert listener.is_monotonic()
    assert listener.last_completed == len(data)


def test_part_upload_urls_answering_503_are_replaced(api, bucket, server):
    server.faults.add(FaultRule("b2_upload_part", status=503, times=3))
    data = os.urandom(4 * PART + 5)
    listener = ProgressListenerForTest()
    source = RecordingSource(data)
    result = api.upload_manager.upload(
        bucket.id_, "busy-parts.bin", source, PARTS_ONLY, progress_listener=listener
    )
    assert result["contentLength"] == len(data)
    assert server.faults.rules() == []
    assert len(source.opened) == 5 + 3, "each failed part is read again from its range"
    assert listener.is_monotonic()
    assert listener.last_completed == len(data)
    with api.download_manager.download_file_by_id(result["fileId"]) as downloaded:
        assert downloaded.read() == data


def test_key_that_cannot_list_files_still_uploads_large_files(api, bucket, server):
    key = api.create_key(["writeFiles"], "write-only", bucket_id=bucket.id_)
    writer = B2Api(InMemoryAccountInfo(), max_upload_workers=2)
    writer.authorize_account(server.realm, key.id_, key.application_key)
    data = os.urandom(2 * PART + 1)
    try:
        result = writer.upload_manager.upload(bucket.id_, "write-only.bin", UploadSourceBytes(data))
    finally:
        writer.close()
    assert result["contentLength"] == len(data)
    assert unfinished(api.session, bucket.id_) == []


def test_stream_source_is_reopened_and_skipped_to_each_part(api, bucket):
    data = os.urandom(3 * PART + 10)
    opened = []

    def opener():
        opened.append(1)
        return OneWayStream(data)

    source = UploadSourceStream(opener, len(data))
    result = api.upload_manager.upload(bucket.id_, "stream.bin", source, PARTS_ONLY)
    assert result["contentLength"] == len(data)
    assert len(opened) == 4
    with api.download_manager.download_file_by_id(result["fileId"]) as downloaded:
        assert downloaded.read() == data


def test_local_file_range_uploads_only_that_range(api, bucket, tmp_path):
    path = tmp_path / "whole.bin"
    data = os.urandom(300_000)
    path.write_bytes(data)
    source = UploadSourceLocalFileRange(path, offset=1000, length=200_000)
    result = api.upload_manager.upload(bucket.id_, "range.bin", source)
    assert result["contentSha1"] == sha1_of(data[1000:201_000])


def test_stream_source_shorter_than_announced_fails_cleanly(api, bucket):
    source = UploadSourceStream(lambda: io.BytesIO(b"short"), 10)
    with pytest.raises(B2Error):
        api.upload_manager.upload(bucket.id_, "short.bin", source)
    assert list(bucket.ls("", recursive=True)) == []


def test_large_local_file_records_its_sha1_for_end_to_end_checks(api, bucket, tmp_path):
    path = tmp_path / "big.bin"
    data = os.urandom(2 * PART + 7)
    path.write_bytes(data)
    result = api.upload_manager.upload(bucket.id_, "big.bin", UploadSourceLocalFile(path))
    assert result["contentSha1"] == "none"
    assert result["fileInfo"]["large_file_sha1"] == hashlib.sha1(data).hexdigest()


def test_large_upload_can_skip_the_whole_file_sha1_pass(api, bucket):
    source = RecordingSource(os.urandom(2 * PART + 7))
    result = api.upload_manager.upload(bucket.id_, "big.bin", source, PARTS_ONLY)
    assert "large_file_sha1" not in result["fileInfo"]
    assert (0, source.content_length) not in source.opened


def test_large_upload_reads_the_source_once_for_all_its_sha1s(api, bucket):
    data = os.urandom(3 * PART + 11)
    source = RecordingSource(data)
    result = api.upload_manager.upload(bucket.id_, "big.bin", source)
    parts = [(offset, min(PART, len(data) - offset)) for offset in range(0, len(data), PART)]
    assert sorted(source.opened) == sorted([(0, len(data)), *parts])
    assert result["fileInfo"]["large_file_sha1"] == sha1_of(data)


class ChangingSource(UploadSourceBytes):
    """Bytes whose second part reads differently after the whole source was read once (a file edited
    while it is being uploaded)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self._edited = bytearray(data)
        self._edited[PART + 5] ^= 0xFF

    def open_range(self, offset, length):
        if length == self.content_length:
            return super().open_range(offset, length)
        return UploadSourceBytes(bytes(self._edited)).open_range(offset, length)


def test_source_edited_after_its_sha1_read_is_refused_and_not_stored(api, bucket):
    with pytest.raises(SourceChangedError, match="part 2 changed after its SHA-1 was computed"):
        api.upload_manager.upload(bucket.id_, "edited.bin", ChangingSource(os.urandom(3 * PART)))
    names = [version.raw for version in api.session.paged(ListFileNames(bucket.id_, None, 100)).items()]
    assert [file["fileName"] for file in names] == []


@pytest.mark.parametrize("size", [10, 2 * PART + 1], ids=["small", "large"])
def test_expires_option_is_stored_and_answered_on_download(api, bucket, size):
    expires = "Thu, 01 Dec 2033 16:00:00 GMT"
    source = UploadSourceBytes(os.urandom(size))
    result = api.upload_manager.upload(bucket.id_, "expiring.bin", source, UploadOptions(expires=expires))
    assert result["fileInfo"]["b2-expires"] == expires
    assert bucket.get_file_info_by_name("expiring.bin").expires == expires
