"""B2Session against the real local server: re-authorization, upload-URL pools, upload retries."""

from __future__ import annotations

import hashlib
import io
import socket

import pytest

from b2kit import (
    B2Api,
    B2Session,
    Bucket,
    InMemoryAccountInfo,
    MaxRetriesExceeded,
    Unauthorized,
)
from b2kit._wire import GetUploadUrl, NewFileSettings, StartLargeFile, UploadFile, UploadPart
from b2kit.server import LocalServer

TEXT = NewFileSettings("text/plain")


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def upload(session: B2Session, bucket_id: str, name: str, data: bytes, stream=None) -> dict:
    body = stream if stream is not None else io.BytesIO(data)
    return session.send_file(bucket_id, UploadFile(name, len(data), sha1(data), TEXT), body).raw


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: connecting fails at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/b2api/v4/b2_upload_file/nothing"


class OneWayStream(io.RawIOBase):
    """A readable stream that cannot seek (like a pipe)."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._inner.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_expired_token_is_renewed_and_the_call_retried(server: LocalServer, api: B2Api, bucket: Bucket):
    old_token = api.account_info.get_account_auth_token()
    assert server.expire_tokens() >= 1
    assert [b.name for b in api.list_buckets()] == [bucket.name]
    assert api.account_info.get_account_auth_token() != old_token


def test_token_expiry_mid_work_recovers_by_itself(server: LocalServer, api: B2Api, bucket: Bucket):
    for round_ in range(3):
        bucket.upload_bytes(b"x" * 10, f"file-{round_}.txt")
        server.expire_tokens()
        assert len(list(bucket.list_file_names())) == round_ + 1
        server.expire_tokens()
        assert bucket.download_file_by_name(f"file-{round_}.txt").read() == b"x" * 10
        server.expire_tokens()
        assert bucket.get_file_info_by_name(f"file-{round_}.txt").size == 10
    big = bytes(range(256)) * 5000  # 1.28 MB: a large file of two parts
    server.expire_tokens()
    assert bucket.upload_bytes(big, "big.bin").size == len(big)
    server.expire_tokens()
    assert bucket.download_file_by_name("big.bin").read() == big


def test_upload_url_is_reused_after_success(api: B2Api, bucket: Bucket):
    session = api.session
    upload(session, bucket.id_, "one.txt", b"1")
    pooled = api.account_info.take_bucket_upload_url(bucket.id_)
    assert pooled is not None
    api.account_info.put_bucket_upload_url(bucket.id_, *pooled)
    upload(session, bucket.id_, "two.txt", b"2")
    assert api.account_info.take_bucket_upload_url(bucket.id_) == pooled


def test_upload_retries_with_a_new_url_after_connection_failure(api: B2Api, bucket: Bucket):
    api.account_info.put_bucket_upload_url(bucket.id_, closed_port_url(), "token-of-nowhere")
    response = upload(api.session, bucket.id_, "retried.txt", b"payload")
    assert response["fileName"] == "retried.txt"
    url, _ = api.account_info.take_bucket_upload_url(bucket.id_)
    assert url != closed_port_url()


def test_upload_retries_with_a_new_url_after_bad_upload_token(api: B2Api, bucket: Bucket):
    good = api.session.call(GetUploadUrl(bucket.id_))
    api.account_info.put_bucket_upload_url(bucket.id_, good.upload_url, "not-a-real-token")
    assert upload(api.session, bucket.id_, "after-bad-token.txt", b"ok")["contentLength"] == 2


def test_upload_gives_up_after_five_urls(api: B2Api, bucket: Bucket):
    session = B2Session(api.account_info, raw_api=api.raw_api, max_upload_attempts=5)
    bad = closed_port_url()
    for _ in range(5):
        api.account_info.put_bucket_upload_url(bucket.id_, bad, "t")
    with pytest.raises(MaxRetriesExceeded, match="5 attempts") as caught:
        upload(session, bucket.id_, "never.txt", b"data")
    assert len(caught.value.exceptions) == 5


def test_non_seekable_stream_gets_a_single_attempt(api: B2Api, bucket: Bucket):
    from b2kit import B2ConnectionError

    api.account_info.put_bucket_upload_url(bucket.id_, closed_port_url(), "t")
    with pytest.raises(B2ConnectionError):
        upload(api.session, bucket.id_, "pipe.txt", b"data", stream=OneWayStream(b"data"))


def test_part_upload_retries_with_a_new_part_url(api: B2Api, bucket: Bucket):
    started = api.session.call(StartLargeFile(bucket.id_, "large.bin"))
    file_id = started.file_id
    api.account_info.put_large_file_upload_url(file_id, closed_port_url(), "t")
    data = b"q" * 100_000
    part = api.session.send_part(file_id, UploadPart(1, len(data), sha1(data)), io.BytesIO(data)).raw
    assert part["partNumber"] == 1
    finished = api.session.finish_large_file(file_id, [sha1(data)]).raw
    assert finished["contentLength"] == len(data)
    assert api.account_info.take_large_file_upload_url(file_id) is None


def test_upload_rewinds_a_seekable_stream_from_its_position(api: B2Api, bucket: Bucket):
    stream = io.BytesIO(b"HEADERpayload")
    stream.seek(6)
    api.account_info.put_bucket_upload_url(bucket.id_, closed_port_url(), "t")
    response = api.session.send_file(
        bucket.id_, UploadFile("tail.txt", 7, sha1(b"payload"), TEXT), stream
    ).raw
    assert response["contentSha1"] == sha1(b"payload")


def test_unauthorized_errors_name_the_key_restrictions(api: B2Api, bucket: Bucket, server: LocalServer):
    key = api.create_key(["listBuckets", "listFiles"], "lister", bucket_id=bucket.id_, name_prefix="pub/")
    session = B2Session(InMemoryAccountInfo(), raw_api=api.raw_api)
    session.authorize_account(server.realm, key.id_, key.application_key)
    with pytest.raises(Unauthorized) as caught:
        session.call(GetUploadUrl(bucket.id_))
    message = str(caught.value)
    assert "listBuckets,listFiles" in message
    assert bucket.name in message
    assert "'pub/'" in message
    assert caught.value.code == "unauthorized"


def test_threads_hitting_an_expired_token_share_one_reauthorization(server: LocalServer, api: B2Api, bucket):
    from concurrent.futures import ThreadPoolExecutor

    server.expire_tokens()
    before = api.account_info.get_account_auth_token()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: len(list(bucket.list_file_names())), range(16)))
    assert results == [0] * 16
    after = api.account_info.get_account_auth_token()
    assert after != before
    # every thread that failed with the old token reused the one renewed token: only one new token exists
    assert server.expire_tokens() == 1


def test_parallel_uploads_never_share_an_upload_url(api: B2Api, bucket: Bucket):
    from concurrent.futures import ThreadPoolExecutor

    def send(n: int) -> str:
        data = f"file {n}".encode()
        return upload(api.session, bucket.id_, f"parallel/{n:03d}.txt", data)["fileName"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        names = sorted(pool.map(send, range(80)))
    assert names == [f"parallel/{n:03d}.txt" for n in range(80)]
    pooled = []
    while (taken := api.account_info.take_bucket_upload_url(bucket.id_)) is not None:
        pooled.append(taken)
    assert 1 <= len(pooled) <= 8
    assert len({token for _, token in pooled}) == len(pooled)
