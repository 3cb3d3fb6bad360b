"""b2_get_upload_url + b2_upload_file: checksums, headers, names, file info, tokens and restrictions."""

import base64
import hashlib
import socket
import time
import urllib.parse

import pytest

from b2kit import _protocol as p

DATA = b"the quick brown fox"
SHA1 = hashlib.sha1(DATA).hexdigest()


def test_upload_answers_the_file_object(wire, bucket):
    created = wire.uploaded(bucket["bucketId"], "notes/a.txt", DATA, info={"src_last_modified_millis": "123"})
    assert created["action"] == "upload"
    assert created["contentLength"] == len(DATA)
    assert created["contentSha1"] == SHA1
    assert created["contentMd5"] == hashlib.md5(DATA).hexdigest()
    assert created["contentType"] == "text/plain"
    assert created["fileInfo"] == {"src_last_modified_millis": "123"}
    assert created["fileRetention"] == {
        "isClientAuthorizedToRead": True,
        "value": {"mode": None, "retainUntilTimestamp": None},
    }
    assert created["legalHold"] == {"isClientAuthorizedToRead": True, "value": None}
    assert created["serverSideEncryption"] == {"algorithm": None, "mode": None}
    assert created["bucketId"] == bucket["bucketId"]


def test_hex_digits_at_end_strips_and_checks_the_trailer(wire, bucket):
    created = wire.uploaded(bucket["bucketId"], "h.bin", DATA + SHA1.encode(), sha1="hex_digits_at_end")
    assert (created["contentLength"], created["contentSha1"]) == (len(DATA), SHA1)
    wrong = wire.upload(bucket["bucketId"], "h.bin", DATA + b"0" * 40, sha1="hex_digits_at_end")
    assert (wrong.status, wrong.code) == (400, "bad_request")


def test_do_not_verify_reports_unverified_checksum(wire, bucket):
    created = wire.uploaded(bucket["bucketId"], "u.bin", DATA, sha1="do_not_verify")
    assert created["contentSha1"] == f"unverified:{SHA1}"


def test_sha1_mismatch_is_refused_and_leaves_nothing(wire, bucket, server):
    reply = wire.upload(bucket["bucketId"], "bad.bin", DATA, sha1="0" * 40)
    assert (reply.status, reply.code) == (400, "bad_request")
    assert wire.ok("b2_list_file_versions", {"bucketId": bucket["bucketId"]})["files"] == []
    assert not any((server.data_dir / "tmp").iterdir())
    assert not list((server.data_dir / "blobs").glob("*/*"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.txt", "text/plain"), ("a.json", "application/json"), ("a.unknownext", "application/octet-stream")],
)
def test_auto_content_type_comes_from_the_name(wire, bucket, name, expected):
    assert wire.uploaded(bucket["bucketId"], name)["contentType"] == expected


def test_explicit_content_type_is_kept(wire, bucket):
    assert wire.uploaded(bucket["bucketId"], "x", content_type="image/png")["contentType"] == "image/png"


def test_info_keys_are_lower_cased_and_b2_keys_kept(wire, bucket):
    info = {
        "Color": "Blue Sky+%",
        "b2-content-disposition": 'attachment; filename="r.txt"',
        "b2-cache-control": "max-age=60",
    }
    created = wire.uploaded(bucket["bucketId"], "i.txt", info=info)
    assert created["fileInfo"] == {
        "color": "Blue Sky+%",
        "b2-content-disposition": 'attachment; filename="r.txt"',
        "b2-cache-control": "max-age=60",
    }


@pytest.mark.parametrize(
    "info",
    [
        {"b2-unknown": "x"},
        {"b2-expires": "not a date"},
        {"b2-content-language": "en US!"},
        {"b2-content-disposition": "attachment; filename*0=a"},
        {"bad(key": "x"},
        {f"k{i}": "v" for i in range(11)},
        {"big": "x" * 7000},
        {"k" * 51: "v"},
    ],
)
def test_invalid_file_info_is_400(wire, bucket, info):
    reply = wire.upload(bucket["bucketId"], "i.txt", info=info)
    assert (reply.status, reply.code) == (400, "bad_request"), reply.body


@pytest.mark.parametrize(
    "name", ["../x", "a//b", "%", "+", "a b", "日本/語.txt", "x" * 1024, "/lead", "trail/"]
)
def test_awkward_legal_names_are_stored_as_given(wire, bucket, name):
    created = wire.uploaded(bucket["bucketId"], name, DATA)
    assert created["fileName"] == name
    assert wire.ok("b2_get_file_info", {"fileId": created["fileId"]})["fileName"] == name
    got = wire.download_by_name("test-bucket", name, token=wire.token)
    assert (got.status, got.body) == (200, DATA)
    assert p.decode_name(got.header("X-Bz-File-Name")) == name


def test_plus_in_the_name_header_is_a_space(wire, bucket):
    created = wire.uploaded(bucket["bucketId"], "x", headers={"X-Bz-File-Name": "a+b%2Bc"})
    assert created["fileName"] == "a b+c"


@pytest.mark.parametrize("encoded", ["a%00b", "tab%09", "%FF%FE", "x" * 1025, "%E9" * 3, "", "del%7F"])
def test_illegal_names_are_400(wire, bucket, encoded):
    reply = wire.upload(bucket["bucketId"], "x", headers={"X-Bz-File-Name": encoded})
    assert (reply.status, reply.code) == (400, "bad_request"), reply.body


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Bz-Content-Sha1": "xyz"},
        {"Content-Type": ""},
        {"Content-Disposition": "inline"},
        {"X-Bz-Custom-Upload-Timestamp": "tomorrow"},
        {"X-Bz-Custom-Upload-Timestamp": "99999999999999"},
        {"X-Bz-Server-Side-Encryption": "NONE"},
        {"X-Bz-Server-Side-Encryption-Customer-Algorithm": "AES256"},
        {
            "X-Bz-Server-Side-Encryption-Customer-Algorithm": "AES256",
            "X-Bz-Server-Side-Encryption-Customer-Key": "\u00e9t\u00e9",
        },
    ],
)
def test_bad_upload_headers_are_400(wire, bucket, headers):
    reply = wire.upload(bucket["bucketId"], "x", headers=headers)
    assert (reply.status, reply.code) == (400, "bad_request"), reply.body


