"""The wire layer's parse functions: every call's answer becomes a typed record, tolerant of fields B2 adds
and of optional fields it leaves out (pure, no server)."""

from __future__ import annotations

from typing import Any

import pytest

from b2kit._exceptions import InvalidJsonResponse
from b2kit._models import (
    ApplicationKey,
    EncryptionMode,
    FileIdAndName,
    FileRetentionSetting,
    FileVersion,
    FullApplicationKey,
    LegalHold,
    Part,
    RetentionMode,
    UnfinishedLargeFile,
)
from b2kit._wire import (
    AccountAuthorization,
    ApiCall,
    AuthorizeAccount,
    BucketRecord,
    CancelLargeFile,
    CopyFile,
    CopyPart,
    CreateBucket,
    CreateKey,
    DeleteBucket,
    DeleteFileVersion,
    DeleteKey,
    DownloadAuthorization,
    FinishLargeFile,
    GetDownloadAuthorization,
    GetFileInfo,
    GetUploadPartUrl,
    GetUploadUrl,
    HideFile,
    LegalHoldUpdate,
    ListBuckets,
    ListFileNames,
    ListFileVersions,
    ListKeys,
    ListParts,
    ListUnfinishedLargeFiles,
    Page,
    RetentionUpdate,
    StartLargeFile,
    UpdateBucket,
    UpdateFileLegalHold,
    UpdateFileRetention,
    UploadFile,
    UploadPart,
    UploadUrl,
    read_answer,
)
from b2kit._wire._call import PagedCall

EXTRA = {"fieldB2AddsLater": {"nested": [1, 2]}, "anotherNewField": None}

FILE = {
    "accountId": "acct",
    "action": "upload",
    "bucketId": "bkt",
    "contentLength": 12,
    "contentSha1": "unverified:" + "a" * 40,
    "contentMd5": "md5",
    "contentType": "text/plain",
    "fileId": "4_z1",
    "fileInfo": {"src_last_modified_millis": "1000"},
    "fileName": "a/b.txt",
    "fileRetention": {
        "isClientAuthorizedToRead": True,
        "value": {"mode": "governance", "retainUntilTimestamp": 9},
    },
    "legalHold": {"isClientAuthorizedToRead": True, "value": "on"},
    "serverSideEncryption": {"mode": "SSE-B2", "algorithm": "AES256"},
    "uploadTimestamp": 1234,
}
BUCKET = {
    "accountId": "acct",
    "bucketId": "bkt",
    "bucketName": "photos",
    "bucketType": "allPrivate",
    "bucketInfo": {"k": "v"},
    "corsRules": [{"corsRuleName": "r"}],
    "lifecycleRules": [{"fileNamePrefix": "logs/"}],
    "revision": 3,
}
KEY = {
    "accountId": "acct",
    "applicationKeyId": "kid",
    "keyName": "reader",
    "capabilities": ["listFiles"],
    "bucketIds": ["bkt"],
    "namePrefix": "p/",
    "expirationTimestamp": None,
}
PART = {
    "fileId": "4_z1",
    "partNumber": 2,
    "contentLength": 100,
    "contentSha1": "b" * 40,
    "uploadTimestamp": 5,
}
AUTHORIZATION = {
    "accountId": "acct",
    "authorizationToken": "tok",
    "apiInfo": {
        "storageApi": {
            "apiUrl": "https://api.example",
            "downloadUrl": "https://f.example",
            "recommendedPartSize": 100_000_000,
            "absoluteMinimumPartSize": 5_000_000,
            "s3ApiUrl": "https://s3.example",
            "allowed": {"buckets": None, "capabilities": ["listFiles"], "namePrefix": None},
        }
    },
}
SETTINGS_CALLS: list[tuple[ApiCall[Any], dict[str, Any], type]] = [
    (GetFileInfo("4_z1"), FILE, FileVersion),
    (HideFile("bkt", "a/b.txt"), FILE, FileVersion),
    (FinishLargeFile("4_z1", ["b" * 40]), FILE, FileVersion),
    (CopyFile("4_z1", "copy.txt"), FILE, FileVersion),
    (StartLargeFile("bkt", "a/b.txt"), FILE, UnfinishedLargeFile),
    (CopyPart("4_z1", "4_z2", 2), PART, Part),
    (DeleteFileVersion("4_z1", "a/b.txt"), FILE, FileIdAndName),
    (CancelLargeFile("4_z1"), FILE, FileIdAndName),
    (CreateBucket("acct", "photos", "allPrivate"), BUCKET, BucketRecord),
    (DeleteBucket("acct", "bkt"), BUCKET, BucketRecord),
    (UpdateBucket("acct", "bkt", bucket_type="allPublic"), BUCKET, BucketRecord),
    (DeleteKey("kid"), KEY, ApplicationKey),
    (CreateKey("acct", ["listFiles"], "reader"), {**KEY, "applicationKey": "secret"}, FullApplicationKey),
    (
        GetUploadUrl("bkt"),
        {"bucketId": "bkt", "uploadUrl": "https://u", "authorizationToken": "t"},
        UploadUrl,
    ),
    (
        GetUploadPartUrl("4_z1"),
        {"fileId": "4_z1", "uploadUrl": "https://u", "authorizationToken": "t"},
        UploadUrl,
    ),
    (
        GetDownloadAuthorization("bkt", "p/", 60),
        {"bucketId": "bkt", "fileNamePrefix": "p/", "authorizationToken": "t"},
        DownloadAuthorization,
    ),
    (
        UpdateFileRetention("4_z1", "a/b.txt", FileRetentionSetting(RetentionMode.GOVERNANCE, 9)),
        {
            "fileId": "4_z1",
            "fileName": "a/b.txt",
            "fileRetention": {"mode": "governance", "retainUntilTimestamp": 9},
        },
        RetentionUpdate,
    ),
    (
        UpdateFileLegalHold("4_z1", "a/b.txt", LegalHold.ON),
        {"fileId": "4_z1", "fileName": "a/b.txt", "legalHold": "on"},
        LegalHoldUpdate,
    ),
    (AuthorizeAccount("kid", "secret"), AUTHORIZATION, AccountAuthorization),
]


