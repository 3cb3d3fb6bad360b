"""B2Api against the real local server: every method of the seed interface."""

from __future__ import annotations

import inspect

import pytest

from b2kit import (
    B2Api,
    B2RawApi,
    Bucket,
    BucketIdNotFound,
    DownloadDestBytes,
    DownloadDestLocalFile,
    FileNotPresent,
    InMemoryAccountInfo,
    NonExistentBucket,
    Part,
    url_for_api,
)
from b2kit._transport._http import B2Http
from b2kit._wire import StartLargeFile, UploadPart
from b2kit.server import LocalServer


def test_constructor_matches_the_seed_signature():
    parameters = inspect.signature(B2Api.__init__).parameters
    assert list(parameters)[:5] == ["self", "account_info", "cache", "raw_api", "max_upload_workers"]
    assert parameters["max_upload_workers"].default == 10


def test_authorize_account_stores_urls_and_part_sizes(server: LocalServer, fast_retries):
    info = InMemoryAccountInfo()
    with B2Api(info, retry_policy=fast_retries) as api:
        api.authorize_account(server.realm, server.key_id, server.key)
        assert api.get_account_id() == server.account_id
    assert info.get_api_url().startswith("http://127.0.0.1:")
    assert info.get_recommended_part_size() == 1_000_000
    assert info.get_absolute_minimum_part_size() == 100_000
    assert info.get_realm() == server.realm


def test_authorize_automatically_reuses_the_stored_key(server: LocalServer):
    info = InMemoryAccountInfo()
    with B2Api(info) as api:
        assert api.authorize_automatically() is False
        api.authorize_account(server.realm, server.key_id, server.key)
        first_token = info.get_account_auth_token()
        assert api.authorize_automatically() is True
        assert info.get_account_auth_token() != first_token


def test_raw_api_argument_accepts_a_raw_api(server: LocalServer):
    raw = B2RawApi(B2Http(max_connections=2))
    with B2Api(InMemoryAccountInfo(), raw_api=raw) as api:
        api.authorize_account(server.realm, server.key_id, server.key)
        assert api.raw_api is raw
        assert api.list_buckets() == []


def test_create_bucket_returns_a_bucket_with_its_settings(api: B2Api):
    bucket = api.create_bucket(
        "created-bucket",
        "allPublic",
        bucket_info={"color": "blue"},
        cors_rules=[],
        lifecycle_rules=[{"fileNamePrefix": "logs/", "daysFromHidingToDeleting": 3}],
    )
    assert isinstance(bucket, Bucket)
    assert (bucket.name, bucket.type_, bucket.bucket_info) == (
        "created-bucket",
        "allPublic",
        {"color": "blue"},
    )
    assert bucket.lifecycle_rules[0]["fileNamePrefix"] == "logs/"


def test_list_buckets_all_and_by_name(api: B2Api):
    api.create_bucket("bucket-one", "allPrivate")
    api.create_bucket("bucket-two", "allPrivate")
    assert [b.name for b in api.list_buckets()] == ["bucket-one", "bucket-two"]
    assert [b.name for b in api.list_buckets("bucket-two")] == ["bucket-two"]
    assert api.list_buckets("no-such-bucket") == []


def test_get_bucket_by_name_and_id(api: B2Api, bucket: Bucket):
    assert api.get_bucket_by_name(bucket.name).id_ == bucket.id_
    assert api.get_bucket_by_id(bucket.id_).name == bucket.name


def test_missing_buckets_raise_non_existent_bucket(api: B2Api):
    with pytest.raises(NonExistentBucket, match="nothing-here"):
        api.get_bucket_by_name("nothing-here")
    with pytest.raises(BucketIdNotFound):
        api.get_bucket_by_id("0123456789abcdef01234567")


def test_delete_bucket_returns_the_server_answer(api: B2Api, bucket: Bucket):
    answer = api.delete_bucket(bucket)
    assert answer["bucketId"] == bucket.id_
    with pytest.raises(NonExistentBucket):
        api.get_bucket_by_name(bucket.name)


def test_create_list_and_delete_keys(api: B2Api, bucket: Bucket):
    key = api.create_key(["listFiles", "readFiles"], "reader-key", bucket_id=bucket.id_, name_prefix="pub/")
    assert key.application_key and key.key_name == "reader-key"
    assert key.bucket_ids == (bucket.id_,)
    assert key.name_prefix == "pub/"
    listed = {k.id_: k for k in api.list_keys()}
    assert set(listed[key.id_].capabilities) == {"listFiles", "readFiles"}
    assert next(k.id_ for k in api.list_keys(start_application_key_id=key.id_)) == key.id_
    deleted = api.delete_key(key.id_)
    assert deleted.id_ == key.id_
    assert key.id_ not in {k.id_ for k in api.list_keys()}


def test_create_key_with_expiry(api: B2Api):
    key = api.create_key(["listBuckets"], "short-lived", valid_duration_seconds=3600)
    assert key.expiration_timestamp_millis is not None


def test_get_file_info_returns_the_raw_dict(api: B2Api, bucket: Bucket):
    version = bucket.upload_bytes(b"hello", "greeting.txt", file_info={"lang": "en"})
    info = api.get_file_info(version.id_)
    assert isinstance(info, dict)
    assert info["fileName"] == "greeting.txt"
    assert info["contentLength"] == 5
    assert info["fileInfo"] == {"lang": "en"}


