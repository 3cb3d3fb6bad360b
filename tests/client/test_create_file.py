"""Bucket.create_file / concatenate against the real server: parts copied server-side, small ranges moved.

The server advertises absoluteMinimumPartSize=100,000 and recommendedPartSize=1,000,000 bytes.
"""

from __future__ import annotations

import os

import pytest

from b2kit import (
    BadRequest,
    Bucket,
    CopySource,
    ProgressListenerForTest,
    UploadSourceBytes,
    UploadSourceLocalFile,
    WriteIntent,
)
from b2kit.server import FaultRule, LocalServer


def stored(bucket: Bucket, file_id: str) -> bytes:
    with bucket.download_file_by_id(file_id) as downloaded:
        return downloaded.read()


def traffic(server: LocalServer, since: int) -> dict[str, tuple[int, int, int]]:
    """endpoint -> (calls, bytes in, bytes out) of the requests after the first ``since``."""
    totals: dict[str, tuple[int, int, int]] = {}
    for record in server.requests()[since:]:
        calls, bytes_in, bytes_out = totals.get(record.endpoint, (0, 0, 0))
        totals[record.endpoint] = (calls + 1, bytes_in + record.bytes_in, bytes_out + record.bytes_out)
    return totals


@pytest.fixture
def big(bucket: Bucket) -> tuple[bytes, str]:
    data = os.urandom(2_500_000)
    version = bucket.upload_bytes(data, "big.bin", content_type="application/x-big", file_info={"k": "v"})
    return data, version.id_


def test_concatenate_copies_big_ranges_and_moves_only_small_ones(bucket, big, server, tmp_path):
    data, big_id = big
    local = tmp_path / "tail.bin"
    local.write_bytes(os.urandom(200_000))
    middle = os.urandom(300_000)
    before = len(server.requests())
    listener = ProgressListenerForTest()
    sources = [
        CopySource(big_id, 0, 2_500_000),
        UploadSourceBytes(middle),
        CopySource(big_id, 10, 50_000),
        UploadSourceLocalFile(local),
    ]
    made = bucket.concatenate(sources, "joined.bin", progress_listener=listener)
    expected = data + middle + data[10:50_010] + local.read_bytes()
    seen = traffic(server, before)
    assert made.size == len(expected)
    assert stored(bucket, made.id_) == expected
    assert seen["b2_copy_part"][0] == 3  # 2.5 MB in three server-side parts
    assert seen["b2_upload_part"][0] == 1  # 300 KB + the 50 KB range + 200 KB in one part
    assert seen["b2_upload_part"][1] < 600_000
    assert seen["b2_download_file_by_id"][2] < 60_000  # only the 50 KB range came down
    assert listener.last_completed == listener.total_bytes == len(expected)


def test_create_file_prefers_a_copy_where_intents_overlap(bucket, big, server):
    data, big_id = big
    before = len(server.requests())
    intents = [
        WriteIntent(UploadSourceBytes(data[:1_200_000]), 0),
        WriteIntent(CopySource(big_id, 0, 2_500_000), 0),
        WriteIntent(UploadSourceBytes(b"tail"), 2_500_000),
    ]
    made = bucket.create_file(intents, "overlap.bin", content_type="application/octet-stream")
    seen = traffic(server, before)
    assert stored(bucket, made.id_) == data + b"tail"
    assert seen["b2_copy_part"][0] == 3
    assert seen["b2_upload_part"][1] < 100  # only the 4-byte tail (and its SHA-1)
    with pytest.raises(ValueError, match="holes"):
        bucket.create_file([WriteIntent(UploadSourceBytes(b"x"), 5)], "hole.bin")


def test_a_lone_copy_keeps_its_metadata_unless_new_metadata_is_given(bucket, big):
    data, big_id = big
    same = bucket.create_file([WriteIntent(CopySource(big_id, 0, 2_500_000))], "same.bin")
    assert (same.content_type, same.file_info["k"]) == ("application/x-big", "v")
    ranged = bucket.create_file_stream(
        iter([WriteIntent(CopySource(big_id, 100, 1000))]), "ranged.txt", cache_control="no-cache"
    )
    assert ranged.file_info == {"b2-cache-control": "no-cache"}
    assert stored(bucket, ranged.id_) == data[100:1100]


def test_small_pieces_make_a_small_file_and_a_stream_of_sources_works(bucket, big):
    data, big_id = big
    made = bucket.concatenate_stream(
        iter([UploadSourceBytes(b"head-"), CopySource(big_id, 5, 20), UploadSourceBytes(b"-end")]),
        "small.txt",
        content_type="text/plain",
    )
    assert made.content_type == "text/plain"
    assert made.content_sha1 != "none"  # one b2_upload_file, not a large file
    assert stored(bucket, made.id_) == b"head-" + data[5:25] + b"-end"
    empty = bucket.concatenate([], "empty.txt")
    assert empty.size == 0


def test_continue_large_file_id_keeps_the_parts_already_there(bucket, big, server):
    data, big_id = big
    sources = [UploadSourceBytes(b"x" * 150_000), CopySource(big_id, 0, 2_500_000)]
    server.faults.add(FaultRule("b2_finish_large_file", status=400, code="bad_request", times=1))
    with pytest.raises(BadRequest):
        bucket.concatenate(sources, "resumed.bin")
    (unfinished,) = bucket.list_unfinished_large_files()
    before = len(server.requests())
    made = bucket.concatenate(sources, "resumed.bin", continue_large_file_id=unfinished.file_id)
    seen = traffic(server, before)
    assert made.id_ == unfinished.file_id
    assert stored(bucket, made.id_) == b"x" * 150_000 + data
    assert "b2_copy_part" not in seen and "b2_upload_part" not in seen
