"""Large files over HTTP: start, part URLs, parts, list parts, finish, cancel, list unfinished."""

from __future__ import annotations

import base64
import hashlib
import socket
import time
import urllib.parse

import pytest

from b2kit.server._rules._parts import PartRecord, finish_problem

MIN_PART = 100_000


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _start(wire, bucket_id: str, name: str = "big.bin", **extra) -> dict:
    params = {"bucketId": bucket_id, "fileName": name, "contentType": "b2/x-auto", **extra}
    return wire.ok("b2_start_large_file", params)


def _part_url(wire, file_id: str, token: str | None = None) -> tuple[str, str]:
    got = wire.ok("b2_get_upload_part_url", {"fileId": file_id}, token=token)
    return got["uploadUrl"], got["authorizationToken"]


def _put_part(wire, target: tuple[str, str], number: int, data: bytes, sha1: str | None = None, **headers):
    url, token = target
    sent = {"Authorization": token, "X-Bz-Part-Number": str(number), "X-Bz-Content-Sha1": sha1 or _sha1(data)}
    sent.update(headers)
    return wire.request("POST", url, body=data, headers=sent)


def _parts(count: int, size: int = MIN_PART) -> list[bytes]:
    return [bytes([65 + i]) * size for i in range(count)]


def _upload_large(wire, bucket_id: str, name: str, parts: list[bytes]) -> dict:
    started = _start(wire, bucket_id, name)
    target = _part_url(wire, started["fileId"])
    for number, data in enumerate(parts, start=1):
        assert _put_part(wire, target, number, data).status == 200
    finish = {"fileId": started["fileId"], "partSha1Array": [_sha1(d) for d in parts]}
    return wire.ok("b2_finish_large_file", finish)


def test_start_returns_a_start_version(wire, bucket):
    started = _start(wire, bucket["bucketId"], "dir/movie.mp4", fileInfo={"large_file_sha1": "a" * 40})
    assert started["action"] == "start"
    assert started["contentLength"] == 0
    assert started["contentSha1"] == "none"
    assert started["contentType"] == "video/mp4"
    assert started["fileInfo"] == {"large_file_sha1": "a" * 40}
    assert started["fileRetention"]["value"] == {"mode": None, "retainUntilTimestamp": None}
    assert started["serverSideEncryption"] == {"algorithm": None, "mode": None}


def test_start_accepts_both_custom_timestamp_spellings(wire, bucket):
    assert _start(wire, bucket["bucketId"], "a", customUploadTimestamp=1_600_000_000_000)[
        "uploadTimestamp"
    ] == (1_600_000_000_000)
    assert _start(wire, bucket["bucketId"], "b", custom_upload_timestamp="1500000000000")[
        "uploadTimestamp"
    ] == (1_500_000_000_000)
    future = wire.call(
        "b2_start_large_file",
        {
            "bucketId": bucket["bucketId"],
            "fileName": "c",
            "contentType": "text/plain",
            "customUploadTimestamp": 10**14,
        },
    )
    assert (future.status, future.code) == (400, "bad_request")


def test_start_echoes_sse_b2(wire, bucket):
    started = _start(wire, bucket["bucketId"], serverSideEncryption={"mode": "SSE-B2", "algorithm": "AES256"})
    assert started["serverSideEncryption"] == {"algorithm": "AES256", "mode": "SSE-B2"}


def test_start_on_unknown_bucket_is_bad_bucket_id(wire):
    reply = wire.call(
        "b2_start_large_file", {"bucketId": "0" * 24, "fileName": "x", "contentType": "text/plain"}
    )
    assert (reply.status, reply.code) == (400, "bad_bucket_id")


def test_full_flow_downloads_concatenated_parts_with_ranges(wire, bucket):
    parts = [*_parts(3), b"tail"]
    finished = _upload_large(wire, bucket["bucketId"], "big.bin", parts)
    whole = b"".join(parts)
    assert finished["action"] == "upload"
    assert finished["contentLength"] == len(whole)
    assert finished["contentSha1"] == "none"

    got = wire.download_by_name("test-bucket", "big.bin", token=wire.token)
    assert got.status == 200 and got.body == whole
    start, end = MIN_PART - 5, 2 * MIN_PART + 5  # crosses two part boundaries
    ranged = wire.download_by_id(
        finished["fileId"], token=wire.token, headers={"Range": f"bytes={start}-{end}"}
    )
    assert ranged.status == 206
    assert ranged.body == whole[start : end + 1]


