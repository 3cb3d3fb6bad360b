"""AsyncDownloadManager against the real local server (mirrors tests/client/test_download.py): ranges,
streaming, parallel saves, failed checks, resumed bodies, and clean cancellation."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
from pathlib import Path

import pytest

from b2kit import DownloadTuning
from b2kit._exceptions import (
    ChecksumMismatch,
    FileNotPresent,
    InvalidRange,
    TruncatedOutput,
    UnsatisfiableRange,
)
from b2kit._transfer._progress import AbstractProgressListener, ProgressListenerForTest
from b2kit._transfer._upload import UploadOptions
from b2kit._transfer._upload_source import UploadSourceBytes
from b2kit.aio import AsyncB2Api, AsyncDownloadedFile
from b2kit.server import FaultRule, LocalServer

from .conftest import new_bucket


@pytest.fixture
def out_dir(tmp_path):
    path = tmp_path / "downloads"
    path.mkdir()
    return path


async def upload(api: AsyncB2Api, bucket_id: str, name: str, data: bytes, **options) -> dict:
    return await api.upload_manager.upload(bucket_id, name, UploadSourceBytes(data), UploadOptions(**options))


def damage_blobs(server: LocalServer, change) -> None:
    blobs = sorted((Path(server.data_dir) / "blobs").glob("*/*"))
    assert blobs
    for blob in blobs:
        with blob.open("r+b") as handle:
            change(handle)


def flip_a_byte(handle) -> None:
    handle.seek(12_345)
    byte = handle.read(1)
    handle.seek(12_345)
    handle.write(bytes([byte[0] ^ 0xFF]))


def cut_in_half(handle) -> None:
    handle.truncate(handle.seek(0, os.SEEK_END) // 2)


async def by_id(api: AsyncB2Api, file_id: str, listener=None, range_=None) -> AsyncDownloadedFile:
    return await api.download_manager.download_file_by_id(file_id, listener, range_)


async def test_download_by_id_streams_the_content_with_its_metadata(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(300_000)
        file = await upload(
            api, bucket.id_, "docs/a.bin", data, content_type="application/x-test", file_info={"k": "v"}
        )
        listener = ProgressListenerForTest()
        async with await by_id(api, file["fileId"], listener) as downloaded:
            version = downloaded.download_version
            chunks = [chunk async for chunk in downloaded.iter_content(100_000)]
    assert b"".join(chunks) == data
    assert max(len(chunk) for chunk in chunks) <= 100_000
    assert (version.id_, version.file_name, version.size) == (file["fileId"], "docs/a.bin", len(data))
    assert (version.content_type, version.file_info) == ("application/x-test", {"k": "v"})
    assert (listener.total_bytes, listener.last_completed) == (len(data), len(data))
    assert listener.is_monotonic()


async def test_download_by_name_serves_the_newest_version(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        await bucket.upload_bytes(b"old", "same")
        await bucket.upload_bytes(b"new", "same")
        downloaded = await bucket.download_file_by_name("same")
        async with downloaded:
            assert await downloaded.read() == b"new"


async def test_range_download_returns_exactly_the_range(make_aio_api, bucket_name, out_dir):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(2_500_000)
        file = await upload(api, bucket.id_, "ranged.bin", data)
        listener = ProgressListenerForTest()
        async with await by_id(api, file["fileId"], listener, (1000, 1_999_999)) as downloaded:
            assert downloaded.download_version.range_ == (1000, 1_999_999)
            assert downloaded.download_version.size == len(data)
            body = await downloaded.read()
        assert body == data[1000:2_000_000]
        assert listener.total_bytes == len(body)
        target = out_dir / "part.bin"
        async with await by_id(api, file["fileId"], range_=(100, 1_500_099)) as downloaded:
            await downloaded.save_to(target)
        assert target.read_bytes() == data[100:1_500_100]


async def test_ranges_outside_the_file_are_refused(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        file = await upload(api, bucket.id_, "short.bin", b"0123456789")
        with pytest.raises(InvalidRange):
            await by_id(api, file["fileId"], range_=(5, 50))
        with pytest.raises(UnsatisfiableRange):
            await by_id(api, file["fileId"], range_=(20, 30))


async def test_parallel_save_of_a_large_file_checks_large_file_sha1(make_aio_api, bucket_name, out_dir):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(3_300_000)
        file = await upload(api, bucket.id_, "large.bin", data, content_sha1=hashlib.sha1(data).hexdigest())
        assert file["contentSha1"] == "none"
        target = out_dir / "large.bin"
        listener = ProgressListenerForTest()
        async with await by_id(api, file["fileId"], listener) as downloaded:
            assert api.download_manager._planner.parallel_plan(len(data), True) is not None
            await downloaded.save_to(target)
    assert target.read_bytes() == data
    assert listener.last_completed == len(data) and listener.is_monotonic()
    assert [p.name for p in out_dir.iterdir()] == ["large.bin"]


async def test_save_to_sets_the_modification_time_and_usual_permissions(make_aio_api, bucket_name, out_dir):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        file = await upload(
            api, bucket.id_, "dated.txt", b"dated", file_info={"src_last_modified_millis": "1500000000123"}
        )
        target = out_dir / "dated.txt"
        await (await by_id(api, file["fileId"])).save_to(target)
    assert target.stat().st_mtime_ns == 1_500_000_000_123_000_000
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


async def test_save_into_an_in_memory_file_and_read_only_once(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(1_100_000)
        file = await upload(api, bucket.id_, "memory.bin", data)
        buffer = io.BytesIO()
        async with await by_id(api, file["fileId"]) as downloaded:
            await downloaded.save(buffer)
            with pytest.raises(RuntimeError, match="already been read"):
                await downloaded.read()
    assert buffer.getvalue() == data


@pytest.mark.parametrize("size", [200_000, 3_000_000], ids=["streamed", "parallel"])
async def test_corrupted_download_raises_and_leaves_no_destination(
    server: LocalServer, make_aio_api, bucket_name, out_dir, size
):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(size)
        file = await upload(api, bucket.id_, "rot.bin", data, content_sha1=hashlib.sha1(data).hexdigest())
        damage_blobs(server, flip_a_byte)
        with pytest.raises(ChecksumMismatch) as caught:
            await (await by_id(api, file["fileId"])).save_to(out_dir / "rot.bin")
    assert caught.value.expected == hashlib.sha1(data).hexdigest()
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("size", [200_000, 3_000_000], ids=["streamed", "parallel"])
async def test_short_download_raises_and_leaves_no_destination(
    server: LocalServer, make_aio_api, bucket_name, out_dir, size
):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        file = await upload(api, bucket.id_, "short.bin", os.urandom(size))
        damage_blobs(server, cut_in_half)
        with pytest.raises(TruncatedOutput) as caught:
            await (await by_id(api, file["fileId"])).save_to(out_dir / "short.bin")
    assert caught.value.file_size == size and caught.value.bytes_read < size
    assert list(out_dir.iterdir()) == []


async def test_failed_download_keeps_an_existing_destination_intact(
    server: LocalServer, make_aio_api, bucket_name, out_dir
):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        file = await upload(api, bucket.id_, "keep.bin", os.urandom(200_000))
        damage_blobs(server, flip_a_byte)
        target = out_dir / "keep.bin"
        target.write_bytes(b"precious")
        with pytest.raises(ChecksumMismatch):
            await (await by_id(api, file["fileId"])).save_to(target)
    assert target.read_bytes() == b"precious"
    assert list(out_dir.iterdir()) == [target]


async def test_missing_file_raises_a_typed_error(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        with pytest.raises(FileNotPresent):
            await bucket.download_file_by_name("nope")


@pytest.mark.parametrize("size", [300_000, 3_000_000], ids=["streamed", "parallel"])
async def test_broken_body_is_resumed_with_a_range_request(
    server: LocalServer, make_aio_api, bucket_name, out_dir, size
):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(size)
        file = await upload(api, bucket.id_, "flaky.bin", data, content_sha1=hashlib.sha1(data).hexdigest())
        server.faults.add(FaultRule("b2_download_file_by_id", fault="truncate", after_bytes=100_000, times=2))
        listener = ProgressListenerForTest()
        target = out_dir / "flaky.bin"
        async with await by_id(api, file["fileId"], listener) as downloaded:
            await downloaded.save_to(target)
    assert target.read_bytes() == data
    assert server.faults.rules() == []
    assert listener.is_monotonic() and listener.last_completed == size


class CancelAfter(AbstractProgressListener):
    """Cancels ``task`` once ``threshold`` bytes have arrived (progress is reported on the loop)."""

    def __init__(self, threshold: int) -> None:
        super().__init__()
        self.threshold = threshold
        self.task: asyncio.Task | None = None
        self.seen = 0

    def set_total_bytes(self, total_byte_count: int) -> None:
        pass

    def bytes_completed(self, byte_count: int) -> None:
        self.seen = byte_count
        if byte_count >= self.threshold and self.task is not None:
            self.task.cancel()


@pytest.mark.parametrize("size", [3_000_000, 6_000_000], ids=["streamed", "parallel"])
async def test_cancelled_save_leaves_no_file_and_releases_its_connections(
    make_aio_api, bucket_name, out_dir, size
):
    tuning = DownloadTuning(stripe_size=500_000, streams_per_file=2)
    # streamed: one worker, so one stream and one connection; parallel: two streams on two connections
    workers = 1 if size == 3_000_000 else 2
    async with make_aio_api(max_upload_workers=workers, download_tuning=tuning) as api:
        bucket = await new_bucket(api, bucket_name)
        file = await upload(api, bucket.id_, "cancel.bin", os.urandom(size))
        listener = CancelAfter(600_000)
        downloaded = await by_id(api, file["fileId"], listener)
        listener.task = asyncio.create_task(downloaded.save_to(out_dir / "cancel.bin"))
        with pytest.raises(asyncio.CancelledError):
            await listener.task
        assert 600_000 <= listener.seen < size
        assert list(out_dir.iterdir()) == []
        # every connection of the pool must be free again, or these would wait forever
        calls = [api.list_buckets() for _ in range(workers)]
        assert len(await asyncio.wait_for(asyncio.gather(*calls), 60)) == workers
