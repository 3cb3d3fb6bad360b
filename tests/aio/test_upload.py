"""AsyncUploadManager against the real local server (mirrors tests/client/test_upload.py): small, large in
parallel parts, resume, async streams of unknown length, and clean cancellation."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import threading

import pytest

from b2kit import InMemoryAccountInfo
from b2kit._transfer._part_planning import InvalidPartSizeError
from b2kit._transfer._progress import ProgressListenerForTest
from b2kit._transfer._upload import UploadOptions
from b2kit._transfer._upload_source import (
    SourceChangedError,
    UploadSourceBytes,
    UploadSourceLocalFile,
    UploadSourceStream,
)
from b2kit._wire import GetUploadUrl, ListParts, ListUnfinishedLargeFiles, StartLargeFile, UploadPart
from b2kit.aio import AsyncB2Api
from b2kit.server import FaultRule, LocalServer

from .conftest import FAST_RETRIES, new_bucket

PART = 1_000_000  # the test server's recommendedPartSize
PARTS_ONLY = UploadOptions(record_large_file_sha1=False)


class RecordingSource(UploadSourceBytes):
    """Bytes that remember which ranges were opened, can fail from an offset, or hold a range until
    released."""

    def __init__(self, data: bytes, content_sha1: str | None = None, fail_from: int | None = None) -> None:
        super().__init__(data, content_sha1)
        self.opened: list[tuple[int, int]] = []
        self.fail_from = fail_from
        self.hold_from: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()

    def open_range(self, offset, length):
        if self.fail_from is not None and offset >= self.fail_from:
            raise OSError(f"disk read error at {offset}")
        if self.hold_from is not None and offset >= self.hold_from and length < self.content_length:
            self.holding.set()
            self.release.wait(30)
        self.opened.append((offset, length))
        return super().open_range(offset, length)


def sha1_of(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


async def chunks(data: bytes, size: int = 70_001):
    for start in range(0, len(data), size):
        await asyncio.sleep(0)
        yield data[start : start + size]


async def unfinished(api: AsyncB2Api, bucket_id: str) -> list[dict]:
    return [
        unfinished.raw async for unfinished in api.session.paged(ListUnfinishedLargeFiles(bucket_id)).items()
    ]


async def part_numbers(api: AsyncB2Api, file_id: str) -> list[int]:
    page = await api.session.call(ListParts(file_id, None, 1000))
    return [part.part_number for part in page.items]


async def read_back(api: AsyncB2Api, file_id: str) -> bytes:
    downloaded = await api.download_file_by_id(file_id)
    async with downloaded:
        return await downloaded.read()


async def test_small_upload_computes_the_sha1_while_sending(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        for size in (5, 300_000):  # sent as bytes, and streamed from the executor
            data = os.urandom(size)
            listener = ProgressListenerForTest()
            result = await api.upload_manager.upload(
                bucket.id_, f"small-{size}.bin", UploadSourceBytes(data), progress_listener=listener
            )
            assert result["contentSha1"] == sha1_of(data)
            assert (listener.total_bytes, listener.last_completed) == (size, size)
            assert listener.is_monotonic()


async def test_empty_file_is_a_small_upload(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        version = await bucket.upload_bytes(b"", "empty")
        assert version.size == 0


async def test_large_file_goes_up_in_parallel_parts_and_comes_back_identical(
    make_aio_api, bucket_name, tmp_path
):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(4 * PART + 321)
        path = tmp_path / "big.bin"
        path.write_bytes(data)
        listener = ProgressListenerForTest()
        version = await bucket.upload_local_file(path, "big.bin", progress_listener=listener)
        assert version.size == len(data)
        assert version.file_info["large_file_sha1"] == sha1_of(data)
        assert listener.last_completed == len(data)
        assert await read_back(api, version.id_) == data
        parts = [(offset, min(PART, len(data) - offset)) for offset in range(0, len(data), PART)]
        assert await unfinished(api, bucket.id_) == []
        assert len(parts) == 5


async def test_interrupted_large_upload_resumes_with_only_the_missing_parts(make_aio_api, bucket_name):
    data = os.urandom(5 * PART + 123)
    async with make_aio_api(max_upload_workers=1) as api:
        bucket = await new_bucket(api, bucket_name)
        broken = RecordingSource(data, content_sha1=sha1_of(data), fail_from=3 * PART)
        with pytest.raises(OSError, match="disk read error"):
            await api.upload_manager.upload(bucket.id_, "resume.bin", broken)
        [left] = await unfinished(api, bucket.id_)
        uploaded = await part_numbers(api, left["fileId"])
        assert uploaded == [1, 2, 3]
        again = RecordingSource(data, content_sha1=sha1_of(data))
        listener = ProgressListenerForTest()
        result = await api.upload_manager.upload(bucket.id_, "resume.bin", again, progress_listener=listener)
        assert result["fileId"] == left["fileId"]
        assert sorted(offset // PART + 1 for offset, _ in again.opened) == [4, 5, 6]
        assert listener.completed_history[0] == len(uploaded) * PART
        assert listener.last_completed == len(data)
        assert await unfinished(api, bucket.id_) == []


async def test_resume_checks_part_sha1s_when_the_whole_sha1_is_unknown(make_aio_api, bucket_name):
    data = os.urandom(3 * PART)
    async with make_aio_api(max_upload_workers=1) as api:
        bucket = await new_bucket(api, bucket_name)
        with pytest.raises(OSError):
            await api.upload_manager.upload(
                bucket.id_, "check.bin", RecordingSource(data, fail_from=2 * PART), PARTS_ONLY
            )
        [left] = await unfinished(api, bucket.id_)
        again = RecordingSource(data)
        result = await api.upload_manager.upload(bucket.id_, "check.bin", again, PARTS_ONLY)
        assert result["fileId"] == left["fileId"]
        assert sorted(again.opened) == [(0, PART), (PART, PART), (2 * PART, PART)]


async def test_unfinished_file_with_different_content_is_not_resumed_and_resume_can_be_off(
    make_aio_api, bucket_name
):
    data = os.urandom(3 * PART)
    async with make_aio_api(max_upload_workers=1) as api:
        bucket = await new_bucket(api, bucket_name)
        with pytest.raises(OSError):
            await api.upload_manager.upload(
                bucket.id_, "changed.bin", RecordingSource(data, fail_from=2 * PART)
            )
        [left] = await unfinished(api, bucket.id_)
        changed = bytes(b ^ 0xFF for b in data[: 2 * PART]) + data[2 * PART :]
        result = await api.upload_manager.upload(bucket.id_, "changed.bin", RecordingSource(changed))
        assert result["fileId"] != left["fileId"]
        fresh = await api.upload_manager.upload(
            bucket.id_, "changed.bin", RecordingSource(data), UploadOptions(resume=False)
        )
        assert fresh["fileId"] != left["fileId"]


async def test_part_size_override_is_used_and_checked(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        source = RecordingSource(os.urandom(1_500_000))
        options = UploadOptions(part_size=500_000, resume=False, record_large_file_sha1=False)
        await api.upload_manager.upload(bucket.id_, "parts.bin", source, options)
        assert sorted(source.opened) == [(0, 500_000), (500_000, 500_000), (1_000_000, 500_000)]
        with pytest.raises(InvalidPartSizeError):
            await api.upload_manager.upload(
                bucket.id_, "tiny.bin", RecordingSource(b"x" * 1_500_000), UploadOptions(part_size=99)
            )


async def test_async_stream_ending_within_one_part_is_a_small_upload(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(PART)
        listener = ProgressListenerForTest()
        version = await bucket.upload(chunks(data), "stream-small.bin", listener)
        assert version.content_sha1 == sha1_of(data)
        assert (listener.total_bytes, listener.last_completed) == (len(data), len(data))


async def test_async_stream_longer_than_one_part_is_a_large_file(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(3 * PART + 777)
        listener = ProgressListenerForTest()
        version = await bucket.upload(chunks(data), "stream-large.bin", listener)
        assert (version.content_sha1, version.size) == ("none", len(data))
        assert (listener.total_bytes, listener.last_completed) == (len(data), len(data))
        assert await read_back(api, version.id_) == data


async def test_blocking_stream_and_empty_stream(make_aio_api, bucket_name):
    import io

    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(2 * PART + 5)
        version = await bucket.upload(io.BytesIO(data), "pipe.bin")
        assert await read_back(api, version.id_) == data
        assert (await bucket.upload(chunks(b""), "nothing")).size == 0


async def test_upload_url_answering_503_is_replaced_by_a_new_one(
    server: LocalServer, make_aio_api, bucket_name
):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        api.session.upload_retry_policy = FAST_RETRIES
        info = api.account_info
        fresh = await api.session.call(GetUploadUrl(bucket.id_))
        busy = {"uploadUrl": fresh.upload_url, "authorizationToken": fresh.authorization_token}
        info.put_bucket_upload_url(bucket.id_, busy["uploadUrl"], busy["authorizationToken"])
        server.faults.add(FaultRule("b2_upload_file", status=503, times=1))
        data = os.urandom(200_000)  # streamed: the retry sends a fresh stream
        result = await api.upload_manager.upload(bucket.id_, "busy.bin", UploadSourceBytes(data))
        assert result["contentSha1"] == sha1_of(data)
        assert server.faults.rules() == []
        reused = info.take_bucket_upload_url(bucket.id_)
        assert reused is not None and reused[0] != busy["uploadUrl"]


async def test_part_upload_urls_answering_503_are_replaced(server: LocalServer, make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        api.session.upload_retry_policy = FAST_RETRIES
        server.faults.add(FaultRule("b2_upload_part", status=503, times=3))
        data = os.urandom(4 * PART + 5)
        listener = ProgressListenerForTest()
        result = await api.upload_manager.upload(
            bucket.id_, "busy-parts.bin", RecordingSource(data), PARTS_ONLY, progress_listener=listener
        )
        assert result["contentLength"] == len(data)
        assert server.faults.rules() == []
        assert listener.is_monotonic() and listener.last_completed == len(data)
        assert await read_back(api, result["fileId"]) == data


async def test_key_that_cannot_list_files_still_uploads_large_files(
    server: LocalServer, make_aio_api, bucket_name
):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        key = await api.create_key(["writeFiles"], "write-only", bucket_id=bucket.id_)
        async with AsyncB2Api(InMemoryAccountInfo(), max_upload_workers=2) as writer:
            await writer.authorize_account(server.realm, key.id_, key.application_key)
            data = os.urandom(2 * PART + 1)
            result = await writer.upload_manager.upload(bucket.id_, "write-only.bin", UploadSourceBytes(data))
        assert result["contentLength"] == len(data)
        assert await unfinished(api, bucket.id_) == []


async def test_stream_source_shorter_than_announced_fails_cleanly(make_aio_api, bucket_name):
    import io

    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        with pytest.raises(SourceChangedError, match="9 bytes before its announced length"):
            await api.upload_manager.upload(
                bucket.id_, "short.bin", UploadSourceStream(lambda: io.BytesIO(b"x"), 10)
            )
        assert [v async for v in bucket.ls("", recursive=True)] == []


async def test_source_edited_after_its_sha1_read_is_refused(make_aio_api, bucket_name):
    class ChangingSource(UploadSourceBytes):
        def __init__(self, data: bytes) -> None:
            super().__init__(data)
            self._edited = bytearray(data)
            self._edited[PART + 5] ^= 0xFF

        def open_range(self, offset, length):
            if length == self.content_length:
                return super().open_range(offset, length)
            return UploadSourceBytes(bytes(self._edited)).open_range(offset, length)

    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        with pytest.raises(SourceChangedError, match="part 2 changed after its SHA-1 was computed"):
            await api.upload_manager.upload(bucket.id_, "edited.bin", ChangingSource(os.urandom(3 * PART)))
        assert [v async for v in bucket.list_file_names()] == []


async def test_cancelled_large_upload_releases_its_connection_and_can_be_resumed(
    make_aio_api, bucket_name, tmp_path
):
    data = os.urandom(4 * PART)
    async with make_aio_api(max_upload_workers=1) as api:
        bucket = await new_bucket(api, bucket_name)
        held = RecordingSource(data, content_sha1=sha1_of(data))
        held.hold_from = 2 * PART
        task = asyncio.create_task(api.upload_manager.upload(bucket.id_, "cancel.bin", held))
        while not held.holding.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        held.release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        # one connection in the pool: this only completes if the cancelled upload gave it back
        assert [b.name for b in await asyncio.wait_for(api.list_buckets(), 60)] == [bucket_name]
        [left] = await unfinished(api, bucket.id_)
        assert await part_numbers(api, left["fileId"]) == [1, 2]
        again = RecordingSource(data, content_sha1=sha1_of(data))
        result = await api.upload_manager.upload(bucket.id_, "cancel.bin", again)
        assert result["fileId"] == left["fileId"]
        assert sorted(offset // PART + 1 for offset, _ in again.opened) == [3, 4]


async def test_cancelled_part_upload_mid_body_never_returns_its_url(make_aio_api, bucket_name):
    async def slow_body(started: asyncio.Event):
        yield b"x" * 100_000
        started.set()
        await asyncio.sleep(3600)
        yield b"never"

    async with make_aio_api(max_upload_workers=1) as api:
        bucket = await new_bucket(api, bucket_name)
        started_file = await api.session.call(StartLargeFile(bucket.id_, "mid.bin"))
        file_id = started_file.file_id
        started = asyncio.Event()
        send = api.session.send_part(file_id, UploadPart(1, 100_005, "0" * 40), lambda: slow_body(started))
        task = asyncio.create_task(send)
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert api.account_info.take_large_file_upload_url(file_id) is None
        assert [b.name for b in await asyncio.wait_for(api.list_buckets(), 60)] == [bucket_name]


async def test_many_concurrent_uploads_stay_within_the_transfer_slots(make_aio_api, bucket_name):
    async with make_aio_api(max_upload_workers=3) as api:
        bucket = await new_bucket(api, bucket_name)
        running = peak = 0
        real_upload = api.upload_manager.upload_version

        async def counting(*args, **kwargs):
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            try:
                return await real_upload(*args, **kwargs)
            finally:
                running -= 1

        api.upload_manager.upload_version = counting
        versions = await asyncio.gather(*(bucket.upload_bytes(b"%d" % n, f"many/{n:03d}") for n in range(60)))
        assert len({v.id_ for v in versions}) == 60
        assert peak == 3


async def test_local_file_upload_records_mtime(make_aio_api, bucket_name, tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(b"local")
    os.utime(path, (1_600_000_000, 1_600_000_000))
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        version = await bucket.upload_local_file(path, "f.txt")
        assert version.file_info["src_last_modified_millis"] == "1600000000000"
        source = UploadSourceLocalFile(path)
        assert (await api.upload_manager.upload(bucket.id_, "g.txt", source))["contentLength"] == 5


class _Trickle(io.RawIOBase):
    """A readable that answers every read with at most 7 bytes (short reads are allowed)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        wanted = 7 if size is None or size < 0 else min(size, 7)
        chunk, self._data = self._data[:wanted], self._data[wanted:]
        return chunk


async def test_a_small_body_read_in_short_reads_is_sent_whole(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(1000)
        source = UploadSourceStream(lambda: _Trickle(data), len(data))
        version = await asyncio.wait_for(bucket.upload(source, "trickle.bin"), 30)
        assert version.content_sha1 == hashlib.sha1(data).hexdigest()