def test_delete_file_version(api: B2Api, bucket: Bucket):
    version = bucket.upload_bytes(b"bye", "gone.txt")
    result = api.delete_file_version(version.id_, "gone.txt")
    assert (result.file_id, result.file_name) == (version.id_, "gone.txt")
    with pytest.raises(FileNotPresent):
        api.get_file_info(version.id_)


def test_download_file_by_id_into_a_destination(api: B2Api, bucket: Bucket, tmp_path):
    version = bucket.upload_bytes(b"0123456789", "digits.txt")
    dest = DownloadDestBytes()
    meta = api.download_file_by_id(version.id_, dest)
    assert dest.get_bytes_written() == b"0123456789"
    assert meta["fileName"] == "digits.txt"

    target = tmp_path / "digits.txt"
    api.download_file_by_id(version.id_, DownloadDestLocalFile(target))
    assert target.read_bytes() == b"0123456789"


def test_download_file_by_id_with_range_and_progress(api: B2Api, bucket: Bucket):
    from b2kit import ProgressListenerForTest

    version = bucket.upload_bytes(b"0123456789", "digits.txt")
    dest = DownloadDestBytes()
    listener = ProgressListenerForTest()
    api.download_file_by_id(version.id_, dest, progress_listener=listener, range_=(2, 5))
    assert dest.get_bytes_written() == b"2345"
    assert (listener.total_bytes, listener.last_completed, listener.closed) == (4, 4, True)


def test_download_file_by_id_without_destination_streams(api: B2Api, bucket: Bucket):
    version = bucket.upload_bytes(b"streamed", "s.txt")
    with api.download_file_by_id(version.id_, None) as downloaded:
        assert b"".join(downloaded.iter_content(3)) == b"streamed"


def test_download_urls(api: B2Api, bucket: Bucket):
    version = bucket.upload_bytes(b"x", "dir/a file.txt")
    download_url = api.account_info.get_download_url()
    assert api.get_download_url_for_fileid(version.id_) == (
        f"{download_url}/b2api/v4/b2_download_file_by_id?fileId={version.id_}"
    )
    assert api.get_download_url_for_file_name(bucket.name, "dir/a file.txt") == (
        f"{download_url}/file/{bucket.name}/dir/a%20file.txt"
    )


def test_url_for_api(api: B2Api):
    info = api.account_info
    assert url_for_api(info, "b2_list_buckets") == f"{info.get_api_url()}/b2api/v4/b2_list_buckets"
    assert url_for_api(info, "b2_download_file_by_id").startswith(info.get_download_url())


def test_large_file_parts_listing_and_cancel(api: B2Api, bucket: Bucket):
    import hashlib
    import io

    file_id = api.session.call(StartLargeFile(bucket.id_, "big.bin")).file_id
    parts = [bytes([n]) * 100_000 for n in range(3)]
    for number, data in enumerate(parts, start=1):
        upload = UploadPart(number, len(data), hashlib.sha1(data).hexdigest())
        api.session.send_part(file_id, upload, io.BytesIO(data))
    listed = list(api.list_parts(file_id, batch_size=2))
    assert [p.part_number for p in listed] == [1, 2, 3]
    assert all(isinstance(p, Part) and p.content_length == 100_000 for p in listed)
    assert [p.part_number for p in api.list_parts(file_id, start_part_number=2)] == [2, 3]
    cancelled = api.cancel_large_file(file_id)
    assert cancelled.file_name == "big.bin"
    assert list(bucket.list_unfinished_large_files()) == []


def test_thread_pool_size_and_pool(make_api):
    api = make_api()
    api.set_thread_pool_size(3)
    pool = api.get_thread_pool()
    assert pool is api.get_thread_pool()
    assert api.max_upload_workers == 3
    with pytest.raises(RuntimeError):
        api.set_thread_pool_size(5)


def test_api_is_a_context_manager_that_closes_the_pool(make_api):
    with make_api() as api:
        pool = api.get_thread_pool()
    with pytest.raises(RuntimeError):
        pool.submit(print)


def test_download_tuning_reaches_the_download_manager(make_api, tmp_path):
    from b2kit import DownloadTuning

    tuning = DownloadTuning(stripe_size=200_000, streams_per_file=3)
    api = make_api(download_tuning=tuning)
    assert api.download_manager.tuning is tuning
    data = bytes(range(256)) * 6000  # 1.5 MB: several stripes
    bucket = api.create_bucket("tuned-bucket", "allPrivate")
    version = bucket.upload_bytes(data, "tuned.bin")
    target = tmp_path / "tuned.bin"
    api.download_file_by_id(version.id_).save_to(target)
    assert target.read_bytes() == data


def test_reserve_connections_only_grows_the_connection_pool(api: B2Api):
    http = api.raw_api.b2_http
    assert isinstance(http, B2Http)
    before = http.max_connections
    api.reserve_connections(before + 50)
    api.reserve_connections(2)
    assert http.max_connections == before + 50
    assert api.list_buckets() == []
