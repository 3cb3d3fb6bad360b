"""Values parsed from B2 JSON and headers, and the request forms of per-file settings."""

import base64
import hashlib

import pytest

from b2kit import (
    ApplicationKey,
    DownloadVersion,
    EncryptionMode,
    EncryptionSetting,
    FileRetentionSetting,
    FileVersion,
    FullApplicationKey,
    LegalHold,
    Part,
    RetentionMode,
    UnfinishedLargeFile,
)

UPLOAD = {
    "accountId": "acct",
    "action": "upload",
    "bucketId": "bkt",
    "contentLength": 4,
    "contentMd5": "e2fc714c4727ee9395f324cd2e7f331f",
    "contentSha1": "81fe8bfe87576c3ecb22426f8e57847382917acf",
    "contentType": "text/plain",
    "fileId": "4_zbkt_f1",
    "fileInfo": {"src_last_modified_millis": "1600000000000"},
    "fileName": "a b.txt",
    "fileRetention": {
        "isClientAuthorizedToRead": True,
        "value": {"mode": None, "retainUntilTimestamp": None},
    },
    "legalHold": {"isClientAuthorizedToRead": True, "value": None},
    "serverSideEncryption": {"algorithm": None, "mode": None},
    "uploadTimestamp": 1640884512000,
}


def test_file_version_from_upload_response():
    version = FileVersion.from_api_response(UPLOAD)
    assert (version.id_, version.file_name, version.size) == ("4_zbkt_f1", "a b.txt", 4)
    assert version.content_sha1 == "81fe8bfe87576c3ecb22426f8e57847382917acf"
    assert version.content_sha1_verified
    assert version.server_side_encryption.mode is EncryptionMode.NONE
    assert version.legal_hold is None
    assert version.file_retention.mode is None
    assert version.mod_time_millis == 1_600_000_000_000


def test_file_version_as_dict_round_trips():
    version = FileVersion.from_api_response(UPLOAD)
    again = FileVersion.from_api_response(version.as_dict())
    assert again == version
    assert version.as_dict()["size"] == 4


def test_unverified_sha1_and_v1_size_and_hide_marker():
    version = FileVersion.from_api_response(
        {"fileId": "f", "fileName": "n", "size": 9, "contentSha1": "unverified:" + "a" * 40, "action": "hide"}
    )
    assert (version.size, version.content_sha1, version.content_sha1_verified) == (9, "a" * 40, False)
    assert version.as_dict()["contentSha1"] == "unverified:" + "a" * 40


def test_object_lock_fields_are_parsed():
    version = FileVersion.from_api_response(
        {
            **UPLOAD,
            "fileRetention": {
                "isClientAuthorizedToRead": True,
                "value": {"mode": "governance", "retainUntilTimestamp": 1900000000000},
            },
            "legalHold": {"isClientAuthorizedToRead": True, "value": "on"},
            "serverSideEncryption": {"mode": "SSE-B2", "algorithm": "AES256"},
        }
    )
    assert version.file_retention == FileRetentionSetting(RetentionMode.GOVERNANCE, 1900000000000)
    assert version.legal_hold is LegalHold.ON
    assert version.server_side_encryption.mode is EncryptionMode.SSE_B2


def test_download_version_from_ranged_headers():
    headers = {
        "Content-Length": "3",
        "Content-Range": "bytes 2-4/10",
        "Content-Type": "text/plain",
        "X-Bz-File-Id": "fid",
        "X-Bz-File-Name": "dir/a%20b.txt",
        "X-Bz-Content-Sha1": "none",
        "X-Bz-Upload-Timestamp": "123",
        "X-Bz-Info-Color": "dark+red",
        "X-Bz-Info-large_file_sha1": "b" * 40,
        "Cache-Control": "max-age=5",
    }
    version = DownloadVersion.from_response_headers(headers)
    assert (version.file_name, version.size, version.content_length, version.range_) == (
        "dir/a b.txt",
        10,
        3,
        (2, 4),
    )
    assert version.file_info == {"color": "dark red", "large_file_sha1": "b" * 40}
    assert version.cache_control == "max-age=5"


def test_keys_parts_and_unfinished_files():
    key_json = {
        "accountId": "acct",
        "applicationKeyId": "kid",
        "keyName": "name",
        "capabilities": ["listFiles"],
        "bucketIds": ["b1"],
        "namePrefix": None,
        "expirationTimestamp": None,
        "options": ["s3"],
    }
    key = ApplicationKey.from_api_response(key_json)
    assert (key.id_, key.bucket_id, key.capabilities) == ("kid", "b1", ("listFiles",))
    full = FullApplicationKey.from_create_response({**key_json, "applicationKey": "K-secret"})
    assert full.application_key == "K-secret" and "K-secret" not in repr(full)
    assert ApplicationKey.from_api_response(
        {**key_json, "bucketIds": None, "bucketId": "old"}
    ).bucket_ids == ("old",)
    part = Part.from_list_parts_dict({"fileId": "f", "partNumber": 2, "contentLength": 5, "contentSha1": "s"})
    assert (part.part_number, part.content_length) == (2, 5)
    unfinished = UnfinishedLargeFile.from_api_response(
        {"fileId": "f", "fileName": "n", "fileInfo": {"a": "b"}}
    )
    assert unfinished.file_info == {"a": "b"}


def test_encryption_settings_request_forms():
    key = bytes(range(32))
    sse_c = EncryptionSetting(EncryptionMode.SSE_C, key=key)
    headers = sse_c.download_headers()
    assert headers["X-Bz-Server-Side-Encryption-Customer-Key"] == base64.b64encode(key).decode()
    assert (
        headers["X-Bz-Server-Side-Encryption-Customer-Key-Md5"]
        == base64.b64encode(hashlib.md5(key).digest()).decode()
    )
    assert sse_c.to_request_json()["mode"] == "SSE-C"
    assert "customerKey" not in repr(sse_c) and str(key) not in repr(sse_c)
    assert EncryptionSetting(EncryptionMode.SSE_B2).upload_headers() == {
        "X-Bz-Server-Side-Encryption": "AES256"
    }
    assert EncryptionSetting().upload_headers() == {}
    with pytest.raises(ValueError, match="32 bytes"):
        EncryptionSetting(EncryptionMode.SSE_C, key=b"short")


def test_retention_and_legal_hold_request_forms():
    retention = FileRetentionSetting(RetentionMode.COMPLIANCE, 123)
    assert retention.to_request_json() == {"mode": "compliance", "retainUntilTimestamp": 123}
    assert retention.upload_headers() == {
        "X-Bz-File-Retention-Mode": "compliance",
        "X-Bz-File-Retention-Retain-Until-Timestamp": "123",
    }
    assert (
        FileRetentionSetting.from_response({"mode": "compliance", "retainUntilTimestamp": 123}) == retention
    )
    assert LegalHold.OFF.upload_headers() == {"X-Bz-File-Legal-Hold": "off"}
    assert LegalHold.from_response("on") is LegalHold.ON
