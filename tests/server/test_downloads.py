"""Downloads by id and by name: bodies, ranges, headers, HEAD, public/private access, download tokens."""

import hashlib
import http.client
import os
import urllib.parse
from pathlib import Path

import pytest

DATA = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def stored(wire, bucket):
    info = {"color": "blue sky", "b2-content-disposition": "attachment", "b2-content-language": "en"}
    return wire.uploaded(
        bucket["bucketId"], "dir/f ile.bin", DATA, info=info, content_type="application/x-test"
    )


def test_download_by_name_and_by_id_send_bytes_and_headers(wire, stored):
    for reply in (
        wire.download_by_name("test-bucket", "dir/f ile.bin", token=wire.token),
        wire.download_by_id(stored["fileId"], token=wire.token),
    ):
        assert reply.status == 200
        assert reply.body == DATA
        assert reply.header("Content-Length") == str(len(DATA))
        assert reply.header("Content-Type") == "application/x-test"
        assert reply.header("X-Bz-File-Id") == stored["fileId"]
        assert reply.header("X-Bz-File-Name") == "dir/f%20ile.bin"
        assert reply.header("X-Bz-Content-Sha1") == hashlib.sha1(DATA).hexdigest()
        assert reply.header("X-Bz-Upload-Timestamp") == str(stored["uploadTimestamp"])
        assert reply.header("X-Bz-Info-color") == "blue%20sky"
        assert reply.header("Content-Disposition") == "attachment"
        assert reply.header("Content-Language") == "en"
        assert reply.header("X-Bz-Info-b2-content-disposition") is None
        assert reply.header("Accept-Ranges") == "bytes"
        assert reply.header("Date")


def test_download_by_id_via_post_json(wire, stored):
    url = f"{wire.realm}/b2api/v2/b2_download_file_by_id"
    import json

    reply = wire.request(
        "POST",
        url,
        body=json.dumps({"fileId": stored["fileId"]}).encode(),
        headers={"Authorization": wire.token},
    )
    assert reply.body == DATA


def test_head_has_headers_and_no_body(wire, stored):
    reply = wire.download_by_name("test-bucket", "dir/f ile.bin", token=wire.token, method="HEAD")
    assert reply.status == 200
    assert reply.body == b""
    assert reply.header("Content-Length") == str(len(DATA))
    missing = wire.download_by_name("test-bucket", "nope", token=wire.token, method="HEAD")
    assert (missing.status, missing.body) == (404, b"")


@pytest.mark.parametrize(
    ("header", "status", "first", "last"),
    [
        ("bytes=0-9", 206, 0, 9),
        ("bytes=100-199", 206, 100, 199),
        ("bytes=10000-", 206, 10000, 10239),
        ("bytes=-40", 206, 10200, 10239),
        ("bytes=10200-99999", 206, 10200, 10239),
        ("bytes=0-10239", 200, 0, 10239),
        ("bytes=0-999999", 200, 0, 10239),
        ("garbage", 200, 0, 10239),
    ],
)
def test_ranges(wire, stored, header, status, first, last):
    reply = wire.download_by_id(stored["fileId"], token=wire.token, headers={"Range": header})
    assert reply.status == status
    assert reply.body == DATA[first : last + 1]
    if status == 206:
        assert reply.header("Content-Range") == f"bytes {first}-{last}/{len(DATA)}"
    else:
        assert reply.header("Content-Range") is None
    assert reply.header("X-Bz-Content-Sha1") == hashlib.sha1(DATA).hexdigest()


def test_range_past_the_end_is_416(wire, stored):
    reply = wire.download_by_id(stored["fileId"], token=wire.token, headers={"Range": "bytes=10240-10300"})
    assert (reply.status, reply.code) == (416, "range_not_satisfiable")
    assert reply.header("Content-Range") == "bytes */10240"


def test_unknown_hidden_and_started_files_are_404(wire, bucket, stored):
    assert wire.download_by_name("test-bucket", "nope", token=wire.token).code == "not_found"
    assert wire.download_by_name("no-such-bucket", "nope", token=wire.token).code == "not_found"
    assert wire.download_by_id("4_zunknown", token=wire.token).code == "not_found"
    marker = wire.ok("b2_hide_file", {"bucketId": bucket["bucketId"], "fileName": "dir/f ile.bin"})
    assert wire.download_by_name("test-bucket", "dir/f ile.bin", token=wire.token).status == 404
    assert wire.download_by_id(marker["fileId"], token=wire.token).status == 404
    assert wire.download_by_id(stored["fileId"], token=wire.token).body == DATA
    started = wire.ok(
        "b2_start_large_file", {"bucketId": bucket["bucketId"], "fileName": "s", "contentType": "a/b"}
    )
    assert wire.download_by_id(started["fileId"], token=wire.token).status == 404


