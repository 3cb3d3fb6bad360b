"""The official b2sdk copies files server-side: b2_copy_file for small, b2_copy_part for large."""

from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.compat


@pytest.fixture
def bucket(b2api):
    return b2api.create_bucket("compat-copy", "allPrivate")


def _read(bucket, name) -> bytes:
    out = io.BytesIO()
    bucket.download_file_by_name(name).save(out)
    return out.getvalue()


def test_small_copy_keeps_metadata(bucket):
    source = bucket.upload_bytes(b"0123456789", "src.txt", file_info={"k": "v"})
    copied = bucket.copy(source.id_, "dst.txt")
    assert copied.file_name == "dst.txt"
    assert copied.size == 10
    assert _read(bucket, "dst.txt") == b"0123456789"
    info = bucket.get_file_info_by_name("dst.txt")
    assert info.file_info["k"] == "v"
    assert info.content_type == "text/plain"


def test_small_copy_with_range_and_replaced_metadata(bucket):
    source = bucket.upload_bytes(b"0123456789", "src.txt", file_info={"k": "v"})
    bucket.copy(
        source.id_, "part.txt", offset=2, length=5, content_type="application/x-test", file_info={"n": "1"}
    )
    assert _read(bucket, "part.txt") == b"23456"
    info = bucket.get_file_info_by_name("part.txt")
    assert info.content_type == "application/x-test"
    assert info.file_info == {"n": "1"}


def test_copy_is_listed_as_upload(bucket):
    source = bucket.upload_bytes(b"abc", "src.txt")
    bucket.copy(source.id_, "dst.txt")
    actions = {fv.file_name: fv.action for fv, _ in bucket.ls(latest_only=False, recursive=True)}
    assert actions == {"src.txt": "upload", "dst.txt": "upload"}


def test_large_copy_uses_copy_parts(b2api, bucket, payload, large_size):
    data = payload(large_size, seed=5)
    source = bucket.upload_bytes(data, "big-src.bin")
    other = b2api.create_bucket("compat-copy-other", "allPrivate")

    copied = other.copy(source.id_, "big-dst.bin", length=large_size, max_part_size=1_000_000)

    assert copied.size == large_size
    assert copied.content_sha1 == "none"
    assert _read(other, "big-dst.bin") == data