@pytest.mark.parametrize(("call", "answer", "record"), SETTINGS_CALLS, ids=lambda v: type(v).__name__)
def test_every_call_parses_its_answer_into_its_record_ignoring_new_fields(call, answer, record):
    plain = call.parse(answer)
    assert type(plain) is record
    assert call.parse({**answer, **EXTRA}) == plain


def test_file_versions_keep_what_b2_said_and_the_json_they_came_from():
    version = GetFileInfo("4_z1").parse({**FILE, **EXTRA})
    assert (version.id_, version.file_name, version.size) == ("4_z1", "a/b.txt", 12)
    assert (version.content_sha1, version.content_sha1_verified) == ("a" * 40, False)
    assert version.server_side_encryption.mode is EncryptionMode.SSE_B2
    assert version.file_retention == FileRetentionSetting(RetentionMode.GOVERNANCE, 9)
    assert version.legal_hold is LegalHold.ON
    assert version.raw["fieldB2AddsLater"] == {"nested": [1, 2]}


def test_optional_fields_may_be_missing():
    version = GetFileInfo("x").parse({"fileId": "4_z1", "fileName": "n"})
    assert (version.size, version.content_type, version.action, version.legal_hold) == (
        0,
        None,
        "upload",
        None,
    )
    assert version.file_info == {} and version.server_side_encryption.mode is EncryptionMode.NONE
    bucket = ListBuckets("acct").parse({"buckets": [{"bucketId": "b", "bucketName": "n"}]})[0]
    assert (bucket.bucket_type, bucket.revision, bucket.bucket_info, bucket.cors_rules) == (
        None,
        None,
        {},
        (),
    )
    storage = dict(AUTHORIZATION["apiInfo"]["storageApi"])
    del storage["s3ApiUrl"], storage["allowed"]
    authorization = AuthorizeAccount("k", "s").parse({**AUTHORIZATION, "apiInfo": {"storageApi": storage}})
    assert (authorization.s3_api_url, authorization.allowed) == ("", None)
    upload_url = GetUploadUrl("b").parse({"uploadUrl": "https://u", "authorizationToken": "t"})
    assert (upload_url.bucket_id, upload_url.file_id) == (None, None)
    retention = UpdateFileRetention("f", "n", FileRetentionSetting()).parse({})
    assert retention.file_retention == FileRetentionSetting()
    assert UpdateFileLegalHold("f", "n", LegalHold.OFF).parse({"legalHold": None}).legal_hold is None


