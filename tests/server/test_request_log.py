"""The request log: one record per request with names, outcome and sizes, never a credential."""

import base64
import json

import pytest

from b2kit.server import LocalServer
from b2kit.server._request_log import RequestLog, RequestRecord


def _master(server):
    return {"Authorization": "Basic " + base64.b64encode(f"{server.key_id}:{server.key}".encode()).decode()}


def test_requests_name_bucket_file_status_and_sizes(wire, server, bucket):
    created = wire.uploaded(bucket["bucketId"], "dir/a b.txt", b"x" * 1234)
    assert wire.download_by_name("test-bucket", "dir/a b.txt", token=wire.token).status == 200
    assert wire.download_by_id(created["fileId"], token=wire.token).status == 200
    records = {record.endpoint: record for record in server.requests()}
    upload = records["b2_upload_file"]
    assert (upload.method, upload.bucket_name, upload.file_name, upload.status) == (
        "POST",
        "test-bucket",
        "dir/a b.txt",
        200,
    )
    assert upload.bytes_in == 1234 and upload.code is None and upload.milliseconds > 0
    by_name = records["b2_download_file_by_name"]
    assert (by_name.bucket_name, by_name.file_name, by_name.bytes_out) == ("test-bucket", "dir/a b.txt", 1234)
    by_id = records["b2_download_file_by_id"]
    assert (by_id.bucket_name, by_id.file_name, by_id.bytes_out) == ("test-bucket", "dir/a b.txt", 1234)
    assert records["b2_get_upload_url"].bucket_name == "test-bucket"


def test_refusals_carry_their_b2_error_code(wire, server):
    assert wire.call("b2_list_file_names", {"bucketId": "no-such-bucket"}).status == 400
    refused = server.requests()[-1]
    assert (refused.endpoint, refused.status, refused.code) == ("b2_list_file_names", 400, "bad_bucket_id")
    wire.request("GET", f"{wire.realm}/nowhere/at/all/secret-path?Authorization=secret-token")
    unknown = server.requests()[-1]
    assert (unknown.endpoint, unknown.status, unknown.code) == ("/nowhere/at/all", 404, "not_found")


def test_no_token_or_key_reaches_the_log(wire, server, bucket):
    token = wire.token
    upload_url, upload_token = wire.upload_url(bucket["bucketId"])
    wire.uploaded(bucket["bucketId"], "f", target=(upload_url, upload_token))
    download = wire.ok(
        "b2_get_download_authorization",
        {"bucketId": bucket["bucketId"], "fileNamePrefix": "", "validDurationInSeconds": 60},
    )["authorizationToken"]
    wire.request("GET", f"{wire.realm}/file/test-bucket/f?Authorization={download}")
    logged = json.dumps([r.to_json() for r in server.requests()]) + "\n".join(
        r.to_text() for r in server.requests()
    )
    for secret in (token, upload_token, download, server.key):
        assert secret not in logged


def test_requests_endpoint_lists_the_log_and_does_not_log_itself(wire, server, bucket):
    before = len(server.requests())
    reply = wire.request("GET", f"{wire.realm}/_b2kit/requests?limit=2", headers=_master(server))
    assert reply.status == 200
    listed = reply.json["requests"]
    assert [r["endpoint"] for r in listed] == [r.endpoint for r in server.requests()[-2:]]
    assert set(listed[-1]) == {
        "time",
        "timestamp",
        "method",
        "endpoint",
        "bucketName",
        "fileName",
        "status",
        "code",
        "bytesIn",
        "bytesOut",
        "milliseconds",
    }
    assert len(server.requests()) == before
    assert wire.request("GET", f"{wire.realm}/_b2kit/requests").status == 401


def test_listeners_see_each_request(wire, server):
    seen: list[RequestRecord] = []
    server.on_request(seen.append)
    wire.call("b2_list_buckets", {"accountId": server.account_id})
    assert [r.endpoint for r in seen] == ["b2_authorize_account", "b2_list_buckets"]


def _record(**changes):
    values = dict(
        time_ms=1_700_000_000_123,
        method="POST",
        endpoint="b2_upload_file",
        bucket_name="b",
        file_name="a\nb",
        status=503,
        code="service_unavailable",
        bytes_in=10,
        bytes_out=90,
        milliseconds=1.25,
    )
    return RequestRecord(**{**values, **changes})


def test_text_line_is_one_line_with_every_field():
    assert _record().to_text() == (
        "2023-11-14T22:13:20.123Z POST b2_upload_file b/a\\x0ab 503 service_unavailable in=10 out=90 1.2ms"
    )
    assert _record(bucket_name=None, file_name=None, code=None, status=200).to_text().split()[3:5] == [
        "-",
        "200",
    ]


@pytest.mark.parametrize(("limit", "expected"), [(None, [3, 4, 5]), (2, [4, 5]), (0, [])])
def test_log_keeps_the_most_recent_records(limit, expected):
    log = RequestLog(capacity=3)
    for index in range(6):
        log.record(_record(bytes_in=index))
    assert [r.bytes_in for r in log.entries(limit)] == expected


def test_a_log_of_size_zero_without_listeners_records_nothing(tmp_path, wire_for):
    log = RequestLog(capacity=0)
    assert not log.active
    log.add_listener(lambda record: None)
    assert log.active
    with LocalServer(data_dir=tmp_path / "d", request_log_size=0) as quiet:
        wire_for(quiet).authorize()
        assert quiet.requests() == []
        seen: list[RequestRecord] = []
        quiet.on_request(seen.append)
        wire_for(quiet).authorize()
        assert [r.endpoint for r in seen] == ["b2_authorize_account"] and quiet.requests() == []
