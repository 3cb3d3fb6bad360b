"""The HTTP layer: routing, methods, JSON parsing, query coercion, Date on every answer, and junk input
that must always get a B2 JSON error, never a 500."""

import json
import socket
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b2kit.server import _routes


def _api_endpoints():
    return _routes.names()


def _error_shape(reply):
    body = reply.json
    assert set(body) == {"status", "code", "message"}
    assert body["status"] == reply.status
    assert reply.header("Date")


def test_unknown_endpoint_is_404(wire):
    for path in ("/b2api/v4/b2_nope", "/nothing", "/b2api/v9/b2_list_buckets", "/_b2kit/nope"):
        reply = wire.request("POST", wire.realm + path, headers={"Authorization": wire.token})
        assert (reply.status, reply.code) == (404, "not_found"), path
        _error_shape(reply)


def test_root_redirects_a_browser_to_the_console_served_from_the_package(wire):
    root = wire.request("GET", wire.realm + "/")
    assert (root.status, root.header("Location")) == (302, "/_b2kit/console")
    page = wire.request("GET", wire.realm + "/_b2kit/console")
    assert page.status == 200 and page.header("Content-Type") == "text/html; charset=utf-8"
    assert b"<title>b2kit server console</title>" in page.body
    assert page.header("Content-Security-Policy").startswith("default-src 'self'")
    for asset, kind in (("console.js", "text/javascript"), ("console.css", "text/css")):
        reply = wire.request("GET", f"{wire.realm}/_b2kit/{asset}")
        assert reply.status == 200 and reply.header("Content-Type").startswith(kind) and reply.body
    refused = wire.request("POST", wire.realm + "/")
    assert (refused.status, refused.code) == (405, "method_not_allowed")
    _error_shape(refused)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
def test_wrong_method_is_405(wire, method):
    reply = wire.request(
        method, f"{wire.realm}/b2api/v4/b2_create_bucket", headers={"Authorization": wire.token}
    )
    assert reply.status == 405
    if method != "HEAD":
        assert reply.code == "method_not_allowed"


def test_unsupported_method_from_stdlib_is_405_json(server):
    host, port = urllib.parse.urlsplit(server.realm).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"BREW /b2api/v4/b2_list_buckets HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = b""
        while chunk := sock.recv(65536):  # the server closes the connection after this error
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 405")
    assert json.loads(body)["code"] == "method_not_allowed"


@pytest.mark.parametrize("body", [b"{", b"[1]", b"\xff\xfe", b'"text"', b"{" * 100_000])
def test_bad_json_is_bad_json(wire, body):
    reply = wire.request(
        "POST", f"{wire.realm}/b2api/v4/b2_list_buckets", body=body, headers={"Authorization": wire.token}
    )
    assert (reply.status, reply.code) == (400, "bad_json")


@pytest.mark.parametrize(
    "params",
    [
        {"bucketName": 5, "bucketType": "allPrivate"},
        {"bucketName": "valid-name", "bucketType": ["allPrivate"]},
        {"bucketName": "valid-name"},
        {"bucketName": None, "bucketType": "allPrivate"},
        {"bucketName": "valid-name", "bucketType": "allPrivate", "bucketInfo": "x"},
        {"bucketName": "valid-name", "bucketType": "allPrivate", "fileLockEnabled": "yes"},
    ],
)
def test_missing_or_wrong_typed_fields_are_400(wire, params):
    reply = wire.call("b2_create_bucket", params)
    assert (reply.status, reply.code) == (400, "bad_request")
    _error_shape(reply)


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("b2_list_file_names", b'{"bucketId": "\\ud800"}'),
        ("b2_get_file_info", b'{"fileId": "\\udfff"}'),
        ("b2_list_keys", b'{"startApplicationKeyId": "a\\ud83d"}'),
    ],
)
def test_lone_surrogates_in_json_are_400(wire, name, body):
    reply = wire.request(
        "POST", f"{wire.realm}/b2api/v4/{name}", body=body, headers={"Authorization": wire.token}
    )
    assert (reply.status, reply.code) == (400, "bad_request")


@pytest.mark.parametrize("length", ["9" * 5000, "-1", "1e3", "\u0663"])
def test_absurd_content_length_is_400(server, length):
    host, port = urllib.parse.urlsplit(server.realm).netloc.split(":")
    head = f"POST /b2api/v4/b2_list_buckets HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode("utf-8"))
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 400")


def test_deeply_nested_query_value_is_400(wire):
    nested = "[" * 100_000
    reply = wire.call("b2_list_buckets", {"bucketTypes": nested}, method="GET")
    assert (reply.status, reply.code) == (400, "bad_request")


def test_bad_percent_encoding_in_query_is_400(wire):
    reply = wire.request(
        "GET", f"{wire.realm}/b2api/v4/b2_list_buckets?bucketName=%FF", headers={"Authorization": wire.token}
    )
    assert (reply.status, reply.code) == (400, "bad_request")


