"""AsyncB2Api against the real local server (mirrors tests/client/test_api.py)."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from b2kit import (
    BucketIdNotFound,
    DownloadDestBytes,
    DownloadDestLocalFile,
    DownloadTuning,
    FileNotPresent,
    InMemoryAccountInfo,
    NonExistentBucket,
    Part,
    ProgressListenerForTest,
)
from b2kit._wire import StartLargeFile, UploadPart
from b2kit.aio import AsyncB2Api, AsyncBucket, AsyncDownloadedFile
from b2kit.server import LocalServer

from .conftest import FAST_RETRIES, new_bucket


async def test_authorize_account_stores_urls_and_part_sizes(server: LocalServer):
    info = InMemoryAccountInfo()
    async with AsyncB2Api(info, retry_policy=FAST_RETRIES) as api:
        await api.authorize_account(server.realm, server.key_id, server.key)
        assert api.get_account_id() == server.account_id
    assert info.get_api_url().startswith("http://127.0.0.1:")
    assert info.get_recommended_part_size() == 1_000_000
    assert info.get_absolute_minimum_part_size() == 100_000
    assert info.get_realm() == server.realm


async def test_authorize_automatically_reuses_the_stored_key(server: LocalServer):
    info = InMemoryAccountInfo()
    async with AsyncB2Api(info) as api:
        assert await api.authorize_automatically() is False
        await api.authorize_account(server.realm, server.key_id, server.key)
        first_token = info.get_account_auth_token()
        assert await api.authorize_automatically() is True
        assert info.get_account_auth_token() != first_token


async def test_create_bucket_returns_a_bucket_with_its_settings(make_aio_api):
    async with make_aio_api() as api:
        bucket = await api.create_bucket(
            "created-bucket",
            "allPublic",
            bucket_info={"color": "blue"},
            cors_rules=[],
            lifecycle_rules=[{"fileNamePrefix": "logs/", "daysFromHidingToDeleting": 3}],
        )
    assert isinstance(bucket, AsyncBucket)
    assert (bucket.name, bucket.type_, bucket.bucket_info) == (
        "created-bucket",
        "allPublic",
        {"color": "blue"},
    )
    assert bucket.lifecycle_rules[0]["fileNamePrefix"] == "logs/"


async def test_list_buckets_all_and_by_name(make_aio_api):
    async with make_aio_api() as api:
        await api.create_bucket("bucket-one", "allPrivate")
        await api.create_bucket("bucket-two", "allPrivate")
        assert [b.name for b in await api.list_buckets()] == ["bucket-one", "bucket-two"]
        assert [b.name for b in await api.list_buckets("bucket-two")] == ["bucket-two"]
        assert await api.list_buckets("no-such-bucket") == []


async def test_get_bucket_by_name_and_id(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        assert (await api.get_bucket_by_name(bucket_name)).id_ == bucket.id_
        assert (await api.get_bucket_by_id(bucket.id_)).name == bucket_name
        assert (await api.bucket_from_cache_or_name(bucket_name)).id_ == bucket.id_


async def test_missing_buckets_raise_non_existent_bucket(make_aio_api):
    async with make_aio_api() as api:
        with pytest.raises(NonExistentBucket, match="nothing-here"):
            await api.get_bucket_by_name("nothing-here")
        with pytest.raises(BucketIdNotFound):
            await api.get_bucket_by_id("0123456789abcdef01234567")


async def test_delete_bucket_returns_the_server_answer(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        answer = await api.delete_bucket(bucket)
        assert answer["bucketId"] == bucket.id_
        with pytest.raises(NonExistentBucket):
            await api.get_bucket_by_name(bucket_name)


async def test_create_list_and_delete_keys(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        key = await api.create_key(
            ["listFiles", "readFiles"], "reader-key", bucket_id=bucket.id_, name_prefix="pub/"
        )
        assert key.application_key and key.key_name == "reader-key"
        assert (key.bucket_ids, key.name_prefix) == ((bucket.id_,), "pub/")
        listed = {k.id_: k async for k in api.list_keys()}
        assert set(listed[key.id_].capabilities) == {"listFiles", "readFiles"}
        later = [k.id_ async for k in api.list_keys(start_application_key_id=key.id_)]
        assert later[0] == key.id_
        assert (await api.delete_key(key.id_)).id_ == key.id_
        assert key.id_ not in {k.id_ async for k in api.list_keys()}


async def test_get_file_info_and_delete_file_version(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        version = await bucket.upload_bytes(b"hello", "greeting.txt", file_info={"lang": "en"})
        info = await api.get_file_info(version.id_)
        assert (info["fileName"], info["contentLength"], info["fileInfo"]) == (
            "greeting.txt",
            5,
            {"lang": "en"},
        )
        result = await api.delete_file_version(version.id_, "greeting.txt")
        assert (result.file_id, result.file_name) == (version.id_, "greeting.txt")
        with pytest.raises(FileNotPresent):
            await api.get_file_info(version.id_)


async def test_download_file_by_id_into_a_destination(make_aio_api, bucket_name, tmp_path):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        version = await bucket.upload_bytes(b"0123456789", "digits.txt")
        dest = DownloadDestBytes()
        meta = await api.download_file_by_id(version.id_, dest)
        assert dest.get_bytes_written() == b"0123456789"
        assert meta["fileName"] == "digits.txt"
        target = tmp_path / "digits.txt"
        await api.download_file_by_id(version.id_, DownloadDestLocalFile(target))
        assert target.read_bytes() == b"0123456789"


async def test_download_file_by_id_with_range_and_progress(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        version = await bucket.upload_bytes(b"0123456789", "digits.txt")
        dest = DownloadDestBytes()
        listener = ProgressListenerForTest()
        await api.download_file_by_id(version.id_, dest, progress_listener=listener, range_=(2, 5))
    assert dest.get_bytes_written() == b"2345"
    assert (listener.total_bytes, listener.last_completed, listener.closed) == (4, 4, True)


async def test_download_file_by_id_without_destination_streams(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        version = await bucket.upload_bytes(b"streamed", "s.txt")
        downloaded = await api.download_file_by_id(version.id_, None)
        assert isinstance(downloaded, AsyncDownloadedFile)
        async with downloaded:
            assert b"".join([chunk async for chunk in downloaded.iter_content(3)]) == b"streamed"


async def test_download_urls(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        version = await bucket.upload_bytes(b"x", "dir/a file.txt")
        download_url = api.account_info.get_download_url()
        assert api.get_download_url_for_fileid(version.id_) == (
            f"{download_url}/b2api/v4/b2_download_file_by_id?fileId={version.id_}"
        )
        assert api.get_download_url_for_file_name(bucket_name, "dir/a file.txt") == (
            f"{download_url}/file/{bucket_name}/dir/a%20file.txt"
        )
        assert (
            bucket.get_download_url("dir/a file.txt") == f"{download_url}/file/{bucket_name}/dir/a%20file.txt"
        )


async def test_large_file_parts_listing_and_cancel(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        started = await api.session.call(StartLargeFile(bucket.id_, "big.bin"))
        file_id = started.file_id
        for number in range(1, 4):
            data = bytes([number]) * 100_000
            await api.session.send_part(
                file_id, UploadPart(number, len(data), hashlib.sha1(data).hexdigest()), data
            )
        listed = [p async for p in api.list_parts(file_id, batch_size=2)]
        assert [p.part_number for p in listed] == [1, 2, 3]
        assert all(isinstance(p, Part) and p.content_length == 100_000 for p in listed)
        assert [p.part_number async for p in api.list_parts(file_id, start_part_number=2)] == [2, 3]
        pooled = api.account_info.take_large_file_upload_url(file_id)
        assert pooled is not None  # the part uploads left their URL in the pool
        api.account_info.put_large_file_upload_url(file_id, *pooled)
        assert (await api.cancel_large_file(file_id)).file_name == "big.bin"
        assert (
            api.account_info.take_large_file_upload_url(file_id) is None
        )  # forgotten, as the sync session does
        assert [f async for f in bucket.list_unfinished_large_files()] == []


async def test_thread_pool_size_and_pool(make_aio_api):
    async with make_aio_api() as api:
        api.set_thread_pool_size(3)
        pool = api.get_thread_pool()
        assert pool is api.get_thread_pool()
        assert (api.max_upload_workers, api.http.max_connections) == (3, 3)
        with pytest.raises(RuntimeError):
            api.set_thread_pool_size(5)


async def test_reserved_connections_serve_that_many_requests_at_once(make_aio_api, bucket_name):
    async with make_aio_api(max_upload_workers=2) as api:
        await new_bucket(api, bucket_name)
        first_pool = api.http._client()
        api.reserve_connections(1)
        assert api.http.max_connections == 2 and api.http._client() is first_pool
        api.reserve_connections(16)
        assert api.http.max_connections == 16
        assert api.http._client() is not first_pool
        assert api.http._client().connector.limit == 16
        answers = await asyncio.gather(*(api.list_buckets() for _ in range(16)))
        assert all([b.name for b in answer] == [bucket_name] for answer in answers)
    assert first_pool.closed


async def test_closing_the_api_stops_the_pool_and_connections(make_aio_api):
    async with make_aio_api() as api:
        pool = api.get_thread_pool()
        await api.list_buckets()
    with pytest.raises(RuntimeError):
        pool.submit(print)
    assert api.http._session is None


async def test_download_tuning_reaches_parallel_saves(make_aio_api, tmp_path):
    tuning = DownloadTuning(stripe_size=200_000, streams_per_file=3)
    async with make_aio_api(download_tuning=tuning) as api:
        data = bytes(range(256)) * 6000  # 1.5 MB: several stripes
        bucket = await api.create_bucket("tuned-bucket", "allPrivate")
        version = await bucket.upload_bytes(data, "tuned.bin")
        target = tmp_path / "tuned.bin"
        downloaded = await api.download_file_by_id(version.id_)
        assert isinstance(downloaded, AsyncDownloadedFile)
        await downloaded.save_to(target)
    assert target.read_bytes() == data
