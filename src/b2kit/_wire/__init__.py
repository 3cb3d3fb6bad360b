"""Layer 2, wire (sans-IO): each B2 request described once as typed data, and the pure functions that turn a
description into an :class:`HttpRequest` and an answer into a result or a typed error.

No sockets, threads or clocks here, so the sync transport and an asyncio one execute the same descriptions.
A JSON endpoint is an :class:`ApiCall` (``to_http(base_url, authorization)``, ``parse(answer)`` -> a typed
record, ``translate(error)``); uploads are :class:`UploadFile` / :class:`UploadPart` (``to_http(url, token,
body)``); downloads :class:`DownloadFile` and :class:`FileInfoByName` (``to_http(authorization)``).
"""

from b2kit._wire._account import AuthorizeAccount, CreateKey, DeleteKey, ListKeys
from b2kit._wire._answers import (
    AccountAuthorization,
    BucketRecord,
    DownloadAuthorization,
    LegalHoldUpdate,
    RetentionUpdate,
    UploadUrl,
)
from b2kit._wire._buckets import (
    CreateBucket,
    DeleteBucket,
    GetBucketNotificationRules,
    ListBuckets,
    SetBucketNotificationRules,
    UpdateBucket,
)
from b2kit._wire._call import API_VERSION, ApiCall, Page, PagedCall, endpoint_url, read_answer
from b2kit._wire._file_settings import NewFileSettings
from b2kit._wire._files import (
    DeleteFileVersion,
    GetDownloadAuthorization,
    GetFileInfo,
    GetUploadPartUrl,
    GetUploadUrl,
    HideFile,
    ListFileNames,
    ListFileVersions,
    UpdateFileLegalHold,
    UpdateFileRetention,
)
from b2kit._wire._large_files import (
    CancelLargeFile,
    CopyFile,
    CopyPart,
    FinishLargeFile,
    ListParts,
    ListUnfinishedLargeFiles,
    MetadataDirectiveMode,
    StartLargeFile,
)
from b2kit._wire._message import (
    Body,
    Expect,
    HttpRequest,
    check_clock_skew,
    decode_json,
    error_from_answer,
    retry_after,
)
from b2kit._wire._transfers import DownloadFile, FileInfoByName, Upload, UploadFile, UploadPart
from b2kit._wire._urls import (
    REALM_URLS,
    check_b2_filename,
    download_url_by_id,
    download_url_by_name,
    range_header,
    realm_url,
)

__all__ = [
    "API_VERSION",
    "REALM_URLS",
    "AccountAuthorization",
    "ApiCall",
    "AuthorizeAccount",
    "Body",
    "BucketRecord",
    "CancelLargeFile",
    "CopyFile",
    "CopyPart",
    "CreateBucket",
    "CreateKey",
    "DeleteBucket",
    "DeleteFileVersion",
    "DeleteKey",
    "DownloadAuthorization",
    "DownloadFile",
    "Expect",
    "FileInfoByName",
    "FinishLargeFile",
    "GetBucketNotificationRules",
    "GetDownloadAuthorization",
    "GetFileInfo",
    "GetUploadPartUrl",
    "GetUploadUrl",
    "HideFile",
    "HttpRequest",
    "LegalHoldUpdate",
    "ListBuckets",
    "ListFileNames",
    "ListFileVersions",
    "ListKeys",
    "ListParts",
    "ListUnfinishedLargeFiles",
    "MetadataDirectiveMode",
    "NewFileSettings",
    "Page",
    "PagedCall",
    "RetentionUpdate",
    "SetBucketNotificationRules",
    "StartLargeFile",
    "UpdateBucket",
    "UpdateFileLegalHold",
    "UpdateFileRetention",
    "Upload",
    "UploadFile",
    "UploadPart",
    "UploadUrl",
    "check_b2_filename",
    "check_clock_skew",
    "decode_json",
    "download_url_by_id",
    "download_url_by_name",
    "endpoint_url",
    "error_from_answer",
    "range_header",
    "read_answer",
    "realm_url",
    "retry_after",
]
