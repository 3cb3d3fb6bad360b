"""B2RawApi against the real local server: endpoints not already exercised through B2Api and Bucket."""

from __future__ import annotations

import hashlib
import io
import time

import pytest

from b2kit import (
    B2Api,
    B2RawApi,
    Bucket,
    BucketMissingFileLock,
    EncryptionMode,
    EncryptionSetting,
    FileRetentionSetting,
    LegalHold,
    MetadataDirectiveMode,
    RetentionMode,
    UnusableFileName,
)
from b2kit._raw._raw_api import check_b2_filename, range_header, realm_url
from b2kit._wire import GetUploadUrl


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


@pytest.fixture
def raw(api: B2Api) -> B2RawApi:
    return api.raw_api


@pytest.fixture
def creds(api: B2Api) -> tuple[str, str]:
    return api.account_info.get_api_url(), api.account_info.get_account_auth_token()


def test_realm_names_and_urls():
    assert realm_url("production") == "https://api.backblazeb2.com"
    assert realm_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"


def test_range_header_is_inclusive_and_checked():
    assert range_header((0, 9)) == "bytes=0-9"
    with pytest.raises(ValueError):
        range_header((5, 4))


@pytest.mark.parametrize("name", ["", "a\x01b", "x" * 1025, "del\x7f"])
def test_unusable_file_names_are_refused_before_sending(name):
    with pytest.raises(UnusableFileName):
        check_b2_filename(name)


def test_upload_with_hex_digits_at_end(raw: B2RawApi, api: B2Api, bucket: Bucket):
    data = b"streamed body"
    target = api.session.call(GetUploadUrl(bucket.id_))
    body = data + sha1(data).encode()
    response = raw.upload_file(
        target.upload_url,
        target.authorization_token,
        "trailer.txt",
        len(body),
        "text/plain",
        "hex_digits_at_end",
        {"note": "with space"},
        io.BytesIO(body),
    )
    assert (response["contentLength"], response["contentSha1"]) == (len(data), sha1(data))
    assert response["fileInfo"] == {"note": "with space"}


def test_copy_file_and_copy_part(raw: B2RawApi, creds, bucket: Bucket):
    api_url, token = creds
    source = bucket.upload_bytes(b"a" * 150_000, "source.bin")
    copied = raw.copy_file(api_url, token, source.id_, "copied.bin", bytes_range=(0, 99))
    assert (copied["action"], copied["contentLength"]) == ("copy", 100)
    replaced = raw.copy_file(
        api_url,
        token,
        source.id_,
        "replaced.bin",
        metadata_directive=MetadataDirectiveMode.REPLACE,
        content_type="application/x-test",
        file_info={"x": "y"},
    )
    assert replaced["contentType"] == "application/x-test"
    with pytest.raises(ValueError, match="REPLACE"):
        raw.copy_file(api_url, token, source.id_, "bad.bin", metadata_directive=MetadataDirectiveMode.REPLACE)
    large = raw.start_large_file(api_url, token, bucket.id_, "assembled.bin", "b2/x-auto", {})
    part1 = raw.copy_part(api_url, token, source.id_, large["fileId"], 1, bytes_range=(0, 99_999))
    part2 = raw.copy_part(api_url, token, source.id_, large["fileId"], 2, bytes_range=(100_000, 149_999))
    finished = raw.finish_large_file(
        api_url, token, large["fileId"], [part1["contentSha1"], part2["contentSha1"]]
    )
    assert finished["contentLength"] == 150_000


def test_file_lock_calls_on_a_plain_bucket_are_refused(raw: B2RawApi, creds, bucket: Bucket):
    api_url, token = creds
    version = bucket.upload_bytes(b"x", "plain.txt")
    retention = FileRetentionSetting(RetentionMode.GOVERNANCE, int(time.time() * 1000) + 60_000)
    with pytest.raises(BucketMissingFileLock):
        raw.update_file_retention(api_url, token, version.id_, "plain.txt", retention)
    with pytest.raises(BucketMissingFileLock):
        raw.update_file_legal_hold(api_url, token, version.id_, "plain.txt", LegalHold.ON)


def test_retention_and_legal_hold_on_a_locked_bucket(api: B2Api):
    locked = api.create_bucket("locked-bucket", "allPrivate", is_file_lock_enabled=True)
    version = locked.upload_bytes(b"keep me", "kept.txt")
    until = int(time.time() * 1000) + 3_600_000
    retention = locked.update_file_retention(
        version.id_, "kept.txt", FileRetentionSetting(RetentionMode.GOVERNANCE, until)
    )
    assert retention == FileRetentionSetting(RetentionMode.GOVERNANCE, until)
    assert locked.update_file_legal_hold(version.id_, "kept.txt", LegalHold.ON) is LegalHold.ON
    info = locked.get_file_info_by_id(version.id_)
    assert info.legal_hold is LegalHold.ON
    assert info.file_retention.mode is RetentionMode.GOVERNANCE


def test_notification_rules_round_trip(bucket: Bucket):
    rule = {
        "name": "on-upload",
        "eventTypes": ["b2:ObjectCreated:*"],
        "objectNamePrefix": "",
        "isEnabled": True,
        "targetConfiguration": {"targetType": "webhook", "url": "https://example.com/hook"},
    }
    stored = bucket.set_notification_rules([rule])
    assert [r["name"] for r in stored] == ["on-upload"]
    assert [r["name"] for r in bucket.get_notification_rules()] == ["on-upload"]


def test_bucket_default_encryption_and_update_needs_a_change(raw: B2RawApi, creds, api: B2Api):
    api_url, token = creds
    sse = EncryptionSetting(EncryptionMode.SSE_B2)
    created = api.create_bucket("encrypted-bucket", "allPrivate", default_server_side_encryption=sse)
    assert created.bucket_dict["defaultServerSideEncryption"]["value"]["mode"] == "SSE-B2"
    with pytest.raises(ValueError, match="at least one"):
        raw.update_bucket(api_url, token, api.get_account_id(), created.id_)
    with pytest.raises(ValueError, match="SSE-C"):
        raw.create_bucket(
            api_url,
            token,
            api.get_account_id(),
            "never-created",
            "allPrivate",
            default_server_side_encryption=EncryptionSetting(EncryptionMode.SSE_C, key=bytes(32)),
        )


def test_list_keys_pages(raw: B2RawApi, creds, api: B2Api):
    api_url, token = creds
    for n in range(3):
        api.create_key(["listBuckets"], f"key-{n}")
    first = raw.list_keys(api_url, token, api.get_account_id(), max_key_count=2)
    assert len(first["keys"]) == 2 and first["nextApplicationKeyId"] is not None
    rest = raw.list_keys(
        api_url, token, api.get_account_id(), start_application_key_id=first["nextApplicationKeyId"]
    )
    assert len(first["keys"]) + len(rest["keys"]) == len(list(api.list_keys()))


def test_download_authorization_response(raw: B2RawApi, creds, bucket: Bucket):
    api_url, token = creds
    answer = raw.get_download_authorization(api_url, token, bucket.id_, "pre/", 60)
    assert answer["bucketId"] == bucket.id_ and answer["fileNamePrefix"] == "pre/"
    assert answer["authorizationToken"]