def test_private_bucket_needs_a_token_with_read_files(wire, stored):
    anonymous = wire.download_by_name("test-bucket", "dir/f ile.bin")
    assert anonymous.status == 401
    assert wire.download_by_id(stored["fileId"]).status == 401
    assert wire.download_by_name("test-bucket", "dir/f ile.bin", token="garbage").code == "bad_auth_token"
    no_read = wire.login(*wire.create_key(["listFiles"]))
    assert wire.download_by_id(stored["fileId"], token=no_read).code == "unauthorized"


def test_public_bucket_needs_no_token(wire):
    public = wire.create_bucket("public-bucket", "allPublic")
    created = wire.uploaded(public["bucketId"], "p.txt", b"open")
    assert wire.download_by_name("public-bucket", "p.txt").body == b"open"
    assert wire.download_by_id(created["fileId"]).body == b"open"


def test_download_respects_key_restrictions(wire, bucket, stored):
    other = wire.create_bucket("other-bucket")
    elsewhere = wire.uploaded(other["bucketId"], "dir/x", b"x")
    token = wire.login(*wire.create_key(["readFiles"], bucketIds=[bucket["bucketId"]], namePrefix="dir/"))
    assert wire.download_by_id(stored["fileId"], token=token).status == 200
    assert wire.download_by_id(elsewhere["fileId"], token=token).code == "unauthorized"
    wire.uploaded(bucket["bucketId"], "top.txt", b"t")
    assert wire.download_by_name("test-bucket", "top.txt", token=token).code == "unauthorized"


def test_expired_token_on_download_is_expired_auth_token(wire, server, stored):
    token = wire.token
    server.expire_tokens()
    reply = wire.download_by_id(stored["fileId"], token=token)
    assert (reply.status, reply.code) == (401, "expired_auth_token")


def test_cache_control_comes_from_request_then_file_then_bucket(wire):
    made = wire.create_bucket("cache-bucket", bucketInfo={"Cache-Control": "max-age=1"})
    wire.uploaded(made["bucketId"], "plain", b"x")
    wire.uploaded(made["bucketId"], "own", b"x", info={"b2-cache-control": "max-age=2"})
    token = wire.token
    assert wire.download_by_name("cache-bucket", "plain", token=token).header("Cache-Control") == "max-age=1"
    assert wire.download_by_name("cache-bucket", "own", token=token).header("Cache-Control") == "max-age=2"
    overridden = wire.download_by_name(
        "cache-bucket", "own", token=token, fields={"b2CacheControl": "no-cache"}
    )
    assert overridden.header("Cache-Control") == "no-cache"


def test_overrides_replace_headers(wire, stored):
    fields = {
        "b2ContentType": "text/csv",
        "b2ContentDisposition": "inline",
        "b2Expires": "Thu, 01 Dec 2094 16:00:00 GMT",
    }
    reply = wire.download_by_id(stored["fileId"], token=wire.token, fields=fields)
    assert reply.header("Content-Type") == "text/csv"
    assert reply.header("Content-Disposition") == "inline"
    assert reply.header("Expires") == "Thu, 01 Dec 2094 16:00:00 GMT"
    bad = wire.download_by_name(
        "test-bucket", "dir/f ile.bin", token=wire.token, fields={"b2Expires": "soon"}
    )
    assert (bad.status, bad.code) == (400, "bad_request")


def test_download_token_limits_bucket_prefix_and_overrides(wire, bucket, stored):
    answer = wire.ok(
        "b2_get_download_authorization",
        {"bucketId": bucket["bucketId"], "fileNamePrefix": "dir/", "validDurationInSeconds": 60},
    )
    assert answer["bucketId"] == bucket["bucketId"] and answer["fileNamePrefix"] == "dir/"
    token = answer["authorizationToken"]
    assert wire.download_by_name("test-bucket", "dir/f ile.bin", token=token).body == DATA
    in_query = wire.download_by_name("test-bucket", "dir/f ile.bin", fields={"Authorization": token})
    assert in_query.body == DATA
    wire.uploaded(bucket["bucketId"], "other/x", b"x")
    assert wire.download_by_name("test-bucket", "other/x", token=token).code == "unauthorized"
    assert wire.download_by_id(stored["fileId"], token=token).status == 401
    pinned = wire.ok(
        "b2_get_download_authorization",
        {
            "bucketId": bucket["bucketId"],
            "fileNamePrefix": "",
            "validDurationInSeconds": 60,
            "b2ContentDisposition": "inline",
        },
    )["authorizationToken"]
    assert wire.download_by_name("test-bucket", "dir/f ile.bin", token=pinned).code == "unauthorized"
    matched = wire.download_by_name(
        "test-bucket", "dir/f ile.bin", token=pinned, fields={"b2ContentDisposition": "inline"}
    )
    assert matched.header("Content-Disposition") == "inline"


