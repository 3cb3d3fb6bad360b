"""Seed-era download destinations, driven through B2Api.download_file_by_id(file_id, download_dest, ...)."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from b2kit._exceptions import ChecksumMismatch
from b2kit._transfer._download_dest import (
    DownloadDestBytes,
    DownloadDestLocalFile,
    DownloadDestProgressWrapper,
    PreSeekedDownloadDest,
)
from b2kit._transfer._progress import ProgressListenerForTest
from b2kit._transfer._upload import UploadOptions
from b2kit._transfer._upload_source import UploadSourceBytes


def upload(bucket, name: str, data: bytes, **options):
    source = UploadSourceBytes(data)
    return bucket.api.upload_manager.upload(bucket.id_, name, source, UploadOptions(**options))


def test_bytes_destination_collects_the_content_and_metadata(api, bucket):
    data = os.urandom(10_000)
    file = upload(bucket, "a.bin", data, content_type="application/x-a", file_info={"k": "v"})
    dest = DownloadDestBytes()
    info = api.download_file_by_id(file["fileId"], dest)
    assert dest.get_bytes_written() == data
    assert dest.file_name == "a.bin"
    assert dest.content_type == "application/x-a"
    assert dest.file_info == {"k": "v"}
    assert dest.content_sha1 == hashlib.sha1(data).hexdigest()
    assert info["fileId"] == file["fileId"]
    assert info["contentLength"] == len(data)


def test_bytes_destination_without_download_has_nothing():
    with pytest.raises(RuntimeError):
        DownloadDestBytes().get_bytes_written()


def test_local_file_destination_writes_and_sets_mtime(api, bucket, tmp_path):
    data = os.urandom(2_500_000)
    file = upload(bucket, "b.bin", data, file_info={"src_last_modified_millis": "1400000000000"})
    target = tmp_path / "out" / "b.bin"
    target.parent.mkdir()
    api.download_file_by_id(file["fileId"], DownloadDestLocalFile(target))
    assert target.read_bytes() == data
    assert target.stat().st_mtime_ns == 1_400_000_000_000 * 1_000_000
    assert os.listdir(target.parent) == ["b.bin"]


def test_local_file_destination_left_untouched_on_checksum_failure(api, bucket, server, tmp_path):
    file = upload(bucket, "c.bin", os.urandom(50_000))
    [blob] = sorted((Path(server.data_dir) / "blobs").glob("*/*"))
    with blob.open("r+b") as handle:
        handle.seek(10)
        handle.write(b"\x00" * 8 if handle.read(8) != b"\x00" * 8 else b"\x01" * 8)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ChecksumMismatch):
        api.download_file_by_id(file["fileId"], DownloadDestLocalFile(out / "c.bin"))
    assert list(out.iterdir()) == []


def test_pre_seeked_destination_fills_in_a_range(api, bucket, tmp_path):
    data = os.urandom(1000)
    file = upload(bucket, "d.bin", data)
    target = tmp_path / "d.bin"
    target.write_bytes(b"\x00" * 1000)
    api.download_file_by_id(file["fileId"], PreSeekedDownloadDest(target, 100), range_=(100, 199))
    expected = b"\x00" * 100 + data[100:200] + b"\x00" * 800
    assert target.read_bytes() == expected


def test_progress_wrapper_reports_bytes_written(api, bucket):
    data = os.urandom(300_000)
    file = upload(bucket, "e.bin", data)
    inner = DownloadDestBytes()
    listener = ProgressListenerForTest()
    api.download_file_by_id(file["fileId"], DownloadDestProgressWrapper(inner, listener))
    assert inner.get_bytes_written() == data
    assert listener.total_bytes == len(data)
    assert listener.last_completed == len(data)
    assert listener.get_calls()[-1] == "close()"


def test_progress_wrapper_writes_through_to_the_wrapped_file():
    inner = DownloadDestBytes()
    listener = ProgressListenerForTest()
    wrapper = DownloadDestProgressWrapper(inner, listener)
    with wrapper.make_file_context("id", "n", 3, "text/plain", "none", {}, 0) as handle:
        handle.write(b"abc")
    assert inner.get_bytes_written() == b"abc"
    assert isinstance(handle, io.RawIOBase)
