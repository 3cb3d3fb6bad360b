"""Fault injection as a server feature: rules (LocalServer and /_b2kit/faults) and X-Bz-Test-Mode."""

from __future__ import annotations

import hashlib
import http.client
import os
import time
import urllib.parse
from pathlib import Path

import pytest
import urllib3

from b2kit.server import FaultRule, LocalServer

STATUS_CODES = {
    503: "service_unavailable",
    429: "too_many_requests",
    500: "internal_error",
    408: "request_timeout",
    401: "expired_auth_token",
}


@pytest.fixture
def token(wire):
    return wire.authorize(wire.server.key_id, wire.server.key)["authorizationToken"]


@pytest.fixture
def bucket_id(wire, token):
    answer = wire.call(
        "b2_create_bucket",
        token,
        {"accountId": wire.server.account_id, "bucketName": "faulty-bucket", "bucketType": "allPrivate"},
    )
    return answer.json()["bucketId"]


def list_buckets(wire, token, headers=None):
    return wire.request(
        "POST",
        "/b2api/v4/b2_list_buckets",
        body=b'{"accountId": "%s"}' % wire.server.account_id.encode(),
        headers={"Authorization": token, **(headers or {})},
    )


def upload(wire, token, bucket_id, name, data, headers=None):
    target = wire.call("b2_get_upload_url", token, {"bucketId": bucket_id}).json()
    return wire.request(
        "POST",
        target["uploadUrl"],
        body=data,
        headers={
            "Authorization": target["authorizationToken"],
            "X-Bz-File-Name": name,
            "Content-Type": "b2/x-auto",
            "X-Bz-Content-Sha1": hashlib.sha1(data).hexdigest(),
            **(headers or {}),
        },
    )


def file_names(wire, token, bucket_id):
    answer = wire.call("b2_list_file_versions", token, {"bucketId": bucket_id})
    return [entry["fileName"] for entry in answer.json()["files"]]


@pytest.mark.parametrize(("status", "code"), sorted(STATUS_CODES.items()))
def test_rule_fails_the_next_n_calls_with_the_chosen_b2_error(server, wire, token, status, code):
    server.faults.add(FaultRule("b2_list_buckets", status=status, times=2))
    answers = [list_buckets(wire, token) for _ in range(3)]
    assert [a.status for a in answers] == [status, status, 200]
    assert answers[0].json() == {"status": status, "code": code, "message": answers[0].json()["message"]}
    assert server.faults.rules() == []


def test_429_rule_sends_retry_after(server, wire, token):
    server.faults.add(FaultRule("b2_list_buckets", status=429, retry_after=7))
    answer = list_buckets(wire, token)
    assert (answer.status, answer.headers["Retry-After"]) == (429, "7")


def test_rule_touches_only_its_endpoint(server, wire, token, bucket_id):
    server.faults.add(FaultRule("b2_list_file_names", status=503))
    assert list_buckets(wire, token).status == 200
    assert wire.call("b2_list_file_names", token, {"bucketId": bucket_id}).status == 503


def test_latency_rule_delays_then_serves(server, wire, token):
    server.faults.add(FaultRule("b2_list_buckets", fault="latency", delay_seconds=0.3))
    started = time.monotonic()
    assert list_buckets(wire, token).status == 200
    assert time.monotonic() - started >= 0.3


def test_truncate_rule_cuts_a_download_body_short(server, wire, token, bucket_id):
    data = bytes(range(256)) * 1000
    assert upload(wire, token, bucket_id, "cut.bin", data).status == 200
    server.faults.add(FaultRule("b2_download_file_by_name", fault="truncate", after_bytes=10_000))
    answer = wire.http.request(
        "GET",
        f"{server.realm}/file/faulty-bucket/cut.bin",
        headers={"Authorization": token},
        preload_content=False,
    )
    assert answer.headers["Content-Length"] == str(len(data))
    received = bytearray()
    with pytest.raises(urllib3.exceptions.ProtocolError):
        for chunk in answer.stream(4096):
            received += chunk
    assert len(received) <= 10_000
    assert data.startswith(received)
    whole = wire.request("GET", "/file/faulty-bucket/cut.bin", headers={"Authorization": token})
    assert whole.data == data


def test_truncate_rule_cuts_a_multi_part_download_after_exactly_after_bytes(server, token, bucket):
    data = os.urandom(2_500_000)
    bucket.upload_bytes(data, "parts.bin")
    assert len(list((Path(server.data_dir) / "blobs").glob("*/*"))) > 1  # a large file: several part blobs
    cut = 1_234_567  # inside the second part
    server.faults.add(FaultRule("b2_download_file_by_name", fault="truncate", after_bytes=cut))
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(server.realm).netloc, timeout=30)
    try:
        connection.request("GET", f"/file/{bucket.name}/parts.bin", headers={"Authorization": token})
        answer = connection.getresponse()
        with pytest.raises(http.client.IncompleteRead) as short:  # IncompleteRead keeps every byte received
            answer.read()
    finally:
        connection.close()
    assert answer.getheader("Content-Length") == str(len(data))
    assert short.value.partial == data[:cut]