def test_download_token_is_not_an_account_token(wire, bucket):
    token = wire.ok(
        "b2_get_download_authorization",
        {"bucketId": bucket["bucketId"], "fileNamePrefix": "", "validDurationInSeconds": 5},
    )["authorizationToken"]
    assert wire.call("b2_list_buckets", {}, token=token).code == "bad_auth_token"


@pytest.mark.parametrize(
    "params",
    [
        {"validDurationInSeconds": 0},
        {"validDurationInSeconds": 604_801},
        {"fileNamePrefix": None},
        {"b2ContentLanguage": "not a language!"},
    ],
)
def test_bad_download_authorization_requests_are_400(wire, bucket, params):
    base = {"bucketId": bucket["bucketId"], "fileNamePrefix": "", "validDurationInSeconds": 5}
    reply = wire.call("b2_get_download_authorization", {**base, **params})
    assert (reply.status, reply.code) == (400, "bad_request")


def test_download_authorization_needs_share_files_and_the_prefix(wire, bucket):
    no_share = wire.login(*wire.create_key(["readFiles"]))
    params = {"bucketId": bucket["bucketId"], "fileNamePrefix": "a/", "validDurationInSeconds": 5}
    assert wire.call("b2_get_download_authorization", params, token=no_share).code == "unauthorized"
    narrow = wire.login(*wire.create_key(["shareFiles"], bucketIds=[bucket["bucketId"]], namePrefix="a/"))
    assert wire.call("b2_get_download_authorization", params, token=narrow).status == 200
    wider = {**params, "fileNamePrefix": ""}
    assert wire.call("b2_get_download_authorization", wider, token=narrow).code == "unauthorized"
    other = wire.create_bucket("other-bucket")
    elsewhere = {**params, "bucketId": other["bucketId"]}
    assert wire.call("b2_get_download_authorization", elsewhere, token=narrow).code == "unauthorized"


def finished_large_file(wire, bucket, name, parts):
    """Start, upload ``parts`` of and finish a large file over the wire; returns the finish answer."""
    started = wire.ok(
        "b2_start_large_file", {"bucketId": bucket["bucketId"], "fileName": name, "contentType": "a/b"}
    )
    part_url = wire.ok("b2_get_upload_part_url", {"fileId": started["fileId"]})
    for number, data in enumerate(parts, 1):
        headers = {
            "Authorization": part_url["authorizationToken"],
            "X-Bz-Part-Number": str(number),
            "X-Bz-Content-Sha1": hashlib.sha1(data).hexdigest(),
        }
        assert wire.request("POST", part_url["uploadUrl"], body=data, headers=headers).status == 200
    sha1s = [hashlib.sha1(data).hexdigest() for data in parts]
    return wire.ok("b2_finish_large_file", {"fileId": started["fileId"], "partSha1Array": sha1s})


def test_large_file_downloads_across_parts(wire, bucket):
    parts = [b"a" * 100_000, b"b" * 50]
    finished_large_file(wire, bucket, "big", parts)
    whole = wire.download_by_name("test-bucket", "big", token=wire.token)
    assert whole.body == b"".join(parts)
    assert whole.header("X-Bz-Content-Sha1") == "none"
    ranged = wire.download_by_name(
        "test-bucket", "big", token=wire.token, headers={"Range": "bytes=99990-100009"}
    )
    assert ranged.body == b"a" * 10 + b"b" * 10


def test_lock_headers_follow_the_read_capabilities(wire):
    locked = wire.create_bucket("locked-bucket", fileLockEnabled=True)
    created = wire.uploaded(locked["bucketId"], "l.txt", b"locked")
    until = created["uploadTimestamp"] + 86_400_000
    wire.ok(
        "b2_update_file_retention",
        {
            "fileName": "l.txt",
            "fileId": created["fileId"],
            "fileRetention": {"mode": "governance", "retainUntilTimestamp": until},
        },
    )
    wire.ok(
        "b2_update_file_legal_hold", {"fileName": "l.txt", "fileId": created["fileId"], "legalHold": "on"}
    )
    full = wire.download_by_id(created["fileId"], token=wire.token)
    assert full.header("X-Bz-File-Retention-Mode") == "governance"
    assert full.header("X-Bz-File-Retention-Retain-Until-Timestamp") == str(until)
    assert full.header("X-Bz-File-Legal-Hold") == "on"
    assert full.header("X-Bz-Client-Unauthorized-To-Read") is None
    reader = wire.login(*wire.create_key(["readFiles"]))
    limited = wire.download_by_id(created["fileId"], token=reader)
    assert limited.header("X-Bz-File-Retention-Mode") is None
    assert limited.header("X-Bz-Client-Unauthorized-To-Read") == (
        "X-Bz-File-Retention-Mode,X-Bz-File-Retention-Retain-Until-Timestamp,X-Bz-File-Legal-Hold"
    )