def test_finish_keeps_start_timestamp(wire, bucket):
    started = _start(wire, bucket["bucketId"], customUploadTimestamp=1_600_000_000_000)
    target = _part_url(wire, started["fileId"])
    assert _put_part(wire, target, 1, b"only part").status == 200
    finished = wire.ok(
        "b2_finish_large_file", {"fileId": started["fileId"], "partSha1Array": [_sha1(b"only part")]}
    )
    assert finished["uploadTimestamp"] == 1_600_000_000_000
    assert finished["fileId"] == started["fileId"]


def test_part_with_hex_digits_at_end(wire, bucket):
    started = _start(wire, bucket["bucketId"])
    data = b"streamed part"
    reply = _put_part(
        wire, _part_url(wire, started["fileId"]), 1, data + _sha1(data).encode(), sha1="hex_digits_at_end"
    )
    assert reply.status == 200, reply.body
    assert reply.json["contentLength"] == len(data)
    assert reply.json["contentSha1"] == _sha1(data)
    assert reply.json["partNumber"] == 1


def test_part_sha1_mismatch_is_refused(wire, bucket):
    started = _start(wire, bucket["bucketId"])
    reply = _put_part(wire, _part_url(wire, started["fileId"]), 1, b"data", sha1="0" * 40)
    assert (reply.status, reply.code) == (400, "bad_request")


@pytest.mark.parametrize("number", ["0", "10001", "x"])
def test_part_number_out_of_range_is_refused(wire, bucket, number):
    started = _start(wire, bucket["bucketId"])
    url, token = _part_url(wire, started["fileId"])
    headers = {"Authorization": token, "X-Bz-Part-Number": number, "X-Bz-Content-Sha1": _sha1(b"d")}
    reply = wire.request("POST", url, body=b"d", headers=headers)
    assert (reply.status, reply.code) == (400, "bad_request")


def test_reuploading_a_part_replaces_it(wire, bucket):
    started = _start(wire, bucket["bucketId"])
    target = _part_url(wire, started["fileId"])
    assert _put_part(wire, target, 1, b"first").status == 200
    assert _put_part(wire, target, 1, b"second!").status == 200
    listed = wire.ok("b2_list_parts", {"fileId": started["fileId"]})
    assert [(p["partNumber"], p["contentLength"]) for p in listed["parts"]] == [(1, 7)]


def test_part_token_of_another_large_file_url_is_401(wire, bucket):
    first = _start(wire, bucket["bucketId"])
    second = _start(wire, bucket["bucketId"])
    url, _ = _part_url(wire, first["fileId"])
    _, other_token = _part_url(wire, second["fileId"])
    reply = _put_part(wire, (url, other_token), 1, b"part")
    assert (reply.status, reply.code) == (401, "unauthorized")
    assert wire.ok("b2_list_parts", {"fileId": first["fileId"]})["parts"] == []
    assert wire.ok("b2_list_parts", {"fileId": second["fileId"]})["parts"] == []


def test_part_token_is_one_upload_at_a_time(wire, bucket):
    started = _start(wire, bucket["bucketId"])
    url, token = _part_url(wire, started["fileId"])
    data = b"x" * 20
    parsed = urllib.parse.urlsplit(url)
    head = (
        f"POST {parsed.path} HTTP/1.1\r\nHost: {parsed.netloc}\r\nAuthorization: {token}\r\n"
        f"X-Bz-Part-Number: 1\r\nX-Bz-Content-Sha1: {_sha1(data)}\r\nContent-Length: 20\r\n\r\n"
    ).encode()
    with socket.create_connection((parsed.hostname, parsed.port), timeout=30) as slow:
        slow.sendall(head + data[:10])  # the server now holds the token while it waits for the rest
        for _ in range(1000):  # wait until the part streams into a temp file, i.e. the token is held
            if any((wire.server.data_dir / "tmp").iterdir()):
                break
            time.sleep(0.01)
        second = None
        for _ in range(200):
            second = _put_part(wire, (url, token), 2, b"z")
            if second.status != 200:
                break
            time.sleep(0.01)
        slow.sendall(data[10:])
        first = slow.recv(65536)
    assert second is not None
    assert (second.status, second.code) == (400, "auth_token_limit")
    assert second.json["message"] == f"more than one upload using auth token {token}"
    assert first.startswith(b"HTTP/1.1 200")


