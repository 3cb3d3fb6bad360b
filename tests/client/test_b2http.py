"""B2Http: clock-skew check, error decoding, streaming bodies, transport failures, pool settings."""

from __future__ import annotations

import email.utils
import socket
import time

import pytest

from b2kit import B2ConnectionError, BadDateFormat, ClockSkew, ResourceNotFound, RetryPolicy
from b2kit._transport._http import BLOCK_SIZE, B2Http
from b2kit._wire import check_clock_skew as _check_clock_skew
from b2kit.server import LocalServer

QUICK = RetryPolicy(max_attempts=2, initial_delay=0.0, time_budget=5.0)


def http_date(offset_seconds: float) -> str:
    return email.utils.formatdate(time.time() + offset_seconds, usegmt=True)


@pytest.mark.parametrize("offset", [0, 599, -599])
def test_clock_within_tolerance_is_accepted(offset):
    _check_clock_skew({"Date": http_date(offset)})


@pytest.mark.parametrize("offset", [700, -700])
def test_clock_skew_beyond_600_seconds_is_refused(offset):
    with pytest.raises(ClockSkew, match="600") as caught:
        _check_clock_skew({"Date": http_date(offset)})
    assert abs(caught.value.clock_skew_seconds) > 600


def test_unparsable_date_is_reported():
    with pytest.raises(BadDateFormat, match="yesterday"):
        _check_clock_skew({"Date": "yesterday"})


def test_missing_date_is_tolerated():
    _check_clock_skew({})


def test_json_error_becomes_typed_exception(server: LocalServer):
    http = B2Http(retry_policy=QUICK)
    with pytest.raises(ResourceNotFound) as caught:
        http.post_json_return_json(f"{server.realm}/b2api/v4/b2_no_such_endpoint", {}, {})
    assert caught.value.status == 404
    assert caught.value.message


def test_head_error_without_body(server: LocalServer):
    http = B2Http(retry_policy=QUICK)
    with pytest.raises(ResourceNotFound) as caught:
        http.head_content(f"{server.realm}/file/no-bucket/no-file", {})
    assert (caught.value.status, caught.value.code) == (404, None)  # HEAD errors carry no body


def test_connection_refused_is_a_retryable_connection_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    http = B2Http(retry_policy=QUICK)
    with pytest.raises(B2ConnectionError) as caught:
        http.post_json_return_json(f"http://127.0.0.1:{port}/b2api/v4/b2_list_buckets", {}, {})
    assert caught.value.should_retry_http()


def test_streaming_download_reads_in_chunks(api, bucket):
    data = bytes(range(256)) * 100
    version = bucket.upload_bytes(data, "stream.bin")
    url = api.get_download_url_for_fileid(version.id_)
    http = api.raw_api.b2_http
    token = api.account_info.get_account_auth_token()
    with http.get_content(url, {"Authorization": token}) as response:
        assert response.status == 200
        assert response.headers["x-bz-file-id"] == version.id_
        chunks = list(response.iter_content(1000))
    assert b"".join(chunks) == data
    assert max(len(c) for c in chunks) <= 1000
    # an unread body can be closed and the pool keeps working
    response = http.get_content(url, {"Authorization": token})
    response.close()
    with http.get_content(url, {"Authorization": token, "Range": "bytes=0-9"}) as ranged:
        assert ranged.status == 206 and ranged.read() == data[:10]


def test_pool_sends_in_one_mebibyte_blocks_and_is_sized_to_workers():
    http = B2Http(max_connections=7)
    assert http._pool.connection_pool_kw["blocksize"] == BLOCK_SIZE == 1024 * 1024
    assert http._pool.connection_pool_kw["maxsize"] == 7
    http.resize(3)
    assert http._pool.connection_pool_kw["maxsize"] == 3


def test_download_errors_keep_their_code_and_message(api, bucket):
    from b2kit import FileNotPresent

    version = bucket.upload_bytes(b"x", "present.txt")
    with pytest.raises(FileNotPresent) as caught:
        bucket.download_file_by_name("absent.txt")
    assert (caught.value.status, caught.value.code) == (404, "not_found")
    with pytest.raises(FileNotPresent):
        api.download_file_by_id(version.id_[:-3] + "999")