# distinct random bytes per part, so that a byte read from the wrong offset or part cannot go unnoticed
PARTS = [os.urandom(100_000), os.urandom(100_037), os.urandom(4_242)]
WHOLE = b"".join(PARTS)


@pytest.fixture
def parted(wire, bucket):
    """A finished large file made of ``PARTS`` (three part blobs on disk)."""
    return finished_large_file(wire, bucket, "parted", PARTS)


def test_multi_part_large_file_downloads_whole_byte_exact(wire, parted):
    by_name = wire.download_by_name("test-bucket", "parted", token=wire.token)
    by_id = wire.download_by_id(parted["fileId"], token=wire.token)
    for reply in (by_name, by_id):
        assert reply.status == 200
        assert reply.header("Content-Length") == str(len(WHOLE))
        assert reply.body == WHOLE


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (99_990, 100_009),  # crosses the first part boundary
        (99_999, 200_037),  # last byte of part 1, all of part 2, first byte of part 3
        (0, 200_036),  # exactly parts 1 and 2
        (100_000, 100_000),  # the first byte of part 2 alone
        (150_000, 150_099),  # inside part 2
        (200_040, 204_278),  # inside the last part, to the end
    ],
)
def test_multi_part_large_file_ranges_are_byte_exact(wire, parted, first, last):
    reply = wire.download_by_id(
        parted["fileId"], token=wire.token, headers={"Range": f"bytes={first}-{last}"}
    )
    assert reply.status == 206
    assert reply.header("Content-Range") == f"bytes {first}-{last}/{len(WHOLE)}"
    assert reply.header("Content-Length") == str(last - first + 1)
    assert reply.body == WHOLE[first : last + 1]


def test_head_of_a_range_sends_headers_only(wire, parted):
    reply = wire.download_by_id(
        parted["fileId"], token=wire.token, method="HEAD", headers={"Range": "bytes=99990-100009"}
    )
    assert (reply.status, reply.body) == (206, b"")
    assert reply.header("Content-Length") == "20"


def _blob_of_size(server, size: int) -> Path:
    (blob,) = [path for path in (Path(server.data_dir) / "blobs").glob("*/*") if path.stat().st_size == size]
    return blob


def _truncate(blob: Path, size: int) -> None:
    with blob.open("r+b") as handle:
        handle.truncate(size)


def _received_before_the_connection_ends(wire, path: str) -> tuple[int, bytes]:
    """(announced Content-Length, body bytes received) of a GET whose body the server cuts off by closing.

    ``http.client`` keeps every byte that arrived (``IncompleteRead.partial``); urllib3 drops its last read.
    """
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(wire.realm).netloc, timeout=30)
    try:
        connection.request("GET", path, headers={"Authorization": wire.token})
        response = connection.getresponse()
        with pytest.raises(http.client.IncompleteRead) as cut:
            response.read()
    finally:
        connection.close()
    return int(response.getheader("Content-Length")), cut.value.partial


def test_truncated_blob_aborts_the_connection_before_sending_its_bytes(wire, server, stored):
    _truncate(_blob_of_size(server, len(DATA)), 5_000)
    path = f"/b2api/v4/b2_download_file_by_id?fileId={stored['fileId']}"
    announced, received = _received_before_the_connection_ends(wire, path)
    assert (announced, received) == (len(DATA), b"")
    assert (
        wire.download_by_name("test-bucket", "dir/f ile.bin", token=wire.token, method="HEAD").status == 200
    )


def test_truncated_middle_part_ends_a_large_download_after_the_parts_before_it(wire, server, parted):
    _truncate(_blob_of_size(server, len(PARTS[1])), 10)
    announced, received = _received_before_the_connection_ends(wire, "/file/test-bucket/parted")
    assert (announced, received) == (len(WHOLE), PARTS[0])
    ranged = wire.download_by_id(parted["fileId"], token=wire.token, headers={"Range": "bytes=200037-200099"})
    assert ranged.body == WHOLE[200_037:200_100]  # parts that are whole still serve