def test_reset_rule_drops_the_connection_mid_upload_and_stores_nothing(server, wire, token, bucket_id):
    server.faults.add(FaultRule("b2_upload_file", fault="reset", after_bytes=50_000))
    with pytest.raises(urllib3.exceptions.HTTPError):
        upload(wire, token, bucket_id, "reset.bin", b"x" * 2_000_000)
    assert file_names(wire, token, bucket_id) == []
    assert upload(wire, token, bucket_id, "reset.bin", b"x" * 2_000_000).status == 200
    assert file_names(wire, token, bucket_id) == ["reset.bin"]


def test_admin_endpoint_arms_lists_and_disarms_rules(wire, token):
    armed = wire.admin("POST", "faults", {"endpoint": "b2_list_buckets", "status": 429, "retryAfter": 1})
    assert armed.status == 200
    assert armed.json()["ruleId"] >= 1
    listed = wire.admin("GET", "faults").json()["rules"]
    assert [(r["endpoint"], r["status"], r["remaining"]) for r in listed] == [("b2_list_buckets", 429, 1)]
    assert wire.admin("DELETE", "faults").json() == {"cleared": 1}
    assert list_buckets(wire, token).status == 200


def test_admin_endpoint_needs_the_master_key(wire, token):
    rule = b'{"endpoint": "b2_list_buckets"}'
    for headers in ({}, {"Authorization": token}, {"Authorization": "Basic eDp5"}):
        answer = wire.request("POST", "/_b2kit/faults", body=rule, headers=headers)
        assert answer.status == 401
        assert answer.json()["code"] == "unauthorized"
    assert wire.admin("GET", "faults").json()["rules"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"endpoint": "b2_no_such_call"},
        {"endpoint": "b2_list_buckets", "status": 302},
        {"endpoint": "b2_list_buckets", "times": 0},
        {"endpoint": "b2_list_buckets", "times": "2"},
        {"endpoint": "b2_list_buckets", "fault": "explode"},
        {"endpoint": "b2_list_buckets", "fault": "truncate"},
        {"endpoint": "b2_list_buckets", "fault": "reset"},
        {"endpoint": "b2_list_buckets", "delaySeconds": -1},
        {"endpoint": "b2_list_buckets", "color": "red"},
        {"fault": "error"},
    ],
)
def test_admin_endpoint_refuses_bad_rules(wire, body):
    answer = wire.admin("POST", "faults", body)
    assert answer.status == 400
    assert answer.json()["code"] == "bad_request"
    assert wire.admin("GET", "faults").json()["rules"] == []


def test_fault_rule_refuses_bad_values_in_python():
    with pytest.raises(ValueError, match="status"):
        FaultRule("b2_list_buckets", status=200)
    with pytest.raises(ValueError, match="truncate"):
        FaultRule("b2_upload_file", fault="truncate")


def test_admin_helpers_are_never_faulted(server, wire):
    server.faults.add(FaultRule("*", status=503, times=100))
    assert wire.admin("GET", "faults").status == 200
    assert wire.admin("DELETE", "faults").json() == {"cleared": 1}


def test_rules_belong_to_one_server(server, wire, token, make_wire, tmp_path):
    with LocalServer(data_dir=tmp_path / "other") as other:
        other_wire = make_wire(other)
        other_token = other_wire.authorize(other.key_id, other.key)["authorizationToken"]
        other.faults.add(FaultRule("b2_list_buckets", status=503, times=5))
        assert list_buckets(wire, token).status == 200
        assert list_buckets(other_wire, other_token).status == 503
        assert server.faults.rules() == []


def test_test_mode_fail_some_uploads_fails_one_upload_in_three(wire, token, bucket_id):
    mode = {"X-Bz-Test-Mode": "fail_some_uploads"}
    statuses = [upload(wire, token, bucket_id, f"f{i}", b"data", mode).status for i in range(6)]
    assert statuses == [503, 200, 200, 503, 200, 200]
    assert sorted(file_names(wire, token, bucket_id)) == ["f1", "f2", "f4", "f5"]


def test_test_mode_expire_some_account_authorization_tokens(wire, token):
    mode = {"X-Bz-Test-Mode": "expire_some_account_authorization_tokens"}
    answers = [list_buckets(wire, token, mode) for _ in range(3)]
    assert [a.status for a in answers] == [401, 200, 200]
    assert answers[0].json()["code"] == "expired_auth_token"


def test_test_mode_force_cap_exceeded_refuses_uploads(wire, token, bucket_id):
    answer = upload(wire, token, bucket_id, "capped", b"data", {"X-Bz-Test-Mode": "force_cap_exceeded"})
    assert (answer.status, answer.json()["code"]) == (403, "storage_cap_exceeded")
    assert list_buckets(wire, token, {"X-Bz-Test-Mode": "force_cap_exceeded"}).status == 200
    assert file_names(wire, token, bucket_id) == []
