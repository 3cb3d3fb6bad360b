"""CopyManager against the real local server: b2_copy_file for small content, b2_copy_part for large."""

from __future__ import annotations

import hashlib
import os

import pytest

from b2kit._exceptions import InvalidRange
from b2kit._transfer._copy import CopyOptions
from b2kit._transfer._progress import ProgressListenerForTest
from b2kit._transfer._upload import UploadOptions
from b2kit._transfer._upload_source import UploadSourceBytes

PART = 1_000_000  # the test server's recommendedPartSize


def upload(bucket, name: str, data: bytes, **options):
    source = UploadSourceBytes(data)
    return bucket.api.upload_manager.upload(bucket.id_, name, source, UploadOptions(**options))


def content_of(api, file_id: str) -> bytes:
    with api.download_manager.download_file_by_id(file_id) as downloaded:
        return downloaded.read()


def test_small_copy_keeps_the_source_metadata(api, bucket):
    data = os.urandom(50_000)
    source = upload(bucket, "src.txt", data, content_type="text/plain", file_info={"owner": "ann"})
    copied = api.copy_manager.copy(source["fileId"], "dst.txt")
    assert copied["fileName"] == "dst.txt"
    assert copied["contentType"] == "text/plain"
    assert copied["fileInfo"] == {"owner": "ann"}
    assert copied["contentSha1"] == hashlib.sha1(data).hexdigest()
    assert content_of(api, copied["fileId"]) == data


def test_small_copy_can_replace_the_metadata(api, bucket):
    source = upload(bucket, "src.txt", b"abc", content_type="text/plain", file_info={"owner": "ann"})
    options = CopyOptions(content_type="application/x-other", file_info={"owner": "bob"})
    copied = api.copy_manager.copy(source["fileId"], "dst.txt", options)
    assert copied["contentType"] == "application/x-other"
    assert copied["fileInfo"] == {"owner": "bob"}


def test_range_copy_takes_exactly_the_range(api, bucket):
    data = os.urandom(200_000)
    source = upload(bucket, "src.bin", data)
    listener = ProgressListenerForTest()
    copied = api.copy_manager.copy(
        source["fileId"], "slice.bin", CopyOptions(offset=1000, length=5000), listener
    )
    assert content_of(api, copied["fileId"]) == data[1000:6000]
    assert listener.total_bytes == 5000
    assert listener.last_completed == 5000


def test_copy_into_another_bucket(api, bucket):
    other = api.create_bucket("other-bucket-copy", "allPrivate")
    source = upload(bucket, "src.bin", b"travelling bytes")
    copied = api.copy_manager.copy(
        source["fileId"], "arrived.bin", CopyOptions(destination_bucket_id=other.id_)
    )
    assert copied["bucketId"] == other.id_
    assert content_of(api, copied["fileId"]) == b"travelling bytes"


def test_large_copy_uses_parallel_parts_and_keeps_metadata(api, bucket):
    data = os.urandom(3 * PART + 4321)
    sha1 = hashlib.sha1(data).hexdigest()
    source = upload(
        bucket, "big.bin", data, content_type="application/x-big", file_info={"k": "v"}, content_sha1=sha1
    )
    listener = ProgressListenerForTest()
    copied = api.copy_manager.copy(source["fileId"], "big-copy.bin", progress_listener=listener)
    assert copied["contentLength"] == len(data)
    assert copied["contentSha1"] == "none"
    assert copied["contentType"] == "application/x-big"
    assert copied["fileInfo"] == {"k": "v", "large_file_sha1": sha1}
    assert content_of(api, copied["fileId"]) == data
    assert listener.last_completed == len(data)
    assert listener.is_monotonic()


def test_large_range_copy_drops_the_whole_file_sha1(api, bucket):
    data = os.urandom(4 * PART)
    source = upload(bucket, "big.bin", data, content_sha1=hashlib.sha1(data).hexdigest())
    options = CopyOptions(offset=PART // 2, length=2 * PART + 10)
    copied = api.copy_manager.copy(source["fileId"], "big-slice.bin", options)
    assert "large_file_sha1" not in copied["fileInfo"]
    assert content_of(api, copied["fileId"]) == data[PART // 2 : PART // 2 + 2 * PART + 10]


def test_large_copy_with_new_metadata(api, bucket):
    data = os.urandom(2 * PART + 1)
    source = upload(bucket, "big.bin", data)
    options = CopyOptions(content_type="text/x-new", file_info={"fresh": "yes"}, part_size=500_000)
    copied = api.copy_manager.copy(source["fileId"], "renamed.bin", options, source_size=len(data))
    assert copied["contentType"] == "text/x-new"
    assert copied["fileInfo"] == {"fresh": "yes"}
    assert content_of(api, copied["fileId"]) == data


@pytest.mark.parametrize(("offset", "length"), [(-1, None), (10, 100), (0, 1000)])
def test_range_outside_the_source_is_refused(api, bucket, offset, length):
    source = upload(bucket, "small.bin", os.urandom(100))
    with pytest.raises(InvalidRange):
        api.copy_manager.copy(source["fileId"], "nope.bin", CopyOptions(offset=offset, length=length))
