"""AsyncB2Session and the async transport against real server faults (mirrors tests/client/test_session.py
and tests/client/test_retries_live.py): token renewal, upload-URL pools, retries, typed errors."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging

import pytest

from b2kit import (
    BadRequest,
    InMemoryAccountInfo,
    MaxRetriesExceeded,
    ServiceError,
    StorageCapExceeded,
    Unauthorized,
)
from b2kit._wire import GetUploadUrl, NewFileSettings, StartLargeFile, UploadFile, UploadPart
from b2kit.aio import AsyncB2Api
from b2kit.server import FaultRule, LocalServer

from .conftest import FAST_RETRIES, new_bucket


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def remaining(server: LocalServer) -> list[int]:
    return [rule["remaining"] for rule in server.faults.rules()]


def retry_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "; retry " in r.getMessage()]


@pytest.fixture
def debug_log(caplog):
    caplog.set_level(logging.DEBUG, logger="b2kit")
    return caplog


async def upload(api: AsyncB2Api, bucket_id: str, name: str, data: bytes) -> dict:
    upload = UploadFile(name, len(data), sha1(data), NewFileSettings("text/plain"))
    return (await api.session.send_file(bucket_id, upload, data)).raw


async def test_expired_token_is_renewed_and_the_call_retried(server: LocalServer, make_aio_api, bucket_name):
    async with make_aio_api() as api:
        await new_bucket(api, bucket_name)
        old_token = api.account_info.get_account_auth_token()
        assert server.expire_tokens() >= 1
        assert [b.name for b in await api.list_buckets()] == [bucket_name]
        assert api.account_info.get_account_auth_token() != old_token


async def test_tasks_hitting_an_expired_token_share_one_reauthorization(
    server: LocalServer, make_aio_api, bucket_name
):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        server.expire_tokens()
        before = api.session.authorizations

        async def count() -> int:
            return len([version async for version in bucket.list_file_names()])

        assert await asyncio.gather(*(count() for _ in range(50))) == [0] * 50
        assert api.session.authorizations == before + 1
        assert server.expire_tokens() == 1  # only the one renewed token exists


async def test_upload_url_is_reused_after_success(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        await upload(api, bucket.id_, "one.txt", b"one")
        pooled = api.account_info.take_bucket_upload_url(bucket.id_)
        assert pooled is not None
        api.account_info.put_bucket_upload_url(bucket.id_, *pooled)
        await upload(api, bucket.id_, "two.txt", b"two")
        assert api.account_info.take_bucket_upload_url(bucket.id_) == pooled


async def test_concurrent_uploads_never_share_an_upload_url(make_aio_api, bucket_name):
    async with make_aio_api(max_upload_workers=8) as api:
        bucket = await new_bucket(api, bucket_name)
        names = await asyncio.gather(
            *(upload(api, bucket.id_, f"parallel/{n:03d}.txt", f"file {n}".encode()) for n in range(80))
        )
        assert sorted(n["fileName"] for n in names) == [f"parallel/{n:03d}.txt" for n in range(80)]
        pooled = []
        while (taken := api.account_info.take_bucket_upload_url(bucket.id_)) is not None:
            pooled.append(taken)
        assert 1 <= len(pooled) <= 80
        assert len({token for _, token in pooled}) == len(pooled)


async def test_upload_retries_with_a_new_url_after_bad_upload_token(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        fresh = await api.session.call(GetUploadUrl(bucket.id_))
        api.account_info.put_bucket_upload_url(bucket.id_, fresh.upload_url, "not-a-valid-upload-token")
        response = await upload(api, bucket.id_, "after-bad-token.txt", b"data")
        assert response["fileName"] == "after-bad-token.txt"


async def test_upload_gives_up_after_five_urls(server: LocalServer, make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        api.session.upload_retry_policy = dataclasses.replace(FAST_RETRIES, max_attempts=5)
        server.faults.add(FaultRule("b2_upload_file", status=503, times=10))
        with pytest.raises(MaxRetriesExceeded) as caught:
            await upload(api, bucket.id_, "never.txt", b"never")
        assert len(caught.value.exceptions) == 5
        assert remaining(server) == [5]


async def test_part_upload_retries_with_a_new_part_url(
    server: LocalServer, make_aio_api, bucket_name, debug_log
):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        api.session.upload_retry_policy = FAST_RETRIES
        started = await api.session.call(StartLargeFile(bucket.id_, "big.bin"))
        data = b"p" * 100_000
        server.faults.add(FaultRule("b2_upload_part", status=503, times=2))
        sent = await api.session.send_part(started.file_id, UploadPart(1, len(data), sha1(data)), data)
        response = sent.raw
        assert response["contentSha1"] == sha1(data)
        assert len([r for r in debug_log.records if "new upload URL" in r.getMessage()]) == 2


async def test_unauthorized_errors_name_the_key_restrictions(server: LocalServer, make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        key = await api.create_key(
            ["listBuckets", "listFiles"], "lister", bucket_id=bucket.id_, name_prefix="pub/"
        )
        async with AsyncB2Api(InMemoryAccountInfo()) as restricted:
            await restricted.authorize_account(server.realm, key.id_, key.application_key)
            with pytest.raises(Unauthorized) as caught:
                await restricted.session.call(GetUploadUrl(bucket.id_))
    message = str(caught.value)
    assert "listBuckets,listFiles" in message
    assert bucket_name in message
    assert "'pub/'" in message
    assert caught.value.code == "unauthorized"


@pytest.mark.parametrize("status", [500, 503, 408, 429])
async def test_transient_json_errors_are_retried(
    server: LocalServer, make_aio_api, bucket_name, status, debug_log
):
    async with make_aio_api() as api:
        await new_bucket(api, bucket_name)
        server.faults.add(FaultRule("b2_list_buckets", status=status, times=2))
        assert [b.name for b in await api.list_buckets()] == [bucket_name]
        assert server.faults.rules() == []
        assert len(retry_lines(debug_log)) == 2


async def test_retries_stop_after_max_attempts_with_the_last_error(server: LocalServer, make_aio_api):
    async with make_aio_api() as api:
        server.faults.add(FaultRule("b2_list_buckets", status=500, times=10))
        with pytest.raises(ServiceError) as caught:
            await api.list_buckets()
        assert caught.value.status == 500
        assert remaining(server) == [10 - 3]  # FAST_RETRIES allows 3 attempts


async def test_retry_after_is_honoured(server: LocalServer, make_aio_api, bucket_name, debug_log):
    async with make_aio_api() as api:
        await new_bucket(api, bucket_name)
        server.faults.add(FaultRule("b2_list_buckets", status=503, retry_after=1, times=1))
        assert [b.name for b in await api.list_buckets()] == [bucket_name]
        assert any("in 1.00 s" in line for line in retry_lines(debug_log))


@pytest.mark.parametrize(("status", "error"), [(400, BadRequest), (403, StorageCapExceeded)])
async def test_other_client_errors_are_not_retried(
    server: LocalServer, make_aio_api, status, error, debug_log
):
    async with make_aio_api() as api:
        server.faults.add(FaultRule("b2_list_buckets", status=status, times=3))
        with pytest.raises(error):
            await api.list_buckets()
        assert remaining(server) == [2]
        assert retry_lines(debug_log) == []


async def test_401_from_authorize_is_not_retried(server: LocalServer):
    server.faults.add(FaultRule("b2_authorize_account", status=401, code="unauthorized", times=5))
    async with AsyncB2Api(InMemoryAccountInfo()) as api:
        with pytest.raises(Unauthorized):
            await api.authorize_account(server.realm, server.key_id, server.key)
    assert remaining(server) == [4]


async def test_expired_token_fault_reauthorizes_once(
    server: LocalServer, make_aio_api, bucket_name, debug_log
):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        server.faults.add(FaultRule("b2_list_file_names", status=401, times=1))  # expired_auth_token
        assert [v async for v in bucket.list_file_names()] == []
        assert any("re-authorizing" in r.getMessage() for r in debug_log.records)


async def test_connection_reset_mid_upload_is_retried(server: LocalServer, make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        api.session.upload_retry_policy = FAST_RETRIES
        data = bytes(range(256)) * 400
        server.faults.add(FaultRule("b2_upload_file", fault="reset", after_bytes=1000, times=1))
        response = await upload(api, bucket.id_, "reset.bin", data)
        assert response["contentSha1"] == sha1(data)
        downloaded = await bucket.download_file_by_name("reset.bin")
        async with downloaded:
            assert await downloaded.read() == data


async def test_cap_exceeded_upload_is_not_retried(server: LocalServer, make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        server.faults.add(FaultRule("b2_upload_file", status=403, times=3))
        with pytest.raises(StorageCapExceeded):
            await upload(api, bucket.id_, "cap.txt", b"capped")
        assert remaining(server) == [2]