def test_list_parts_pages(wire, bucket):
    started = _start(wire, bucket["bucketId"])
    target = _part_url(wire, started["fileId"])
    for number in (1, 2, 3, 5):
        assert _put_part(wire, target, number, f"part {number}".encode()).status == 200
    first = wire.ok("b2_list_parts", {"fileId": started["fileId"], "maxPartCount": 2})
    assert [p["partNumber"] for p in first["parts"]] == [1, 2]
    assert first["nextPartNumber"] == 3
    rest = wire.ok("b2_list_parts", {"fileId": started["fileId"], "startPartNumber": 3, "maxPartCount": 2})
    assert [p["partNumber"] for p in rest["parts"]] == [3, 5]
    assert rest["nextPartNumber"] is None
    too_many = wire.call("b2_list_parts", {"fileId": started["fileId"], "maxPartCount": 1001})
    assert too_many.status == 400


def test_finish_with_a_gap_is_missing_part(wire, bucket):
    started = _start(wire, bucket["bucketId"])
    target = _part_url(wire, started["fileId"])
    parts = _parts(3)
    for number in (1, 3):
        assert _put_part(wire, target, number, parts[number - 1]).status == 200
    reply = wire.call(
        "b2_finish_large_file", {"fileId": started["fileId"], "partSha1Array": [_sha1(p) for p in parts]}
    )
    assert (reply.status, reply.code) == (400, "missing_part")
    still = wire.ok("b2_list_unfinished_large_files", {"bucketId": bucket["bucketId"]})
    assert [f["fileId"] for f in still["files"]] == [started["fileId"]]


def test_finish_with_wrong_sha1_is_part_sha1_mismatch(wire, bucket):
    started = _start(wire, bucket["bucketId"])
    target = _part_url(wire, started["fileId"])
    assert _put_part(wire, target, 1, b"a" * MIN_PART).status == 200
    assert _put_part(wire, target, 2, b"b").status == 200
    reply = wire.call(
        "b2_finish_large_file",
        {"fileId": started["fileId"], "partSha1Array": [_sha1(b"a" * MIN_PART), "0" * 40]},
    )
    assert (reply.status, reply.code) == (400, "part_sha1_mismatch")


@pytest.mark.parametrize("listed_form", ["unverified", "bare"])
def test_do_not_verify_parts_answer_unverified_and_finish_takes_either_form(wire, bucket, listed_form):
    started = _start(wire, bucket["bucketId"])
    target = _part_url(wire, started["fileId"])
    parts = [b"a" * MIN_PART, b"b"]
    answers = [_put_part(wire, target, n, data, sha1="do_not_verify").json for n, data in enumerate(parts, 1)]
    assert [a["contentSha1"] for a in answers] == [f"unverified:{_sha1(d)}" for d in parts]
    listed = wire.ok("b2_list_parts", {"fileId": started["fileId"]})["parts"]
    assert [p["contentSha1"] for p in listed] == [f"unverified:{_sha1(d)}" for d in parts]
    sha1s = [p["contentSha1"] for p in listed] if listed_form == "unverified" else [_sha1(d) for d in parts]
    finished = wire.ok("b2_finish_large_file", {"fileId": started["fileId"], "partSha1Array": sha1s})
    assert finished["contentLength"] == MIN_PART + 1
    wrong = [f"unverified:{'0' * 40}", _sha1(parts[1])]
    again = _start(wire, bucket["bucketId"], "again.bin")
    target = _part_url(wire, again["fileId"])
    for n, data in enumerate(parts, 1):
        assert _put_part(wire, target, n, data, sha1="do_not_verify").status == 200
    reply = wire.call("b2_finish_large_file", {"fileId": again["fileId"], "partSha1Array": wrong})
    assert (reply.status, reply.code) == (400, "part_sha1_mismatch")


def test_finish_with_small_middle_part_is_refused(wire, bucket):
    started = _start(wire, bucket["bucketId"])
    target = _part_url(wire, started["fileId"])
    parts = [b"a" * MIN_PART, b"b" * (MIN_PART - 1), b"c"]
    for number, data in enumerate(parts, start=1):
        assert _put_part(wire, target, number, data).status == 200
    reply = wire.call(
        "b2_finish_large_file", {"fileId": started["fileId"], "partSha1Array": [_sha1(p) for p in parts]}
    )
    assert (reply.status, reply.code) == (400, "bad_request")


