"""DownloadManager against the real local server: ranges, streaming, parallel saves, and failed checks."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from b2kit._exceptions import (
    ChecksumMismatch,
    FileNotPresent,
    InvalidRange,
    TruncatedOutput,
    UnsatisfiableRange,
)
from b2kit._transfer._progress import ProgressListenerForTest
from b2kit._transfer._upload import UploadOptions
from b2kit._transfer._upload_source import UploadSourceBytes
from b2kit.server import FaultRule


@pytest.fixture
def out_dir(tmp_path):
    """Where downloads go (the server's data dir is elsewhere under tmp_path)."""
    path = tmp_path / "downloads"
    path.mkdir()
    return path


def upload(bucket, name: str, data: bytes, **options):
    """Upload ``data`` as ``name`` (small or large by size) and return the file JSON."""
    return bucket.api.upload_manager.upload(
        bucket.id_, name, UploadSourceBytes(data), UploadOptions(**options)
    )


def blob_paths(server) -> list[Path]:
    return sorted((Path(server.data_dir) / "blobs").glob("*/*"))


def damage_blobs(server, change) -> None:
    """Apply ``change(handle)`` to every stored blob (bit rot / lost bytes on the server's disk)."""
    blobs = blob_paths(server)
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


def test_download_by_id_streams_the_content_with_its_metadata(bucket, api):
    data = os.urandom(300_000)
    file = upload(bucket, "docs/a.bin", data, content_type="application/x-test", file_info={"k": "v"})
    listener = ProgressListenerForTest()
    with api.download_manager.download_file_by_id(file["fileId"], listener) as downloaded:
        version = downloaded.download_version
        chunks = list(downloaded.iter_content(100_000))
    assert b"".join(chunks) == data
    assert max(len(chunk) for chunk in chunks) <= 100_000
    assert version.id_ == file["fileId"]
    assert version.file_name == "docs/a.bin"
    assert version.size == len(data)
    assert version.content_type == "application/x-test"
    assert version.file_info == {"k": "v"}
    assert listener.total_bytes == len(data)
    assert listener.last_completed == len(data)
    assert listener.is_monotonic()


def test_download_by_name_serves_the_newest_version(bucket, api):
    upload(bucket, "same", b"old")
    upload(bucket, "same", b"new")
    with api.download_manager.download_file_by_name(bucket.name, "same") as downloaded:
        assert downloaded.read() == b"new"


def test_range_download_returns_exactly_the_range(bucket, api):
    data = os.urandom(2_500_000)
    file = upload(bucket, "ranged.bin", data)
    listener = ProgressListenerForTest()
    with api.download_manager.download_file_by_id(
        file["fileId"], listener, range_=(1000, 1_999_999)
    ) as downloaded:
        assert downloaded.download_version.range_ == (1000, 1_999_999)
        assert downloaded.download_version.size == len(data)
        body = downloaded.read()
    assert body == data[1000:2_000_000]
    assert listener.total_bytes == len(body)


def test_range_download_saved_in_parallel(bucket, api, out_dir):
    data = os.urandom(2_000_000)
    file = upload(bucket, "ranged-save.bin", data)
    target = out_dir / "part.bin"
    with api.download_manager.download_file_by_id(file["fileId"], range_=(100, 1_500_099)) as downloaded:
        downloaded.save_to(target)
    assert target.read_bytes() == data[100:1_500_100]


def test_range_ending_beyond_the_file_is_refused(bucket, api):
    file = upload(bucket, "short.bin", b"0123456789")
    with pytest.raises(InvalidRange):
        api.download_manager.download_file_by_id(file["fileId"], range_=(5, 50))


def test_range_starting_beyond_the_file_is_unsatisfiable(bucket, api):
    file = upload(bucket, "short.bin", b"0123456789")
    with pytest.raises(UnsatisfiableRange):
        api.download_manager.download_file_by_id(file["fileId"], range_=(20, 30))


def test_parallel_save_of_a_large_file_checks_large_file_sha1(bucket, api, out_dir):
    data = os.urandom(3_300_000)
    file = upload(bucket, "large.bin", data, content_sha1=hashlib.sha1(data).hexdigest())
    assert file["contentSha1"] == "none"
    target = out_dir / "large.bin"
    listener = ProgressListenerForTest()
    with api.download_manager.download_file_by_id(file["fileId"], listener) as downloaded:
        downloaded.save_to(target)
    assert target.read_bytes() == data
    assert listener.last_completed == len(data)
    assert listener.is_monotonic()
    assert [p.name for p in out_dir.iterdir()] == ["large.bin"]


@pytest.mark.parametrize("mode", ["wb", "w+b"], ids=["hashed-in-memory", "hashed-read-back"])
def test_parallel_save_into_an_open_file_checks_the_sha1_either_way(bucket, api, out_dir, mode):
    data = os.urandom(3_300_000)
    file = upload(bucket, "large.bin", data, content_sha1=hashlib.sha1(data).hexdigest())
    target = out_dir / "large.bin"
    with target.open(mode) as handle, api.download_manager.download_file_by_id(file["fileId"]) as downloaded:
        handle.write(b"head")
        downloaded.save(handle)
        assert handle.tell() == 4 + len(data)
    assert target.read_bytes() == b"head" + data


def test_save_to_sets_the_modification_time_from_src_last_modified_millis(bucket, api, out_dir):
    file = upload(bucket, "dated.txt", b"dated", file_info={"src_last_modified_millis": "1500000000123"})
    target = out_dir / "dated.txt"
    api.download_manager.download_file_by_id(file["fileId"]).save_to(target)
    assert target.stat().st_mtime_ns == 1_500_000_000_123_000_000


def test_save_into_an_in_memory_file_streams_sequentially(bucket, api):
    data = os.urandom(1_100_000)
    file = upload(bucket, "memory.bin", data)
    buffer = io.BytesIO()
    with api.download_manager.download_file_by_id(file["fileId"]) as downloaded:
        downloaded.save(buffer)
    assert buffer.getvalue() == data


def test_body_can_be_read_only_once(bucket, api):
    file = upload(bucket, "once.txt", b"once")
    with api.download_manager.download_file_by_id(file["fileId"]) as downloaded:
        assert downloaded.read() == b"once"
        with pytest.raises(RuntimeError, match="already been read"):
            downloaded.read()


@pytest.mark.parametrize("size", [200_000, 3_000_000], ids=["streamed", "parallel"])
def test_corrupted_download_raises_and_leaves_no_destination(bucket, api, server, out_dir, size):
    data = os.urandom(size)
    file = upload(bucket, "rot.bin", data, content_sha1=hashlib.sha1(data).hexdigest())
    damage_blobs(server, flip_a_byte)
    target = out_dir / "rot.bin"
    with pytest.raises(ChecksumMismatch) as caught:
        api.download_manager.download_file_by_id(file["fileId"]).save_to(target)
    assert caught.value.expected == hashlib.sha1(data).hexdigest()
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("size", [200_000, 3_000_000], ids=["streamed", "parallel"])
def test_short_download_raises_and_leaves_no_destination(bucket, api, server, out_dir, size):
    file = upload(bucket, "short.bin", os.urandom(size))
    damage_blobs(server, cut_in_half)
    target = out_dir / "short.bin"
    with pytest.raises(TruncatedOutput) as caught:
        api.download_manager.download_file_by_id(file["fileId"]).save_to(target)
    assert caught.value.file_size == size
    assert caught.value.bytes_read < size
    assert list(out_dir.iterdir()) == []


def test_failed_download_keeps_an_existing_destination_intact(bucket, api, server, out_dir):
    file = upload(bucket, "keep.bin", os.urandom(200_000))
    damage_blobs(server, flip_a_byte)
    target = out_dir / "keep.bin"
    target.write_bytes(b"precious")
    with pytest.raises(ChecksumMismatch):
        api.download_manager.download_file_by_id(file["fileId"]).save_to(target)
    assert target.read_bytes() == b"precious"
    assert list(out_dir.iterdir()) == [target]


def test_missing_file_raises_a_typed_error(api, bucket):
    with pytest.raises(FileNotPresent):
        api.download_manager.download_file_by_name(bucket.name, "nope")


@pytest.mark.parametrize("size", [300_000, 3_000_000], ids=["streamed", "parallel"])
def test_broken_body_is_resumed_with_a_range_request(bucket, api, server, out_dir, size):
    data = os.urandom(size)
    file = upload(bucket, "flaky.bin", data, content_sha1=hashlib.sha1(data).hexdigest())
    server.faults.add(FaultRule("b2_download_file_by_id", fault="truncate", after_bytes=100_000, times=2))
    listener = ProgressListenerForTest()
    target = out_dir / "flaky.bin"
    with api.download_manager.download_file_by_id(file["fileId"], listener) as downloaded:
        downloaded.save_to(target)
    assert target.read_bytes() == data
    assert server.faults.rules() == []
    assert listener.is_monotonic()
    assert listener.last_completed == size


def test_saved_file_gets_the_usual_permissions(bucket, api, out_dir):
    file = upload(bucket, "perm.txt", b"mode")
    target = out_dir / "perm.txt"
    api.download_manager.download_file_by_id(file["fileId"]).save_to(target)
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
