"""The sans-IO wire layer: descriptions become exact HTTP requests, answers become results or errors."""

from __future__ import annotations

import io
import json

import pytest

from b2kit import (
    SSE_B2_AES,
    AccessDenied,
    EncryptionMode,
    EncryptionSetting,
    FileNotPresent,
    FileRetentionSetting,
    LegalHold,
    ResourceNotFound,
    RetentionWriteError,
    SSECKeyError,
    TooManyRequests,
    UnusableFileName,
)
from b2kit._wire import (
    AuthorizeAccount,
    CopyFile,
    CreateBucket,
    DownloadFile,
    Expect,
    FileInfoByName,
    GetBucketNotificationRules,
    ListBuckets,
    ListFileVersions,
    ListParts,
    MetadataDirectiveMode,
    NewFileSettings,
    StartLargeFile,
    UpdateBucket,
    UpdateFileRetention,
    UploadFile,
    UploadPart,
    decode_json,
    error_from_answer,
)

SSE_C = EncryptionSetting(EncryptionMode.SSE_C, "AES256", key=b"k" * 32)


def body_of(call, base="https://api.example", auth="token") -> dict:
    request = call.to_http(base, auth)
    assert request.method == "POST"
    return json.loads(request.body)


def test_json_call_is_a_post_to_its_endpoint_with_camel_case_fields_and_no_nones():
    request = ListBuckets("acct", bucket_name="photos").to_http("https://api.example/", "tok")
    assert request.url == "https://api.example/b2api/v4/b2_list_buckets"
    assert request.headers["Authorization"] == "tok"
    assert request.expect is Expect.JSON and not request.moves_file_bytes
    assert json.loads(request.body) == {"accountId": "acct", "bucketName": "photos", "bucketTypes": ["all"]}


def test_get_endpoint_puts_its_fields_in_the_query_string():
    request = GetBucketNotificationRules("b 1").to_http("https://api.example", "tok")
    assert (request.method, request.body) == ("GET", None)
    assert request.url == "https://api.example/b2api/v4/b2_get_bucket_notification_rules?bucketId=b+1"
    assert GetBucketNotificationRules("b").parse({"eventNotificationRules": [{"name": "r"}]}) == [
        {"name": "r"}
    ]


def test_authorize_account_sends_basic_auth_and_no_parameters():
    call = AuthorizeAccount("keyid", "secret")
    assert call.basic_authorization() == "Basic a2V5aWQ6c2VjcmV0"
    assert body_of(call) == {}
    assert "secret" not in repr(call)


def test_settings_objects_become_their_request_json():
    call = UpdateFileRetention("id", "a.txt", file_retention=FileRetentionSetting())
    assert body_of(call)["fileRetention"] == {"mode": None, "retainUntilTimestamp": None}
    assert body_of(call)["bypassGovernance"] is False
    assert body_of(CreateBucket("a", "name", "allPrivate", default_server_side_encryption=SSE_B2_AES))[
        "defaultServerSideEncryption"
    ] == {"mode": "SSE-B2", "algorithm": "AES256"}


def test_bucket_rules_are_checked_before_anything_is_sent():
    with pytest.raises(ValueError, match="SSE-C"):
        CreateBucket("a", "name", "allPrivate", default_server_side_encryption=SSE_C).to_http("u", "t")
    with pytest.raises(ValueError, match="at least one setting"):
        UpdateBucket("a", "b").to_http("u", "t")


def test_copy_file_fields_and_metadata_rules():
    fields = body_of(
        CopyFile(
            "src",
            "new.txt",
            bytes_range=(0, 9),
            destination_server_side_encryption=EncryptionSetting(),
            source_server_side_encryption=SSE_B2_AES,
            legal_hold=LegalHold.ON,
        )
    )
    assert fields == {"sourceFileId": "src", "fileName": "new.txt", "range": "bytes=0-9", "legalHold": "on"}
    with pytest.raises(ValueError, match="COPY"):
        CopyFile("src", "n", metadata_directive=MetadataDirectiveMode.COPY, content_type="text/plain")
    with pytest.raises(ValueError, match="REPLACE"):
        CopyFile("src", "n", metadata_directive=MetadataDirectiveMode.REPLACE)
    with pytest.raises(ValueError, match="byte range"):
        CopyFile("src", "n", bytes_range=(5, 1))


