"""b2kit: a Python toolkit for Backblaze B2 (SDK, local B2 server, CLI).

Public names are loaded lazily so that ``import b2kit.server`` never pulls in client code.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> private module that defines it. Keep sorted; tests/test_public_api.py pins it.
_EXPORTS: dict[str, str] = {
    "AbstractAccountInfo": "._account_info",
    "AbstractCache": "._cache",
    "AbstractDownloadDestination": "._download_dest",
    "AbstractProgressListener": "._progress",
    "AccessDenied": "._exceptions",
    "ApplicationKey": "._models",
    "AuthInfoCache": "._cache",
    "B2Api": "._api",
    "B2ConnectionError": "._exceptions",
    "B2Error": "._exceptions",
    "B2Folder": "._sync",
    "B2Http": "._b2http",
    "B2RawApi": "._raw_api",
    "B2RequestTimeout": "._exceptions",
    "B2Session": "._session",
    "BadDateFormat": "._exceptions",
    "BadJson": "._exceptions",
    "BadRequest": "._exceptions",
    "BrokenPipe": "._exceptions",
    "Bucket": "._bucket",
    "BucketIdNotFound": "._exceptions",
    "BucketMissingFileLock": "._exceptions",
    "BucketNotEmpty": "._exceptions",
    "CapExceeded": "._exceptions",
    "ChecksumMismatch": "._exceptions",
    "ClockSkew": "._exceptions",
    "CompareMode": "._sync",
    "Conflict": "._exceptions",
    "CopyManager": "._copy",
    "CopyOptions": "._copy",
    "CopySourceTooBig": "._exceptions",
    "DisablingFileLockNotSupported": "._exceptions",
    "DoNothingProgressListener": "._progress",
    "DownloadCapExceeded": "._exceptions",
    "DownloadDestBytes": "._download_dest",
    "DownloadDestLocalFile": "._download_dest",
    "DownloadDestProgressWrapper": "._download_dest",
    "DownloadManager": "._download",
    "DownloadTuning": "._download",
    "DownloadVersion": "._models",
    "DownloadedFile": "._download",
    "DummyCache": "._cache",
    "DuplicateBucketName": "._exceptions",
    "EnablingFileLockOnRestrictedBucket": "._exceptions",
    "EncryptionMode": "._models",
    "EncryptionSetting": "._models",
    "EventTypeCategoriesError": "._exceptions",
    "EventTypeError": "._exceptions",
    "EventTypeInvalidError": "._exceptions",
    "EventTypeOverlapError": "._exceptions",
    "EventTypesEmptyError": "._exceptions",
    "ExpiredAuthToken": "._exceptions",
    "FileAlreadyHidden": "._exceptions",
    "FileIdAndName": "._models",
    "FileNotPresent": "._exceptions",
    "FileOrBucketNotFound": "._exceptions",
    "FileRetentionSetting": "._models",
    "FileTooLargeError": "._part_planning",
    "FileVersion": "._models",
    "FullApplicationKey": "._models",
    "HttpResponse": "._b2http",
    "InMemoryAccountInfo": "._account_info",
    "InMemoryCache": "._cache",
    "InvalidAuthToken": "._exceptions",
    "InvalidJsonResponse": "._exceptions",
    "InvalidPartSizeError": "._part_planning",
    "InvalidRange": "._exceptions",
    "InvalidUserInput": "._exceptions",
    "LegalHold": "._models",
    "LocalFolder": "._sync",
    "MaxRetriesExceeded": "._exceptions",
    "MetadataDirectiveMode": "._raw_api",
    "MethodNotAllowed": "._exceptions",
    "MissingAccountData": "._exceptions",
    "MissingAuthToken": "._exceptions",
    "MissingPart": "._exceptions",
    "NO_RETENTION": "._models",
    "NewerMode": "._sync",
    "NonExistentBucket": "._exceptions",
    "Part": "._models",
    "PartPlanningError": "._part_planning",
    "PartSha1Mismatch": "._exceptions",
    "PreSeekedDownloadDest": "._download_dest",
    "ProgressListenerForTest": "._progress",
    "RequestTimeout": "._exceptions",
    "ResourceNotFound": "._exceptions",
    "RestrictedBucket": "._exceptions",
    "RestrictedBucketMissing": "._exceptions",
    "RetentionMode": "._models",
    "RetentionWriteError": "._exceptions",
    "RetryPolicy": "._retry",
    "SSECKeyError": "._exceptions",
    "SSE_B2_AES": "._models",
    "SSE_NONE": "._models",
    "ServiceError": "._exceptions",
    "SimpleProgressListener": "._progress",
    "SourceReplicationConflict": "._exceptions",
    "SqliteAccountInfo": "._account_info",
    "StorageCapExceeded": "._exceptions",
    "SyncError": "._sync",
    "SyncListener": "._sync",
    "SyncOptions": "._sync",
    "SyncReport": "._sync",
    "Synchronizer": "._sync",
    "TooManyBuckets": "._exceptions",
    "TooManyRequests": "._exceptions",
    "TransactionCapExceeded": "._exceptions",
    "TruncatedOutput": "._exceptions",
    "Unauthorized": "._exceptions",
    "UnexpectedCloudBehaviour": "._exceptions",
    "UnfinishedLargeFile": "._models",
    "UnknownError": "._exceptions",
    "UnsatisfiableRange": "._exceptions",
    "UnusableFileName": "._exceptions",
    "UploadManager": "._upload",
    "UploadOptions": "._upload",
    "UploadSource": "._upload_source",
    "UploadSourceBytes": "._upload_source",
    "UploadSourceLocalFile": "._upload_source",
    "UploadSourceLocalFileRange": "._upload_source",
    "UploadSourceStream": "._upload_source",
    "UploadTokenUsedConcurrently": "._exceptions",
    "interpret_b2_error": "._exceptions",
    "url_for_api": "._api",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from b2kit._account_info import (
        AbstractAccountInfo as AbstractAccountInfo,
    )
    from b2kit._account_info import (
        InMemoryAccountInfo as InMemoryAccountInfo,
    )
    from b2kit._account_info import (
        SqliteAccountInfo as SqliteAccountInfo,
    )
    from b2kit._api import (
        B2Api as B2Api,
    )
    from b2kit._api import (
        url_for_api as url_for_api,
    )
    from b2kit._b2http import (
        B2Http as B2Http,
    )
    from b2kit._b2http import (
        HttpResponse as HttpResponse,
    )
    from b2kit._bucket import (
        Bucket as Bucket,
    )
    from b2kit._cache import (
        AbstractCache as AbstractCache,
    )
    from b2kit._cache import (
        AuthInfoCache as AuthInfoCache,
    )
    from b2kit._cache import (
        DummyCache as DummyCache,
    )
    from b2kit._cache import (
        InMemoryCache as InMemoryCache,
    )
    from b2kit._copy import (
        CopyManager as CopyManager,
    )
    from b2kit._copy import (
        CopyOptions as CopyOptions,
    )
    from b2kit._download import (
        DownloadedFile as DownloadedFile,
    )
    from b2kit._download import (
        DownloadManager as DownloadManager,
    )
    from b2kit._download import (
        DownloadTuning as DownloadTuning,
    )
    from b2kit._download_dest import (
        AbstractDownloadDestination as AbstractDownloadDestination,
    )
    from b2kit._download_dest import (
        DownloadDestBytes as DownloadDestBytes,
    )
    from b2kit._download_dest import (
        DownloadDestLocalFile as DownloadDestLocalFile,
    )
    from b2kit._download_dest import (
        DownloadDestProgressWrapper as DownloadDestProgressWrapper,
    )
    from b2kit._download_dest import (
        PreSeekedDownloadDest as PreSeekedDownloadDest,
    )
    from b2kit._exceptions import (
        AccessDenied as AccessDenied,
    )
    from b2kit._exceptions import (
        B2ConnectionError as B2ConnectionError,
    )
    from b2kit._exceptions import (
        B2Error as B2Error,
    )
    from b2kit._exceptions import (
        B2RequestTimeout as B2RequestTimeout,
    )
    from b2kit._exceptions import (
        BadDateFormat as BadDateFormat,
    )
    from b2kit._exceptions import (
        BadJson as BadJson,
    )
    from b2kit._exceptions import (
        BadRequest as BadRequest,
    )
    from b2kit._exceptions import (
        BrokenPipe as BrokenPipe,
    )
    from b2kit._exceptions import (
        BucketIdNotFound as BucketIdNotFound,
    )
    from b2kit._exceptions import (
        BucketMissingFileLock as BucketMissingFileLock,
    )
    from b2kit._exceptions import (
        BucketNotEmpty as BucketNotEmpty,
    )
    from b2kit._exceptions import (
        CapExceeded as CapExceeded,
    )
    from b2kit._exceptions import (
        ChecksumMismatch as ChecksumMismatch,
    )
    from b2kit._exceptions import (
        ClockSkew as ClockSkew,
    )
    from b2kit._exceptions import (
        Conflict as Conflict,
    )
    from b2kit._exceptions import (
        CopySourceTooBig as CopySourceTooBig,
    )
    from b2kit._exceptions import (
        DisablingFileLockNotSupported as DisablingFileLockNotSupported,
    )
    from b2kit._exceptions import (
        DownloadCapExceeded as DownloadCapExceeded,
    )
    from b2kit._exceptions import (
        DuplicateBucketName as DuplicateBucketName,
    )
    from b2kit._exceptions import (
        EnablingFileLockOnRestrictedBucket as EnablingFileLockOnRestrictedBucket,
    )
    from b2kit._exceptions import (
        EventTypeCategoriesError as EventTypeCategoriesError,
    )
    from b2kit._exceptions import (
        EventTypeError as EventTypeError,
    )
    from b2kit._exceptions import (
        EventTypeInvalidError as EventTypeInvalidError,
    )
    from b2kit._exceptions import (
        EventTypeOverlapError as EventTypeOverlapError,
    )
    from b2kit._exceptions import (
        EventTypesEmptyError as EventTypesEmptyError,
    )
    from b2kit._exceptions import (
        ExpiredAuthToken as ExpiredAuthToken,
    )
    from b2kit._exceptions import (
        FileAlreadyHidden as FileAlreadyHidden,
    )
    from b2kit._exceptions import (
        FileNotPresent as FileNotPresent,
    )
    from b2kit._exceptions import (
        FileOrBucketNotFound as FileOrBucketNotFound,
    )
    from b2kit._exceptions import (
        InvalidAuthToken as InvalidAuthToken,
    )
    from b2kit._exceptions import (
        InvalidJsonResponse as InvalidJsonResponse,
    )
    from b2kit._exceptions import (
        InvalidRange as InvalidRange,
    )
    from b2kit._exceptions import (
        InvalidUserInput as InvalidUserInput,
    )
    from b2kit._exceptions import (
        MaxRetriesExceeded as MaxRetriesExceeded,
    )
    from b2kit._exceptions import (
        MethodNotAllowed as MethodNotAllowed,
    )
    from b2kit._exceptions import (
        MissingAccountData as MissingAccountData,
    )
    from b2kit._exceptions import (
        MissingAuthToken as MissingAuthToken,
    )
    from b2kit._exceptions import (
        MissingPart as MissingPart,
    )
    from b2kit._exceptions import (
        NonExistentBucket as NonExistentBucket,
    )
    from b2kit._exceptions import (
        PartSha1Mismatch as PartSha1Mismatch,
    )
    from b2kit._exceptions import (
        RequestTimeout as RequestTimeout,
    )
    from b2kit._exceptions import (
        ResourceNotFound as ResourceNotFound,
    )
    from b2kit._exceptions import (
        RestrictedBucket as RestrictedBucket,
    )
    from b2kit._exceptions import (
        RestrictedBucketMissing as RestrictedBucketMissing,
    )
    from b2kit._exceptions import (
        RetentionWriteError as RetentionWriteError,
    )
    from b2kit._exceptions import (
        ServiceError as ServiceError,
    )
    from b2kit._exceptions import (
        SourceReplicationConflict as SourceReplicationConflict,
    )
    from b2kit._exceptions import (
        SSECKeyError as SSECKeyError,
    )
    from b2kit._exceptions import (
        StorageCapExceeded as StorageCapExceeded,
    )
    from b2kit._exceptions import (
        TooManyBuckets as TooManyBuckets,
    )
    from b2kit._exceptions import (
        TooManyRequests as TooManyRequests,
    )
    from b2kit._exceptions import (
        TransactionCapExceeded as TransactionCapExceeded,
    )
    from b2kit._exceptions import (
        TruncatedOutput as TruncatedOutput,
    )
    from b2kit._exceptions import (
        Unauthorized as Unauthorized,
    )
    from b2kit._exceptions import (
        UnexpectedCloudBehaviour as UnexpectedCloudBehaviour,
    )
    from b2kit._exceptions import (
        UnknownError as UnknownError,
    )
    from b2kit._exceptions import (
        UnsatisfiableRange as UnsatisfiableRange,
    )
    from b2kit._exceptions import (
        UnusableFileName as UnusableFileName,
    )
    from b2kit._exceptions import (
        UploadTokenUsedConcurrently as UploadTokenUsedConcurrently,
    )
    from b2kit._exceptions import (
        interpret_b2_error as interpret_b2_error,
    )
    from b2kit._models import (
        NO_RETENTION as NO_RETENTION,
    )
    from b2kit._models import (
        SSE_B2_AES as SSE_B2_AES,
    )
    from b2kit._models import (
        SSE_NONE as SSE_NONE,
    )
    from b2kit._models import (
        ApplicationKey as ApplicationKey,
    )
    from b2kit._models import (
        DownloadVersion as DownloadVersion,
    )
    from b2kit._models import (
        EncryptionMode as EncryptionMode,
    )
    from b2kit._models import (
        EncryptionSetting as EncryptionSetting,
    )
    from b2kit._models import (
        FileIdAndName as FileIdAndName,
    )
    from b2kit._models import (
        FileRetentionSetting as FileRetentionSetting,
    )
    from b2kit._models import (
        FileVersion as FileVersion,
    )
    from b2kit._models import (
        FullApplicationKey as FullApplicationKey,
    )
    from b2kit._models import (
        LegalHold as LegalHold,
    )
    from b2kit._models import (
        Part as Part,
    )
    from b2kit._models import (
        RetentionMode as RetentionMode,
    )
    from b2kit._models import (
        UnfinishedLargeFile as UnfinishedLargeFile,
    )
    from b2kit._part_planning import (
        FileTooLargeError as FileTooLargeError,
    )
    from b2kit._part_planning import (
        InvalidPartSizeError as InvalidPartSizeError,
    )
    from b2kit._part_planning import (
        PartPlanningError as PartPlanningError,
    )
    from b2kit._progress import (
        AbstractProgressListener as AbstractProgressListener,
    )
    from b2kit._progress import (
        DoNothingProgressListener as DoNothingProgressListener,
    )
    from b2kit._progress import (
        ProgressListenerForTest as ProgressListenerForTest,
    )
    from b2kit._progress import (
        SimpleProgressListener as SimpleProgressListener,
    )
    from b2kit._raw_api import (
        B2RawApi as B2RawApi,
    )
    from b2kit._raw_api import (
        MetadataDirectiveMode as MetadataDirectiveMode,
    )
    from b2kit._retry import (
        RetryPolicy as RetryPolicy,
    )
    from b2kit._session import (
        B2Session as B2Session,
    )
    from b2kit._sync import (
        B2Folder as B2Folder,
    )
    from b2kit._sync import (
        CompareMode as CompareMode,
    )
    from b2kit._sync import (
        LocalFolder as LocalFolder,
    )
    from b2kit._sync import (
        NewerMode as NewerMode,
    )
    from b2kit._sync import (
        SyncError as SyncError,
    )
    from b2kit._sync import (
        Synchronizer as Synchronizer,
    )
    from b2kit._sync import (
        SyncListener as SyncListener,
    )
    from b2kit._sync import (
        SyncOptions as SyncOptions,
    )
    from b2kit._sync import (
        SyncReport as SyncReport,
    )
    from b2kit._upload import (
        UploadManager as UploadManager,
    )
    from b2kit._upload import (
        UploadOptions as UploadOptions,
    )
    from b2kit._upload_source import (
        UploadSource as UploadSource,
    )
    from b2kit._upload_source import (
        UploadSourceBytes as UploadSourceBytes,
    )
    from b2kit._upload_source import (
        UploadSourceLocalFile as UploadSourceLocalFile,
    )
    from b2kit._upload_source import (
        UploadSourceLocalFileRange as UploadSourceLocalFileRange,
    )
    from b2kit._upload_source import (
        UploadSourceStream as UploadSourceStream,
    )


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'b2kit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
