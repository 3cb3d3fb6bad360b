"""Pins the public surface of ``b2kit`` and the import boundary between server and client."""

import subprocess
import sys

import b2kit

EXPECTED_PUBLIC_NAMES = [
    "AbstractAccountInfo",
    "AbstractCache",
    "AbstractDownloadDestination",
    "AbstractProgressListener",
    "AccessDenied",
    "ApplicationKey",
    "AuthInfoCache",
    "B2Api",
    "B2ConnectionError",
    "B2Error",
    "B2Folder",
    "B2Http",
    "B2RawApi",
    "B2RequestTimeout",
    "B2Session",
    "BadDateFormat",
    "BadJson",
    "BadRequest",
    "BrokenPipe",
    "Bucket",
    "BucketIdNotFound",
    "BucketMissingFileLock",
    "BucketNotEmpty",
    "CapExceeded",
    "ChecksumMismatch",
    "ClockSkew",
    "CompareMode",
    "Conflict",
    "CopyManager",
    "CopyOptions",
    "CopySource",
    "CopySourceTooBig",
    "DisablingFileLockNotSupported",
    "DoNothingProgressListener",
    "DownloadCapExceeded",
    "DownloadDestBytes",
    "DownloadDestLocalFile",
    "DownloadDestProgressWrapper",
    "DownloadManager",
    "DownloadTuning",
    "DownloadVersion",
    "DownloadedFile",
    "DummyCache",
    "DuplicateBucketName",
    "EnablingFileLockOnRestrictedBucket",
    "EncryptionMode",
    "EncryptionSetting",
    "EventTypeCategoriesError",
    "EventTypeError",
    "EventTypeInvalidError",
    "EventTypeOverlapError",
    "EventTypesEmptyError",
    "ExpiredAuthToken",
    "FileAlreadyHidden",
    "FileIdAndName",
    "FileNotPresent",
    "FileOrBucketNotFound",
    "FileRetentionSetting",
    "FileTooLargeError",
    "FileVersion",
    "Filter",
    "FullApplicationKey",
    "HttpResponse",
    "InMemoryAccountInfo",
    "InMemoryCache",
    "InvalidAuthToken",
    "InvalidJsonResponse",
    "InvalidPartSizeError",
    "InvalidRange",
    "InvalidUserInput",
    "LegalHold",
    "LocalFolder",
    "MaxRetriesExceeded",
    "MetadataDirectiveMode",
    "MethodNotAllowed",
    "MissingAccountData",
    "MissingAuthToken",
    "MissingPart",
    "NO_RETENTION",
    "NewerMode",
    "NonExistentBucket",
    "Part",
    "PartPlanningError",
    "PartSha1Mismatch",
    "PreSeekedDownloadDest",
    "ProgressListenerForTest",
    "RecentRateColumn",
    "RequestTimeout",
    "ResourceNotFound",
    "RestrictedBucket",
    "RestrictedBucketMissing",
    "RetentionMode",
    "RetentionWriteError",
    "RetryPolicy",
    "RichProgressListener",
    "SSECKeyError",
    "SSE_B2_AES",
    "SSE_NONE",
    "ServiceError",
    "SimpleProgressListener",
    "SourceReplicationConflict",
    "SqliteAccountInfo",
    "StorageCapExceeded",
    "SyncError",
    "SyncListener",
    "SyncOptions",
    "SyncReport",
    "Synchronizer",
    "TerminalProgressListener",
    "TooManyBuckets",
    "TooManyRequests",
    "TransactionCapExceeded",
    "TruncatedOutput",
    "Unauthorized",
    "UnexpectedCloudBehaviour",
    "UnfinishedLargeFile",
    "UnknownError",
    "UnsatisfiableRange",
    "UnusableFileName",
    "UploadManager",
    "UploadOptions",
    "UploadSource",
    "UploadSourceBytes",
    "UploadSourceLocalFile",
    "UploadSourceLocalFileRange",
    "UploadSourceStream",
    "UploadTokenUsedConcurrently",
    "WriteIntent",
    "interpret_b2_error",
    "transfer_bar",
    "url_for_api",
]


def test_all_is_sorted_and_matches_exports() -> None:
    assert b2kit.__all__ == sorted(b2kit.__all__)
    assert set(b2kit.__all__) == set(b2kit._EXPORTS)


def test_public_names_are_exactly_the_expected_list() -> None:
    assert b2kit.__all__ == EXPECTED_PUBLIC_NAMES


def test_every_public_name_resolves() -> None:
    for name in b2kit.__all__:
        assert getattr(b2kit, name) is not None, name


def test_server_package_imports_no_client_module() -> None:
    code = (
        "import sys, b2kit.server\n"
        "bad = sorted(m for m in sys.modules if m.startswith('b2kit.') and not "
        "(m.startswith('b2kit.server') or m == 'b2kit._protocol'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == ""