def test_unfinished_file_is_not_downloadable(wire, bucket):
    started = _start(wire, bucket["bucketId"], "pending.bin")
    assert _put_part(wire, _part_url(wire, started["fileId"]), 1, b"x").status == 200
    assert wire.download_by_name("test-bucket", "pending.bin", token=wire.token).status == 404


def test_cancel_discards_parts(wire, bucket, server):
    started = _start(wire, bucket["bucketId"], "gone.bin")
    target = _part_url(wire, started["fileId"])
    assert _put_part(wire, target, 1, b"bytes").status == 200
    cancelled = wire.ok("b2_cancel_large_file", {"fileId": started["fileId"]})
    assert cancelled == {
        "accountId": server.account_id,
        "bucketId": bucket["bucketId"],
        "fileId": started["fileId"],
        "fileName": "gone.bin",
    }
    assert wire.ok("b2_list_unfinished_large_files", {"bucketId": bucket["bucketId"]})["files"] == []
    assert _put_part(wire, target, 2, b"late").status in (400, 401)
    again = wire.call("b2_cancel_large_file", {"fileId": started["fileId"]})
    assert (again.status, again.code) == (400, "bad_request")
    assert not list((server.data_dir / "blobs").glob("*/*"))


def test_list_unfinished_pages_oldest_first_with_prefix(wire, bucket):
    ids = [
        _start(wire, bucket["bucketId"], f"logs/{i}", customUploadTimestamp=1_000 + i)["fileId"]
        for i in range(3)
    ]
    _start(wire, bucket["bucketId"], "other/x")
    first = wire.ok(
        "b2_list_unfinished_large_files",
        {"bucketId": bucket["bucketId"], "namePrefix": "logs/", "maxFileCount": 2},
    )
    assert [f["fileId"] for f in first["files"]] == ids[:2]
    assert first["nextFileId"] == ids[2]
    rest = wire.ok(
        "b2_list_unfinished_large_files",
        {"bucketId": bucket["bucketId"], "namePrefix": "logs/", "startFileId": first["nextFileId"]},
    )
    assert [f["fileId"] for f in rest["files"]] == ids[2:]
    assert rest["nextFileId"] is None
    too_many = wire.call(
        "b2_list_unfinished_large_files", {"bucketId": bucket["bucketId"], "maxFileCount": 101}
    )
    assert too_many.status == 400


def test_key_without_write_files_cannot_start(wire, bucket):
    key_id, key = wire.create_key(["listFiles", "readFiles"])
    token = wire.login(key_id, key)
    reply = wire.call(
        "b2_start_large_file",
        {"bucketId": bucket["bucketId"], "fileName": "x", "contentType": "text/plain"},
        token=token,
    )
    assert (reply.status, reply.code) == (401, "unauthorized")
    listing = wire.call("b2_list_unfinished_large_files", {"bucketId": bucket["bucketId"]}, token=token)
    assert listing.status == 200


def test_prefix_restricted_key_is_held_to_its_prefix(wire, bucket):
    key_id, key = wire.create_key(
        ["listFiles", "writeFiles"], bucketIds=[bucket["bucketId"]], namePrefix="mine/"
    )
    token = wire.login(key_id, key)
    ok = wire.call(
        "b2_start_large_file",
        {"bucketId": bucket["bucketId"], "fileName": "mine/x", "contentType": "text/plain"},
        token=token,
    )
    assert ok.status == 200
    outside = wire.call(
        "b2_start_large_file",
        {"bucketId": bucket["bucketId"], "fileName": "theirs/x", "contentType": "text/plain"},
        token=token,
    )
    assert outside.status == 401
    foreign = _start(wire, bucket["bucketId"], "theirs/y")
    assert wire.call("b2_get_upload_part_url", {"fileId": foreign["fileId"]}, token=token).status == 401
    assert wire.call("b2_cancel_large_file", {"fileId": foreign["fileId"]}, token=token).status == 401
    wide = wire.call("b2_list_unfinished_large_files", {"bucketId": bucket["bucketId"]}, token=token)
    assert wide.status == 401
    narrow = wire.ok(
        "b2_list_unfinished_large_files", {"bucketId": bucket["bucketId"], "namePrefix": "mine/"}, token=token
    )
    assert [f["fileName"] for f in narrow["files"]] == ["mine/x"]