def test_chunked_body_is_refused(wire):
    reply = wire.request(
        "POST",
        f"{wire.realm}/b2api/v4/b2_list_buckets",
        body=iter([b"{}"]),
        headers={"Authorization": wire.token},
        chunked=True,
    )
    assert (reply.status, reply.code) == (400, "bad_request")


def test_every_answer_has_a_date_and_json_errors(wire, bucket):
    ok = wire.call("b2_list_buckets", {})
    assert ok.header("Date") and ok.header("Content-Type") == "application/json;charset=UTF-8"
    created = wire.uploaded(bucket["bucketId"], "a")
    download = wire.download_by_id(created["fileId"], token=wire.token)
    assert download.header("Date")
    error = wire.call("b2_list_buckets", {}, token="nope")
    _error_shape(error)


def test_every_api_endpoint_refuses_a_missing_token(wire):
    for name in _api_endpoints():
        if name == "b2_authorize_account":
            continue
        target = _routes.find(_routes.API, name)
        method = "POST" if "POST" in target.methods else "GET"
        reply = wire.request(
            method, f"{wire.realm}/b2api/v4/{name}", body=b"{}" if method == "POST" else None
        )
        assert reply.status in (400, 401), (name, reply.status, reply.body)
        _error_shape(reply)


def test_keep_alive_survives_errors_with_unread_bodies(wire, bucket):
    url, _ = wire.upload_url(bucket["bucketId"])
    for _ in range(3):
        refused = wire.request("POST", url, body=b"x" * 200_000, headers={"Authorization": "bad"})
        assert refused.status == 401
    assert wire.call("b2_list_buckets", {}).status == 200


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.text(st.characters(categories=["Cs", "Cc", "Lo", "Nd"]), max_size=8),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)
FIELDS = st.sampled_from(
    [
        "accountId",
        "bucketId",
        "bucketName",
        "bucketType",
        "bucketTypes",
        "bucketInfo",
        "corsRules",
        "lifecycleRules",
        "fileName",
        "fileId",
        "prefix",
        "delimiter",
        "startFileName",
        "startFileId",
        "maxFileCount",
        "capabilities",
        "keyName",
        "bucketIds",
        "namePrefix",
        "validDurationInSeconds",
        "applicationKeyId",
        "maxKeyCount",
        "fileNamePrefix",
        "ifRevisionIs",
        "defaultServerSideEncryption",
        "defaultRetention",
        "replicationConfiguration",
        "fileLockEnabled",
        "b2ContentDisposition",
        "partSha1Array",
        "contentType",
        "fileInfo",
        "range",
        "eventNotificationRules",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_junk_never_gets_a_500(wire, bucket, data):
    name = data.draw(st.sampled_from(_api_endpoints()))
    params = data.draw(st.dictionaries(FIELDS, JUNK, max_size=6))
    if data.draw(st.booleans()):
        params["bucketId"] = bucket["bucketId"]
    as_get = data.draw(st.booleans())
    if as_get:
        # a query string carries UTF-8 only: other values (and strings with surrogates) go as JSON text
        query = {
            k: v if isinstance(v, str) and v == v.encode("utf-8", "replace").decode() else json.dumps(v)
            for k, v in params.items()
        }
        reply = wire.call(name, query, method="GET")
    else:
        reply = wire.call(name, params)
    assert reply.status < 500, (name, params, reply.body)
    if reply.status >= 400 and reply.body:
        _error_shape(reply)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(max_size=40),
    sha1=st.one_of(st.text(max_size=45), st.sampled_from(["hex_digits_at_end", "do_not_verify"])),
    content_type=st.text(max_size=20),
    info_key=st.text(min_size=1, max_size=10),
    info_value=st.text(max_size=20),
    body=st.binary(max_size=100),
)
def test_random_upload_headers_never_get_a_500(
    wire, bucket, name, sha1, content_type, info_key, info_value, body
):
    url, token = wire.upload_url(bucket["bucketId"])
    headers = {
        "Authorization": token,
        "X-Bz-File-Name": urllib.parse.quote(name),
        "X-Bz-Content-Sha1": urllib.parse.quote(sha1),
        "Content-Type": urllib.parse.quote(content_type, safe="/"),
        "X-Bz-Info-" + urllib.parse.quote(info_key, safe=""): urllib.parse.quote(info_value),
    }
    reply = wire.request("POST", url, body=body, headers=headers)
    assert reply.status in (200, 400), reply.body
    if reply.status == 400:
        _error_shape(reply)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.text(max_size=40),
    range_header=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20),
)
def test_random_download_paths_never_get_a_500(wire, bucket, path, range_header):
    wire.uploaded(bucket["bucketId"], "f", b"0123456789")
    headers = {"Authorization": wire.token, "Range": range_header}
    for name in (urllib.parse.quote(path, safe="/%+"), "f"):
        reply = wire.request("GET", f"{wire.realm}/file/test-bucket/{name}", headers=headers)
        assert reply.status < 500, reply.body