def test_missing_name_header_is_400(wire, bucket):
    url, token = wire.upload_url(bucket["bucketId"])
    headers = {"Authorization": token, "Content-Type": "text/plain", "X-Bz-Content-Sha1": SHA1}
    reply = wire.request("POST", url, body=DATA, headers=headers)
    assert (reply.status, reply.code) == (400, "bad_request")


def test_custom_upload_timestamp_is_used(wire, bucket):
    created = wire.uploaded(
        bucket["bucketId"], "t", headers={"X-Bz-Custom-Upload-Timestamp": "1600000000000"}
    )
    assert created["uploadTimestamp"] == 1_600_000_000_000


def test_sse_b2_upload_is_reported(wire, bucket):
    created = wire.uploaded(bucket["bucketId"], "s", headers={"X-Bz-Server-Side-Encryption": "AES256"})
    assert created["serverSideEncryption"] == {"algorithm": "AES256", "mode": "SSE-B2"}


def test_sse_c_download_needs_the_same_key(wire, bucket):
    key = bytes(range(32))
    headers = {
        "X-Bz-Server-Side-Encryption-Customer-Algorithm": "AES256",
        "X-Bz-Server-Side-Encryption-Customer-Key": base64.b64encode(key).decode(),
        "X-Bz-Server-Side-Encryption-Customer-Key-Md5": base64.b64encode(hashlib.md5(key).digest()).decode(),
    }
    created = wire.uploaded(bucket["bucketId"], "c", DATA, headers=headers)
    assert created["serverSideEncryption"] == {"algorithm": "AES256", "mode": "SSE-C"}
    assert wire.download_by_id(created["fileId"], token=wire.token).status == 400
    got = wire.download_by_id(created["fileId"], token=wire.token, headers=headers)
    assert got.body == DATA
    other = bytes(32)
    wrong = {
        **headers,
        "X-Bz-Server-Side-Encryption-Customer-Key": base64.b64encode(other).decode(),
        "X-Bz-Server-Side-Encryption-Customer-Key-Md5": base64.b64encode(
            hashlib.md5(other).digest()
        ).decode(),
    }
    refused = wire.download_by_id(created["fileId"], token=wire.token, headers=wrong)
    assert (refused.status, refused.code) == (403, "access_denied")


def test_bucket_default_encryption_applies(wire):
    made = wire.create_bucket(
        "sse-bucket", defaultServerSideEncryption={"mode": "SSE-B2", "algorithm": "AES256"}
    )
    assert wire.uploaded(made["bucketId"], "x")["serverSideEncryption"]["mode"] == "SSE-B2"


def test_upload_url_answer_and_fresh_token_per_call(wire, bucket):
    first = wire.ok("b2_get_upload_url", {"bucketId": bucket["bucketId"]})
    second = wire.ok("b2_get_upload_url", {"bucketId": bucket["bucketId"]}, version="v2")
    assert first["bucketId"] == bucket["bucketId"]
    assert first["authorizationToken"] != second["authorizationToken"]
    assert "/b2api/v2/b2_upload_file/" in second["uploadUrl"]


def test_upload_url_for_unknown_bucket_is_bad_bucket_id(wire):
    reply = wire.call("b2_get_upload_url", {"bucketId": "0" * 24})
    assert (reply.status, reply.code) == (400, "bad_bucket_id")


def test_upload_token_is_reusable_sequentially(wire, bucket):
    target = wire.upload_url(bucket["bucketId"])
    for i in range(3):
        assert wire.upload(bucket["bucketId"], f"seq-{i}", target=target).status == 200


def _raw_request(server, head: str, body: bytes = b"") -> socket.socket:
    host, port = urllib.parse.urlsplit(server.realm).netloc.split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(head.encode("latin-1") + body)
    return sock