def test_bucket_restricted_key_cannot_touch_other_buckets(wire, bucket):
    other = wire.create_bucket("other-bucket")
    key_id, key = wire.create_key(["listFiles", "writeFiles"], bucketIds=[bucket["bucketId"]])
    token = wire.login(key_id, key)
    reply = wire.call(
        "b2_start_large_file",
        {"bucketId": other["bucketId"], "fileName": "x", "contentType": "text/plain"},
        token=token,
    )
    assert reply.status == 401
    assert (
        wire.call("b2_list_unfinished_large_files", {"bucketId": other["bucketId"]}, token=token).status
        == 401
    )


def test_finish_problem_reports_each_rule():
    parts = [PartRecord(1, 200, "a" * 40), PartRecord(2, 10, "b" * 40)]
    assert finish_problem(parts, ["a" * 40, "b" * 40], 100) is None
    assert finish_problem(parts, ["A" * 40, "B" * 40], 100) is None
    assert finish_problem(parts, ["a" * 40, "b" * 40, "c" * 40], 100).code == "missing_part"
    assert finish_problem([PartRecord(2, 10, "b" * 40)], ["b" * 40], 100).code == "missing_part"
    assert finish_problem(parts, ["a" * 40, "c" * 40], 100).code == "part_sha1_mismatch"
    assert finish_problem(parts, ["a" * 40], 100).code == "bad_request"
    assert finish_problem(parts, [], 100).code == "bad_request"
    assert finish_problem(parts, ["a" * 40, "b" * 40], 300).code == "bad_request"


def _sse_c(key: bytes) -> dict[str, str]:
    return {
        "mode": "SSE-C",
        "algorithm": "AES256",
        "customerKey": base64.b64encode(key).decode(),
        "customerKeyMd5": base64.b64encode(hashlib.md5(key).digest()).decode(),
    }


def _sse_c_headers(key: bytes) -> dict[str, str]:
    setting = _sse_c(key)
    return {
        "X-Bz-Server-Side-Encryption-Customer-Algorithm": "AES256",
        "X-Bz-Server-Side-Encryption-Customer-Key": setting["customerKey"],
        "X-Bz-Server-Side-Encryption-Customer-Key-Md5": setting["customerKeyMd5"],
    }


def test_sse_c_large_file_parts_need_the_same_key(wire, bucket):
    key, other = b"k" * 32, b"o" * 32
    started = _start(wire, bucket["bucketId"], serverSideEncryption=_sse_c(key))
    assert started["serverSideEncryption"] == {"algorithm": "AES256", "mode": "SSE-C"}
    target = _part_url(wire, started["fileId"])
    assert _put_part(wire, target, 1, b"secret").status == 400
    wrong = _put_part(wire, target, 1, b"secret", **_sse_c_headers(other))
    assert (wrong.status, wrong.code) == (403, "access_denied")
    right = _put_part(wire, target, 1, b"secret", **_sse_c_headers(key))
    assert right.status == 200, right.body
    assert right.json["serverSideEncryption"] == {"algorithm": "AES256", "mode": "SSE-C"}
    bad_md5 = {**_sse_c(key), "customerKeyMd5": "AAAA"}
    refused = wire.call(
        "b2_start_large_file",
        {
            "bucketId": bucket["bucketId"],
            "fileName": "x",
            "contentType": "text/plain",
            "serverSideEncryption": bad_md5,
        },
    )
    assert refused.status == 400


def test_a_part_cut_off_mid_body_leaves_nothing_behind(wire, bucket, server):
    started = _start(wire, bucket["bucketId"])
    url, token = _part_url(wire, started["fileId"])
    parsed = urllib.parse.urlsplit(url)
    head = (
        f"POST {parsed.path} HTTP/1.1\r\nHost: {parsed.netloc}\r\nAuthorization: {token}\r\n"
        f"X-Bz-Part-Number: 1\r\nX-Bz-Content-Sha1: {'0' * 40}\r\nContent-Length: 1000\r\n\r\n"
    ).encode()
    with socket.create_connection((parsed.hostname, parsed.port), timeout=30) as cut:
        cut.sendall(head + b"x" * 100)
    for _ in range(200):  # the server notices the closed connection and releases the token
        listed = wire.ok("b2_list_parts", {"fileId": started["fileId"]})
        retry = _put_part(wire, (url, token), 1, b"whole part")
        if retry.status == 200:
            break
        time.sleep(0.01)
    assert listed["parts"] == []
    assert retry.status == 200
    assert list((server.data_dir / "tmp").iterdir()) == []
    parts = wire.ok("b2_list_parts", {"fileId": started["fileId"]})["parts"]
    assert [(p["partNumber"], p["contentLength"]) for p in parts] == [(1, 10)]
