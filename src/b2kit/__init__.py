"""b2kit: a Python toolkit for Backblaze B2 (SDK, local B2 server, CLI).

The public API is declared once, by the ``if TYPE_CHECKING`` imports below: type checkers read them, and at
run time :func:`_public_names` reads the same block from this file to build ``__all__`` and the lazy loader.
Names are loaded on first use so that ``import b2kit.server`` never pulls in client code.
"""

# ruff: noqa: I001 - one import statement per module keeps the public API declaration short
from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - the declaration; run time reads it via _public_names()
    from b2kit._account_info import (
        AbstractAccountInfo as AbstractAccountInfo,
        InMemoryAccountInfo as InMemoryAccountInfo,
        SqliteAccountInfo as SqliteAccountInfo,
    )
    from b2kit._account_info._cache import (
        AbstractCache as AbstractCache,
        AuthInfoCache as AuthInfoCache,
        DummyCache as DummyCache,
        InMemoryCache as InMemoryCache,
    )
    from b2kit._api._b2api import (
        B2Api as B2Api,
        url_for_api as url_for_api,
    )
    from b2kit._api._bucket import (
        Bucket as Bucket,
    )
    from b2kit._api._listing_filters import (
        Filter as Filter,
    )
    from b2kit._exceptions import (
        AccessDenied as AccessDenied,
        B2ConnectionError as B2ConnectionError,
        B2Error as B2Error,
        B2RequestTimeout as B2RequestTimeout,
        BadDateFormat as BadDateFormat,
        BadJson as BadJson,
        BadRequest as BadRequest,
        BrokenPipe as BrokenPipe,
        BucketIdNotFound as BucketIdNotFound,
        BucketMissingFileLock as BucketMissingFileLock,
        BucketNotEmpty as BucketNotEmpty,
        CapExceeded as CapExceeded,
        ChecksumMismatch as ChecksumMismatch,
        ClockSkew as ClockSkew,
        Conflict as Conflict,
        CopySourceTooBig as CopySourceTooBig,
        DisablingFileLockNotSupported as DisablingFileLockNotSupported,
        DownloadCapExceeded as DownloadCapExceeded,
        DuplicateBucketName as DuplicateBucketName,
        EnablingFileLockOnRestrictedBucket as EnablingFileLockOnRestrictedBucket,
        EventTypeCategoriesError as EventTypeCategoriesError,
        EventTypeError as EventTypeError,
        EventTypeInvalidError as EventTypeInvalidError,
        EventTypeOverlapError as EventTypeOverlapError,
        EventTypesEmptyError as EventTypesEmptyError,
        ExpiredAuthToken as ExpiredAuthToken,
        FileAlreadyHidden as FileAlreadyHidden,
        FileNotPresent as FileNotPresent,
        FileOrBucketNotFound as FileOrBucketNotFound,
        InvalidAuthToken as InvalidAuthToken,
        InvalidJsonResponse as InvalidJsonResponse,
        InvalidRange as InvalidRange,
        InvalidUserInput as InvalidUserInput,
        MaxRetriesExceeded as MaxRetriesExceeded,
        MethodNotAllowed as MethodNotAllowed,
        MissingAccountData as MissingAccountData,
        MissingAuthToken as MissingAuthToken,
        MissingPart as MissingPart,
        NonExistentBucket as NonExistentBucket,
        PartSha1Mismatch as PartSha1Mismatch,
        RequestTimeout as RequestTimeout,
        ResourceNotFound as ResourceNotFound,
        RestrictedBucket as RestrictedBucket,
        RestrictedBucketMissing as RestrictedBucketMissing,
        RetentionWriteError as RetentionWriteError,
        ServiceError as ServiceError,
        SourceReplicationConflict as SourceReplicationConflict,
        SSECKeyError as SSECKeyError,
        StorageCapExceeded as StorageCapExceeded,
        TooManyBuckets as TooManyBuckets,
        TooManyRequests as TooManyRequests,
        TransactionCapExceeded as TransactionCapExceeded,
        TruncatedOutput as TruncatedOutput,
        Unauthorized as Unauthorized,
        UnexpectedCloudBehaviour as UnexpectedCloudBehaviour,
        UnknownError as UnknownError,
        UnsatisfiableRange as UnsatisfiableRange,
        UnusableFileName as UnusableFileName,
        UploadTokenUsedConcurrently as UploadTokenUsedConcurrently,
        interpret_b2_error as interpret_b2_error,
    )
    from b2kit._models import (
        NO_RETENTION as NO_RETENTION,
        SSE_B2_AES as SSE_B2_AES,
        SSE_NONE as SSE_NONE,
        ApplicationKey as ApplicationKey,
        DownloadVersion as DownloadVersion,
        EncryptionMode as EncryptionMode,
        EncryptionSetting as EncryptionSetting,
        FileIdAndName as FileIdAndName,
        FileRetentionSetting as FileRetentionSetting,
        FileVersion as FileVersion,
        FullApplicationKey as FullApplicationKey,
        LegalHold as LegalHold,
        Part as Part,
        RetentionMode as RetentionMode,
        UnfinishedLargeFile as UnfinishedLargeFile,
    )
    from b2kit._raw._raw_api import (
        B2RawApi as B2RawApi,
        MetadataDirectiveMode as MetadataDirectiveMode,
    )
    from b2kit._session._session import (
        B2Session as B2Session,
    )
    from b2kit._transfer._copy import (
        CopyManager as CopyManager,
        CopyOptions as CopyOptions,
    )
    from b2kit._transfer._download import (
        DownloadedFile as DownloadedFile,
        DownloadManager as DownloadManager,
        DownloadTuning as DownloadTuning,
    )
    from b2kit._transfer._download_dest import (
        AbstractDownloadDestination as AbstractDownloadDestination,
        DownloadDestBytes as DownloadDestBytes,
        DownloadDestLocalFile as DownloadDestLocalFile,
        DownloadDestProgressWrapper as DownloadDestProgressWrapper,
        PreSeekedDownloadDest as PreSeekedDownloadDest,
    )
    from b2kit._transfer._part_planning import (
        FileTooLargeError as FileTooLargeError,
        InvalidPartSizeError as InvalidPartSizeError,
        PartPlanningError as PartPlanningError,
    )
    from b2kit._transfer._progress import (
        AbstractProgressListener as AbstractProgressListener,
        DoNothingProgressListener as DoNothingProgressListener,
        ProgressListenerForTest as ProgressListenerForTest,
        SimpleProgressListener as SimpleProgressListener,
    )
    from b2kit._transfer._terminal_progress import (
        RecentRateColumn as RecentRateColumn,
        RichProgressListener as RichProgressListener,
        TerminalProgressListener as TerminalProgressListener,
        transfer_bar as transfer_bar,
    )
    from b2kit._transfer._upload import (
        UploadManager as UploadManager,
        UploadOptions as UploadOptions,
    )
    from b2kit._transfer._upload_source import (
        UploadSource as UploadSource,
        UploadSourceBytes as UploadSourceBytes,
        UploadSourceLocalFile as UploadSourceLocalFile,
        UploadSourceLocalFileRange as UploadSourceLocalFileRange,
        UploadSourceStream as UploadSourceStream,
    )
    from b2kit._transfer._write_intents import (
        CopySource as CopySource,
        WriteIntent as WriteIntent,
    )
    from b2kit._transport._http import (
        B2Http as B2Http,
        HttpResponse as HttpResponse,
    )
    from b2kit._transport._retry import (
        RetryPolicy as RetryPolicy,
    )
    from b2kit.sync import (
        B2Folder as B2Folder,
        CompareMode as CompareMode,
        LocalFolder as LocalFolder,
        NewerMode as NewerMode,
        SyncError as SyncError,
        Synchronizer as Synchronizer,
        SyncListener as SyncListener,
        SyncOptions as SyncOptions,
        SyncReport as SyncReport,
    )


def _public_names() -> dict[str, str]:
    """Public name -> defining module, read from the ``if TYPE_CHECKING`` block of this file."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If))
    return {
        alias.name: str(node.module)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


if TYPE_CHECKING:  # pragma: no cover
    __version__: str

_EXPORTS = _public_names()
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name == "__version__":  # in its own module so that the transport can name it without this package
        return importlib.import_module("b2kit._version").__version__
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'b2kit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