def _upload_head(url: str, token: str, name: str, length: int, sha1: str, extra: str = "") -> str:
    path = urllib.parse.urlsplit(url).path
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\nX-Bz-File-Name: {name}\r\n"
        f"Content-Type: text/plain\r\nContent-Length: {length}\r\nX-Bz-Content-Sha1: {sha1}\r\n{extra}\r\n"
    )


def _read_reply(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < _length(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def _wait_for_receiving(server) -> None:
    """Block until an upload is streaming into a temp file (so it holds its upload token)."""
    for _ in range(1000):
        if any((server.data_dir / "tmp").iterdir()):
            return
        time.sleep(0.01)
    raise AssertionError("no upload started")


def test_second_concurrent_upload_on_one_token_is_auth_token_limit(wire, bucket, server):
    url, token = wire.upload_url(bucket["bucketId"])
    first = _raw_request(server, _upload_head(url, token, "one", len(DATA), SHA1), DATA[:5])
    try:
        _wait_for_receiving(server)
        second = wire.upload(bucket["bucketId"], "two", DATA, target=(url, token))
        assert (second.status, second.code) == (400, "auth_token_limit")
        assert second.json["message"] == f"more than one upload using auth token {token}"
        first.sendall(DATA[5:])
        assert b" 200 " in _read_reply(first).split(b"\r\n", 1)[0]
    finally:
        first.close()
    assert wire.upload(bucket["bucketId"], "three", DATA, target=(url, token)).status == 200


def test_expect_100_continue_is_honoured(wire, bucket, server):
    url, token = wire.upload_url(bucket["bucketId"])
    sock = _raw_request(
        server, _upload_head(url, token, "e.txt", len(DATA), SHA1, "Expect: 100-continue\r\n")
    )
    try:
        interim = sock.recv(4096)
        assert interim.startswith(b"HTTP/1.1 100")
        sock.sendall(DATA)
        reply = _read_reply(sock)
        assert b" 200 " in reply.split(b"\r\n", 1)[0]
    finally:
        sock.close()


def test_expect_100_continue_refusal_comes_before_the_body(wire, bucket, server):
    url, _ = wire.upload_url(bucket["bucketId"])
    head = _upload_head(url, "not-a-token", "e.txt", len(DATA), SHA1, "Expect: 100-continue\r\n")
    sock = _raw_request(server, head)
    try:
        reply = _read_reply(sock)  # no body sent: the final answer arrives without "100 Continue"
        assert reply.startswith(b"HTTP/1.1 401")
    finally:
        sock.close()


def test_body_cut_short_leaves_no_file(wire, bucket, server):
    url, token = wire.upload_url(bucket["bucketId"])
    sock = _raw_request(server, _upload_head(url, token, "cut", 1000, "0" * 40), b"x" * 10)
    sock.shutdown(socket.SHUT_WR)
    _read_reply(sock)
    sock.close()
    assert wire.upload(bucket["bucketId"], "after", target=(url, token)).status == 200
    names = [
        f["fileName"] for f in wire.ok("b2_list_file_versions", {"bucketId": bucket["bucketId"]})["files"]
    ]
    assert names == ["after"]
    assert not any((server.data_dir / "tmp").iterdir())


def test_upload_token_of_another_bucket_url_is_401(wire, bucket):
    other = wire.create_bucket("other-bucket")
    url, _ = wire.upload_url(bucket["bucketId"])
    _, other_token = wire.upload_url(other["bucketId"])
    reply = wire.upload(bucket["bucketId"], "x", target=(url, other_token))
    assert (reply.status, reply.code) == (401, "unauthorized")


def test_account_token_is_not_an_upload_token(wire, bucket):
    url, _ = wire.upload_url(bucket["bucketId"])
    reply = wire.upload(bucket["bucketId"], "x", target=(url, wire.token))
    assert (reply.status, reply.code) == (401, "bad_auth_token")


def test_upload_restrictions_of_the_key(wire, bucket):
    other = wire.create_bucket("other-bucket")
    token = wire.login(*wire.create_key(["writeFiles"], bucketIds=[bucket["bucketId"]], namePrefix="in/"))
    assert wire.call("b2_get_upload_url", {"bucketId": other["bucketId"]}, token=token).code == "unauthorized"
    target = wire.upload_url(bucket["bucketId"], token=token)
    assert wire.upload(bucket["bucketId"], "in/ok", target=target).status == 200
    outside = wire.upload(bucket["bucketId"], "out/no", target=target)
    assert (outside.status, outside.code) == (401, "unauthorized")
    no_write = wire.login(*wire.create_key(["listFiles"]))
    assert (
        wire.call("b2_get_upload_url", {"bucketId": bucket["bucketId"]}, token=no_write).code
        == "unauthorized"
    )


def test_file_names_never_become_paths(wire, bucket, server):
    for name in ("../../escape-1", "/tmp/escape-2", "..\\..\\escape-3", "blobs/../../escape-4"):
        wire.uploaded(bucket["bucketId"], name, b"x")
    root = server.data_dir.parent
    assert not [path for path in root.rglob("*escape*")]
    stored = [path for path in server.data_dir.rglob("*") if path.is_file()]
    assert all(path.parent.parent.name == "blobs" or path.parent == server.data_dir for path in stored), (
        stored
    )