def test_records_read_their_fields():
    authorization = AuthorizeAccount("kid", "secret").parse(AUTHORIZATION)
    assert (authorization.account_id, authorization.authorization_token) == ("acct", "tok")
    assert (authorization.api_url, authorization.download_url) == ("https://api.example", "https://f.example")
    assert (authorization.recommended_part_size, authorization.absolute_minimum_part_size) == (
        10**8,
        5 * 10**6,
    )
    assert "tok" not in repr(authorization)
    bucket = CreateBucket("acct", "photos", "allPrivate").parse(BUCKET)
    assert (bucket.bucket_id, bucket.bucket_name, bucket.bucket_type, bucket.revision) == (
        "bkt",
        "photos",
        "allPrivate",
        3,
    )
    assert bucket.raw is BUCKET
    assert [b.bucket_name for b in ListBuckets("acct").parse({"buckets": [BUCKET, BUCKET]})] == ["photos"] * 2
    assert ListBuckets("acct").parse({}) == ()
    authorization_token = GetDownloadAuthorization("bkt", "p/", 60).parse({"authorizationToken": "t"})
    assert authorization_token == DownloadAuthorization("t", None, "")
    part = CopyPart("4_z1", "4_z2", 2).parse(PART)
    assert (part.part_number, part.content_length, part.content_sha1) == (2, 100, "b" * 40)
    assert UploadPart(2, 100, "b" * 40).parse(PART) == part
    assert UploadFile("a/b.txt", 12, "a" * 40).parse(FILE) == GetFileInfo("x").parse(FILE)
    assert DeleteKey("kid").parse(KEY).bucket_ids == ("bkt",)
    assert CancelLargeFile("4_z1").parse(FILE) == FileIdAndName("4_z1", "a/b.txt")


LISTINGS: list[tuple[PagedCall[Any], dict[str, Any], type, dict[str, Any]]] = [
    (ListFileNames("bkt"), {"files": [FILE], "nextFileName": "z"}, FileVersion, {"start_file_name": "z"}),
    (
        ListFileVersions("bkt"),
        {"files": [FILE], "nextFileName": "z", "nextFileId": "4_z9"},
        FileVersion,
        {"start_file_name": "z", "start_file_id": "4_z9"},
    ),
    (
        ListKeys("acct"),
        {"keys": [KEY], "nextApplicationKeyId": "k2"},
        ApplicationKey,
        {"start_application_key_id": "k2"},
    ),
    (ListParts("4_z1"), {"parts": [PART], "nextPartNumber": 3}, Part, {"start_part_number": 3}),
    (
        ListUnfinishedLargeFiles("bkt"),
        {"files": [FILE], "nextFileId": "4_z2"},
        UnfinishedLargeFile,
        {"start_file_id": "4_z2"},
    ),
]


@pytest.mark.parametrize(("call", "answer", "item", "cursor"), LISTINGS, ids=lambda v: type(v).__name__)
def test_listings_parse_typed_items_and_their_cursor(call, answer, item, cursor):
    page = call.parse({**answer, **EXTRA})
    assert isinstance(page, Page)
    assert [type(entry) for entry in page.items] == [item]
    assert page.cursor == cursor
    following = call.next_page(page)
    assert following is not None
    assert all(getattr(following, field) == value for field, value in cursor.items())
    last = call.parse({call.items_key: []})
    assert last.items == () and last.cursor is None and call.next_page(last) is None


def test_a_transport_reads_an_answer_missing_a_required_field_as_invalid_json():
    with pytest.raises(InvalidJsonResponse, match="b2_get_upload_url answered without 'uploadUrl'"):
        read_answer(GetUploadUrl("b"), {"authorizationToken": "t"})
    with pytest.raises(InvalidJsonResponse, match="b2_upload_part answered an unexpected value"):
        read_answer(UploadPart(1, 1, "s"), {**PART, "partNumber": "one"})
    assert read_answer(CancelLargeFile("4_z1"), FILE) == FileIdAndName("4_z1", "a/b.txt")
