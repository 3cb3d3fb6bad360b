"""Retry behaviour against real server faults (``server.faults``): what is retried, how often, what not.

The server counts how many calls each armed rule still affects, so the number of attempts the client made is
read from the server, not guessed from timing.
"""

from __future__ import annotations

import hashlib
import io
import logging

import pytest

from b2kit import (
    B2Api,
    BadRequest,
    Bucket,
    InMemoryAccountInfo,
    ServiceError,
    StorageCapExceeded,
    Unauthorized,
)
from b2kit._wire import NewFileSettings, UploadFile
from b2kit.server import FaultRule, LocalServer


def remaining(server: LocalServer) -> list[int]:
    return [rule["remaining"] for rule in server.faults.rules()]


def retry_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "; retry " in r.getMessage()]


@pytest.fixture
def debug_log(caplog):
    caplog.set_level(logging.DEBUG, logger="b2kit")
    return caplog


@pytest.mark.parametrize(("status", "code"), [(500, None), (503, None), (408, None), (429, None)])
def test_transient_json_errors_are_retried(
    server: LocalServer, api: B2Api, bucket: Bucket, status, code, debug_log
):
    server.faults.add(FaultRule("b2_list_buckets", status=status, code=code, times=2))
    assert [b.name for b in api.list_buckets()] == [bucket.name]
    assert server.faults.rules() == []
    assert len(retry_lines(debug_log)) == 2


def test_retries_stop_after_max_attempts_with_the_last_error(server: LocalServer, api: B2Api):
    server.faults.add(FaultRule("b2_list_buckets", status=500, times=10))
    with pytest.raises(ServiceError) as caught:
        api.list_buckets()
    assert caught.value.status == 500
    assert remaining(server) == [10 - 3]  # the test api allows 3 attempts


def test_retry_after_is_honoured(server: LocalServer, api: B2Api, bucket: Bucket, debug_log):
    server.faults.add(FaultRule("b2_list_buckets", status=503, retry_after=1, times=1))
    assert [b.name for b in api.list_buckets()] == [bucket.name]
    assert any("in 1.00 s" in line for line in retry_lines(debug_log))


@pytest.mark.parametrize(("status", "error"), [(400, BadRequest), (403, StorageCapExceeded)])
def test_other_client_errors_are_not_retried(server: LocalServer, api: B2Api, status, error, debug_log):
    server.faults.add(FaultRule("b2_list_buckets", status=status, times=3))
    with pytest.raises(error):
        api.list_buckets()
    assert remaining(server) == [2]
    assert retry_lines(debug_log) == []


def test_401_from_authorize_is_not_retried(server: LocalServer):
    server.faults.add(FaultRule("b2_authorize_account", status=401, code="unauthorized", times=5))
    with B2Api(InMemoryAccountInfo()) as api, pytest.raises(Unauthorized):
        api.authorize_account(server.realm, server.key_id, server.key)
    assert remaining(server) == [4]


def test_expired_token_fault_reauthorizes_once(server: LocalServer, api: B2Api, bucket: Bucket, debug_log):
    server.faults.add(FaultRule("b2_list_file_names", status=401, times=1))  # expired_auth_token
    assert list(bucket.list_file_names()) == []
    assert any("re-authorizing" in r.getMessage() for r in debug_log.records)


def test_upload_503_gets_a_new_upload_url(server: LocalServer, api: B2Api, bucket: Bucket, debug_log):
    data = b"upload under fault"
    server.faults.add(FaultRule("b2_upload_file", status=503, times=2))
    upload = UploadFile("f.txt", len(data), hashlib.sha1(data).hexdigest(), NewFileSettings("text/plain"))
    response = api.session.send_file(bucket.id_, upload, io.BytesIO(data)).raw
    assert response["contentLength"] == len(data)
    assert server.faults.rules() == []
    assert len([r for r in debug_log.records if "new upload URL" in r.getMessage()]) == 2


def test_connection_reset_mid_upload_is_retried(server: LocalServer, api: B2Api, bucket: Bucket):
    data = bytes(range(256)) * 400
    server.faults.add(FaultRule("b2_upload_file", fault="reset", after_bytes=1000, times=1))
    upload = UploadFile("reset.bin", len(data), hashlib.sha1(data).hexdigest())
    response = api.session.send_file(bucket.id_, upload, io.BytesIO(data)).raw
    assert response["contentSha1"] == hashlib.sha1(data).hexdigest()
    assert bucket.download_file_by_name("reset.bin").read() == data


def test_cap_exceeded_upload_is_not_retried(server: LocalServer, api: B2Api, bucket: Bucket):
    data = b"capped"
    server.faults.add(FaultRule("b2_upload_file", status=403, times=3))
    with pytest.raises(StorageCapExceeded):
        upload = UploadFile(
            "cap.txt", len(data), hashlib.sha1(data).hexdigest(), NewFileSettings("text/plain")
        )
        api.session.send_file(bucket.id_, upload, io.BytesIO(data))
    assert remaining(server) == [2]
