"""Server-side copies over HTTP: b2_copy_file (ranges, metadata directives, buckets) and b2_copy_part."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from b2kit.server._errors import B2Error
from b2kit.server._handlers._copy import ChunkReader, Slice, copy_slice, too_large


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _copy(wire, source_id: str, name: str, **extra):
    return wire.call("b2_copy_file", {"sourceFileId": source_id, "fileName": name, **extra})


def _download(wire, bucket_name: str, name: str) -> bytes:
    reply = wire.download_by_name(bucket_name, name, token=wire.token)
    assert reply.status == 200, reply.body
    return reply.body


def test_copy_keeps_metadata_and_answers_action_copy(wire, bucket):
    source = wire.uploaded(bucket["bucketId"], "src.txt", b"0123456789", info={"color": "red"})
    reply = _copy(wire, source["fileId"], "dst.txt")
    assert reply.status == 200, reply.body
    copied = reply.json
    assert copied["action"] == "copy"
    assert copied["fileName"] == "dst.txt"
    assert copied["fileId"] != source["fileId"]
    assert copied["contentSha1"] == _sha1(b"0123456789")
    assert copied["contentType"] == "text/plain"
    assert copied["fileInfo"] == {"color": "red"}
    assert _download(wire, "test-bucket", "dst.txt") == b"0123456789"
    listed = wire.ok("b2_list_file_versions", {"bucketId": bucket["bucketId"]})
    assert {f["fileName"]: f["action"] for f in listed["files"]} == {"dst.txt": "upload", "src.txt": "upload"}


def test_copy_of_a_source_whose_blob_is_truncated_on_disk_is_not_found(wire, bucket, server):
    source = wire.uploaded(bucket["bucketId"], "src.bin", b"x" * 50_000)
    (blob,) = (Path(server.data_dir) / "blobs").glob("*/*")
    with blob.open("r+b") as handle:
        handle.truncate(1_000)
    reply = _copy(wire, source["fileId"], "dst.bin")
    assert (reply.status, reply.code) == (404, "not_found")
    names = [f["fileName"] for f in wire.ok("b2_list_file_names", {"bucketId": bucket["bucketId"]})["files"]]
    assert names == ["src.bin"]


def test_copy_a_range_with_replaced_metadata(wire, bucket):
    source = wire.uploaded(bucket["bucketId"], "src.txt", b"0123456789", info={"color": "red"})
    reply = _copy(
        wire,
        source["fileId"],
        "slice.bin",
        range="bytes=2-5",
        metadataDirective="REPLACE",
        contentType="application/x-slice",
        fileInfo={"size": "small"},
    )
    assert reply.status == 200, reply.body
    assert reply.json["contentLength"] == 4
    assert reply.json["contentType"] == "application/x-slice"
    assert reply.json["fileInfo"] == {"size": "small"}
    assert _download(wire, "test-bucket", "slice.bin") == b"2345"


def test_replace_with_auto_content_type(wire, bucket):
    source = wire.uploaded(bucket["bucketId"], "src.txt", b"{}")
    reply = _copy(wire, source["fileId"], "data.json", metadataDirective="REPLACE", contentType="b2/x-auto")
    assert reply.json["contentType"] == "application/json"
    assert reply.json["fileInfo"] == {}


@pytest.mark.parametrize(
    "extra",
    [
        {"metadataDirective": "COPY", "contentType": "text/plain"},
        {"metadataDirective": "COPY", "fileInfo": {"a": "b"}},
        {"metadataDirective": "REPLACE"},
        {"metadataDirective": "MOVE"},
        {"range": "bytes=5-2"},
        {"range": "bytes=0-10"},
        {"range": "items=0-1"},
    ],
)
def test_bad_copy_requests_are_400(wire, bucket, extra):
    source = wire.uploaded(bucket["bucketId"], "src.txt", b"0123456789")
    reply = _copy(wire, source["fileId"], "dst.txt", **extra)
    assert (reply.status, reply.code) == (400, "bad_request")


def test_copy_across_buckets(wire, bucket):
    other = wire.create_bucket("other-bucket")
    source = wire.uploaded(bucket["bucketId"], "src.txt", b"across")
    reply = _copy(wire, source["fileId"], "moved.txt", destinationBucketId=other["bucketId"])
    assert reply.status == 200, reply.body
    assert reply.json["bucketId"] == other["bucketId"]
    assert _download(wire, "other-bucket", "moved.txt") == b"across"
    missing = _copy(wire, source["fileId"], "x.txt", destinationBucketId="0" * 24)
    assert (missing.status, missing.code) == (400, "bad_bucket_id")


def test_copy_of_unknown_or_hidden_source_is_refused(wire, bucket):
    assert _copy(wire, "4_zdeadbeef_f000", "x").status == 404
    wire.uploaded(bucket["bucketId"], "h.txt", b"h")
    marker = wire.ok("b2_hide_file", {"bucketId": bucket["bucketId"], "fileName": "h.txt"})
    assert _copy(wire, marker["fileId"], "x").status == 400


def test_copy_of_a_finished_large_file_reads_across_parts(wire, bucket):
    parts = [b"a" * 100_000, b"b" * 100_000, b"c" * 10]
    started = wire.ok(
        "b2_start_large_file",
        {"bucketId": bucket["bucketId"], "fileName": "big", "contentType": "text/plain"},
    )
    got = wire.ok("b2_get_upload_part_url", {"fileId": started["fileId"]})
    for number, data in enumerate(parts, start=1):
        headers = {
            "Authorization": got["authorizationToken"],
            "X-Bz-Part-Number": str(number),
            "X-Bz-Content-Sha1": _sha1(data),
        }
        assert wire.request("POST", got["uploadUrl"], body=data, headers=headers).status == 200
    wire.ok("b2_finish_large_file", {"fileId": started["fileId"], "partSha1Array": [_sha1(d) for d in parts]})
    whole = b"".join(parts)

    reply = _copy(wire, started["fileId"], "middle", range="bytes=99990-200004")
    assert reply.status == 200, reply.body
    assert reply.json["contentSha1"] == _sha1(whole[99_990:200_005])
    assert _download(wire, "test-bucket", "middle") == whole[99_990:200_005]


def test_copy_part_builds_a_large_file(wire, bucket):
    source = wire.uploaded(bucket["bucketId"], "src.bin", b"x" * 150_000 + b"y" * 50)
    started = wire.ok(
        "b2_start_large_file",
        {"bucketId": bucket["bucketId"], "fileName": "assembled", "contentType": "b2/x-auto"},
    )
    first = wire.ok(
        "b2_copy_part",
        {
            "sourceFileId": source["fileId"],
            "largeFileId": started["fileId"],
            "partNumber": 1,
            "range": "bytes=0-99999",
        },
    )
    second = wire.ok(
        "b2_copy_part", {"sourceFileId": source["fileId"], "largeFileId": started["fileId"], "partNumber": 2}
    )
    assert first["partNumber"] == 1 and first["contentLength"] == 100_000
    assert first["contentSha1"] == _sha1(b"x" * 100_000)
    assert second["contentLength"] == 150_050
    finished = wire.ok(
        "b2_finish_large_file",
        {"fileId": started["fileId"], "partSha1Array": [first["contentSha1"], second["contentSha1"]]},
    )
    assert finished["contentLength"] == 250_050
    assert _download(wire, "test-bucket", "assembled") == b"x" * 100_000 + b"x" * 150_000 + b"y" * 50


def test_copy_part_needs_an_unfinished_file_and_valid_number(wire, bucket):
    source = wire.uploaded(bucket["bucketId"], "src.bin", b"data")
    not_large = wire.call(
        "b2_copy_part", {"sourceFileId": source["fileId"], "largeFileId": source["fileId"], "partNumber": 1}
    )
    assert not_large.status == 400
    started = wire.ok(
        "b2_start_large_file", {"bucketId": bucket["bucketId"], "fileName": "x", "contentType": "text/plain"}
    )
    bad_number = wire.call(
        "b2_copy_part", {"sourceFileId": source["fileId"], "largeFileId": started["fileId"], "partNumber": 0}
    )
    assert bad_number.status == 400


def test_private_source_needs_read_files(wire, bucket):
    other = wire.create_bucket("other-bucket")
    source = wire.uploaded(bucket["bucketId"], "secret.txt", b"secret")
    key_id, key = wire.create_key(["writeFiles", "listFiles"])
    token = wire.login(key_id, key)
    reply = wire.call(
        "b2_copy_file",
        {"sourceFileId": source["fileId"], "fileName": "leak.txt", "destinationBucketId": other["bucketId"]},
        token=token,
    )
    assert (reply.status, reply.code) == (401, "unauthorized")


def test_public_source_needs_no_read_files(wire):
    public = wire.create_bucket("public-bucket", "allPublic")
    source = wire.uploaded(public["bucketId"], "open.txt", b"open")
    key_id, key = wire.create_key(["writeFiles"])
    reply = wire.call(
        "b2_copy_file",
        {"sourceFileId": source["fileId"], "fileName": "o2.txt"},
        token=wire.login(key_id, key),
    )
    assert reply.status == 200, reply.body


def test_restrictions_apply_to_both_sides(wire, bucket):
    other = wire.create_bucket("other-bucket")
    mine = wire.uploaded(bucket["bucketId"], "ok/a.txt", b"a")
    theirs = wire.uploaded(other["bucketId"], "ok/b.txt", b"b")
    key_id, key = wire.create_key(
        ["readFiles", "writeFiles"], bucketIds=[bucket["bucketId"]], namePrefix="ok/"
    )
    token = wire.login(key_id, key)
    assert (
        wire.call(
            "b2_copy_file", {"sourceFileId": mine["fileId"], "fileName": "ok/c.txt"}, token=token
        ).status
        == 200
    )
    outside_name = wire.call(
        "b2_copy_file", {"sourceFileId": mine["fileId"], "fileName": "no/c.txt"}, token=token
    )
    assert outside_name.status == 401
    other_source = wire.call(
        "b2_copy_file", {"sourceFileId": theirs["fileId"], "fileName": "ok/d.txt"}, token=token
    )
    assert other_source.status == 401
    other_destination = wire.call(
        "b2_copy_file",
        {"sourceFileId": mine["fileId"], "fileName": "ok/e.txt", "destinationBucketId": other["bucketId"]},
        token=token,
    )
    assert other_destination.status == 401


def test_copy_slice_and_size_limit_rules():
    assert copy_slice(None, 10) == Slice(0, 10)
    assert copy_slice("bytes=3-3", 10) == Slice(3, 1)
    assert copy_slice(" bytes=0-9 ", 10) == Slice(0, 10)
    with pytest.raises(B2Error, match="outside"):
        copy_slice("bytes=0-10", 10)
    assert too_large(5_000_000_000) is None
    refusal = too_large(5_000_000_001)
    assert refusal is not None
    assert (refusal.status, refusal.code, refusal.message) == (
        400,
        "source_too_large",
        "Copy source too big: 5000000001",
    )


def test_chunk_reader_serves_requested_sizes():
    reader = ChunkReader(iter([b"abc", b"", b"defg"]))
    assert reader.read(2) == b"ab"
    assert reader.read(5) == b"c"
    assert reader.read(5) == b"defg"
    assert reader.read(5) == b""


def _sse_c(key: bytes) -> dict[str, str]:
    return {
        "mode": "SSE-C",
        "algorithm": "AES256",
        "customerKey": base64.b64encode(key).decode(),
        "customerKeyMd5": base64.b64encode(hashlib.md5(key).digest()).decode(),
    }


def test_sse_c_source_needs_its_key(wire, bucket):
    key = b"s" * 32
    setting = _sse_c(key)
    headers = {
        "X-Bz-Server-Side-Encryption-Customer-Algorithm": "AES256",
        "X-Bz-Server-Side-Encryption-Customer-Key": setting["customerKey"],
        "X-Bz-Server-Side-Encryption-Customer-Key-Md5": setting["customerKeyMd5"],
    }
    source = wire.uploaded(bucket["bucketId"], "enc.bin", b"encrypted", headers=headers)
    without = _copy(wire, source["fileId"], "plain.bin")
    assert (without.status, without.code) == (403, "access_denied")
    wrong = _copy(wire, source["fileId"], "plain.bin", sourceServerSideEncryption=_sse_c(b"w" * 32))
    assert (wrong.status, wrong.code) == (403, "access_denied")
    ok = _copy(
        wire,
        source["fileId"],
        "b2-encrypted.bin",
        sourceServerSideEncryption=setting,
        destinationServerSideEncryption={"mode": "SSE-B2", "algorithm": "AES256"},
    )
    assert ok.status == 200, ok.body
    assert ok.json["serverSideEncryption"] == {"algorithm": "AES256", "mode": "SSE-B2"}
    assert _download(wire, "test-bucket", "b2-encrypted.bin") == b"encrypted"
