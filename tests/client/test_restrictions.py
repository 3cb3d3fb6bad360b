"""Key restrictions seen from the client: RestrictedBucket before any request, Unauthorized from the server,
and authorization failures that are reported at once, never retried."""

from __future__ import annotations

import logging

import pytest

from b2kit import (
    B2Api,
    Bucket,
    InMemoryAccountInfo,
    MaxRetriesExceeded,
    RestrictedBucket,
    RestrictedBucketMissing,
    Unauthorized,
)
from b2kit.server import LocalServer


@pytest.fixture
def restricted_api(server: LocalServer, api: B2Api, bucket: Bucket, fast_retries):
    key = api.create_key(
        ["listBuckets", "listFiles", "readFiles", "writeFiles"], "one-bucket", bucket_id=bucket.id_
    )
    with B2Api(InMemoryAccountInfo(), retry_policy=fast_retries) as restricted:
        restricted.authorize_account(server.realm, key.id_, key.application_key)
        yield restricted


def test_bucket_restricted_key_refuses_other_buckets_before_any_request(restricted_api: B2Api, bucket):
    with pytest.raises(RestrictedBucket, match="other-bucket") as caught:
        restricted_api.get_bucket_by_name("other-bucket")
    assert bucket.name in str(caught.value)
    with pytest.raises(RestrictedBucket):
        restricted_api.check_bucket_restrictions("other-bucket")
    with pytest.raises(RestrictedBucket):
        restricted_api.get_download_url_for_file_name("other-bucket", "x")


def test_bucket_restricted_key_works_in_its_bucket(restricted_api: B2Api, bucket: Bucket):
    restricted_api.check_bucket_restrictions(bucket.name)
    mine = restricted_api.get_bucket_by_name(bucket.name)
    assert mine.id_ == bucket.id_
    mine.upload_bytes(b"allowed", "ok.txt")
    assert [v.file_name for v in mine.list_file_names()] == ["ok.txt"]
    assert restricted_api.account_info.get_bucket_id_or_none_from_bucket_name(bucket.name) == bucket.id_


def test_bucket_restricted_key_cannot_list_every_bucket(restricted_api: B2Api):
    with pytest.raises(Unauthorized):
        restricted_api.list_buckets()


def test_missing_capability_raises_unauthorized(
    server: LocalServer, api: B2Api, bucket: Bucket, fast_retries
):
    key = api.create_key(["listBuckets", "listFiles"], "read-only-lister")
    with B2Api(InMemoryAccountInfo(), retry_policy=fast_retries) as limited:
        limited.authorize_account(server.realm, key.id_, key.application_key)
        mine = limited.get_bucket_by_name(bucket.name)
        assert list(mine.list_file_names()) == []
        with pytest.raises((Unauthorized, MaxRetriesExceeded)) as caught:
            mine.upload_bytes(b"nope", "nope.txt")
        assert "unauthorized" in str(caught.value).lower()
        with pytest.raises(Unauthorized):
            limited.create_bucket("not-allowed-bucket", "allPrivate")


def test_name_prefix_key_cannot_write_or_list_outside_its_prefix(
    server: LocalServer, api: B2Api, bucket, fast_retries
):
    key = api.create_key(
        ["listBuckets", "listFiles", "writeFiles"], "prefixed", bucket_id=bucket.id_, name_prefix="pub/"
    )
    with B2Api(InMemoryAccountInfo(), retry_policy=fast_retries) as limited:
        limited.authorize_account(server.realm, key.id_, key.application_key)
        mine = limited.get_bucket_by_name(bucket.name)
        assert mine.upload_bytes(b"in", "pub/in.txt").file_name == "pub/in.txt"
        assert [v.file_name for v in mine.list_file_names(prefix="pub/")] == ["pub/in.txt"]
        with pytest.raises(Unauthorized, match="restricted to files starting with 'pub/'"):
            mine.upload_bytes(b"out", "private/out.txt")
        with pytest.raises(Unauthorized, match="restricted to files starting with 'pub/'"):
            list(mine.list_file_names())


def test_key_for_a_deleted_bucket_raises_restricted_bucket_missing(server: LocalServer, api: B2Api):
    doomed = api.create_bucket("doomed-bucket", "allPrivate")
    key = api.create_key(["listBuckets", "listFiles"], "orphan", bucket_id=doomed.id_)
    api.delete_bucket(doomed)
    with B2Api(InMemoryAccountInfo()) as orphan, pytest.raises(RestrictedBucketMissing):
        orphan.authorize_account(server.realm, key.id_, key.application_key)


def test_401_from_authorize_is_raised_at_once_without_retry(server: LocalServer, caplog):
    caplog.set_level(logging.DEBUG, logger="b2kit")
    with B2Api(InMemoryAccountInfo()) as api, pytest.raises(Unauthorized) as caught:
        api.authorize_account(server.realm, server.key_id, "wrong-secret")
    assert caught.value.status == 401
    assert not [r for r in caplog.records if "retry" in r.getMessage()]


def test_logs_never_contain_keys_or_tokens(server: LocalServer, api: B2Api, bucket: Bucket, caplog):
    caplog.set_level(logging.DEBUG, logger="b2kit")
    with B2Api(InMemoryAccountInfo()) as fresh:
        fresh.authorize_account(server.realm, server.key_id, server.key)
        token = fresh.account_info.get_account_auth_token()
        server.expire_tokens()
        fresh.list_buckets()
        bucket_again = fresh.get_bucket_by_name(bucket.name)
        bucket_again.upload_bytes(b"logged?", "log.txt")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert server.key not in text
    assert token not in text
    assert fresh.account_info.get_account_auth_token() not in text


def test_key_without_list_buckets_still_reaches_its_bucket(
    server: LocalServer, api: B2Api, bucket, fast_retries
):
    key = api.create_key(["writeFiles", "readFiles"], "writer-only", bucket_id=bucket.id_)
    with B2Api(InMemoryAccountInfo(), retry_policy=fast_retries) as writer:
        writer.authorize_account(server.realm, key.id_, key.application_key)
        mine = writer.get_bucket_by_name(bucket.name)
        assert writer.get_bucket_by_id(bucket.id_).name == bucket.name
        assert mine.upload_bytes(b"written", "w.txt").size == 7
        assert mine.download_file_by_name("w.txt").read() == b"written"
        with pytest.raises(Unauthorized):
            writer.list_buckets(bucket.name)