def test_new_file_settings_are_the_same_for_uploads_and_large_files():
    settings = NewFileSettings("text/plain", {"color": "dark red"}, SSE_B2_AES, None, LegalHold.OFF, 1234)
    upload = UploadFile("dir/a b.txt", 3, "hex_digits_at_end", settings).to_http("https://up", "utok", b"abc")
    assert upload.headers["X-Bz-File-Name"] == "dir/a%20b.txt"
    assert upload.headers["X-Bz-Info-color"] == "dark%20red"
    assert upload.headers["X-Bz-Server-Side-Encryption"] == "AES256"
    assert upload.headers["X-Bz-File-Legal-Hold"] == "off"
    assert upload.headers["X-Bz-Custom-Upload-Timestamp"] == "1234"
    assert (upload.headers["Content-Length"], upload.body, upload.moves_file_bytes) == ("3", b"abc", True)
    started = body_of(StartLargeFile("bucket", "big.bin", settings))
    assert started == {
        "bucketId": "bucket",
        "fileName": "big.bin",
        "contentType": "text/plain",
        "fileInfo": {"color": "dark red"},
        "serverSideEncryption": {"mode": "SSE-B2", "algorithm": "AES256"},
        "legalHold": "off",
        "customUploadTimestamp": 1234,
    }


def test_file_names_are_checked_before_uploading():
    with pytest.raises(UnusableFileName):
        UploadFile("bad\x01name", 1, "x")
    with pytest.raises(UnusableFileName):
        StartLargeFile("bucket", "")


def test_upload_part_and_download_requests():
    part = UploadPart(2, 5, "s" * 40, SSE_C).to_http("https://up", "ptok", io.BytesIO(b"hello"))
    assert part.headers["X-Bz-Part-Number"] == "2"
    assert "X-Bz-Server-Side-Encryption-Customer-Key" in part.headers
    download = DownloadFile("https://dl/file/b/n", (10, 19), SSE_C).to_http(None)
    assert (download.method, download.expect) == ("GET", Expect.STREAM)
    assert download.headers["Range"] == "bytes=10-19"
    assert "Authorization" not in download.headers


def test_endpoint_meaning_of_errors():
    denied = AccessDenied("no", status=403, code="access_denied")
    assert isinstance(UpdateFileRetention("i", "n", None).translate(denied), RetentionWriteError)
    assert isinstance(DownloadFile("u").translate(denied), SSECKeyError)
    assert ListBuckets("a").translate(denied) is denied
    missing = FileInfoByName("u", "bucket", "a.txt").translate(ResourceNotFound("x", status=404))
    assert isinstance(missing, FileNotPresent) and "bucket/a.txt" in str(missing)


def test_answers_become_typed_errors_or_json():
    error = error_from_answer(429, {"Retry-After": "7"}, b'{"code": "too_many_requests", "message": "slow"}')
    assert isinstance(error, TooManyRequests) and error.retry_after_seconds == 7.0
    assert decode_json(b'{"a": 1}') == {"a": 1}


def test_listing_calls_describe_their_next_page():
    first = ListFileVersions("b", max_file_count=10, prefix="p/")
    following = first.next_page(first.parse({"files": [], "nextFileName": "p/x", "nextFileId": "id"}))
    assert following == ListFileVersions("b", "p/x", "id", 10, "p/")
    assert first.next_page(first.parse({"files": [], "nextFileName": None})) is None
    assert ListParts("f", None, 1000).with_page_size(7).max_part_count == 7
