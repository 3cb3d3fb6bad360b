"""What ``Bucket`` and its asyncio twin ``AsyncBucket`` share: everything but the I/O.

The bucket's state (its settings as B2 answered them, ``as_dict``, equality by id), the request each method
sends (a ``b2kit._wire`` description inside an :class:`~b2kit._api._steps.Exchange` or a listing's
:class:`~b2kit._api._steps.PageSteps`), b2sdk's argument spellings folded into options objects, and how an
answer becomes the method's result. ``Bucket`` runs these with ``b2kit._api._drive``, ``AsyncBucket`` with
``b2kit.aio._drive``; each keeps only its public signatures and those calls.

A bucket knows its owner only as :class:`AccountOwner` (the account id); the twins narrow that to what they
call (``b2kit._api._owner.BucketOwner``, ``b2kit.aio._owner.AsyncBucketOwner``), so no bucket module imports
the API module that creates buckets.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

from b2kit import _protocol as p
from b2kit._api._b2sdk_spellings import (
    CopyKeywords,
    HeaderKeywords,
    copy_options,
    one_name_listing,
    upload_options,
)
from b2kit._api._ls import LIST_FILE_NAMES_MAX, LsQuery, LsSteps
from b2kit._api._steps import Exchange, Listing, as_is
from b2kit._models import (
    JSON,
    EncryptionSetting,
    FileRetentionSetting,
    FileVersion,
    LegalHold,
    UnfinishedLargeFile,
)
from b2kit._transfer._copy import CopyOptions
from b2kit._transfer._download_dest import AbstractDownloadDestination
from b2kit._transfer._progress import AbstractProgressListener
from b2kit._transfer._upload import UploadOptions
from b2kit._transfer._upload_source import UploadSourceLocalFile
from b2kit._wire import (
    BucketRecord,
    DownloadAuthorization,
    GetBucketNotificationRules,
    GetDownloadAuthorization,
    GetFileInfo,
    HideFile,
    LegalHoldUpdate,
    ListFileNames,
    ListFileVersions,
    ListUnfinishedLargeFiles,
    RetentionUpdate,
    SetBucketNotificationRules,
    UpdateBucket,
    UpdateFileLegalHold,
    UpdateFileRetention,
)

DEFAULT_UNFINISHED_BATCH = p.MAX_UNFINISHED_LIST_COUNT


class AccountOwner(Protocol):
    """What every bucket needs from the API object that made it."""

    def get_account_id(self) -> str: ...


OwnerT = TypeVar("OwnerT", bound=AccountOwner)


def upload_options_of(
    options: UploadOptions | None,
    content_type: str | None,
    file_info: Mapping[str, str] | None,
    b2sdk_keywords: Mapping[str, Any],
    method: str,
) -> UploadOptions:
    """One UploadOptions from ``options``, the plain ``content_type`` / ``file_info`` and b2sdk's keywords."""
    opts = options or UploadOptions()
    if content_type is not None:
        opts = dataclasses.replace(opts, content_type=content_type)
    if file_info is not None:
        opts = dataclasses.replace(opts, file_info=dict(file_info))
    return upload_options(opts, b2sdk_keywords, method)


def with_local_mtime(options: UploadOptions, source: UploadSourceLocalFile) -> UploadOptions:
    """``options`` recording the local file's mtime as ``src_last_modified_millis`` (unless given)."""
    mtime = source.last_modified_millis
    if mtime is None or p.SRC_LAST_MODIFIED_MILLIS in options.file_info:
        return options
    return dataclasses.replace(
        options, file_info={**options.file_info, p.SRC_LAST_MODIFIED_MILLIS: str(mtime)}
    )


def stream_keywords(
    encryption: EncryptionSetting | None,
    file_retention: FileRetentionSetting | None,
    legal_hold: LegalHold | None,
    large_file_sha1: str | None,
    custom_upload_timestamp: int | None,
    header_keywords: HeaderKeywords,
) -> dict[str, Any]:
    """The settings b2sdk's ``upload_unbound_stream`` takes as plain arguments, as upload keywords."""
    return {
        "encryption": encryption,
        "file_retention": file_retention,
        "legal_hold": legal_hold,
        "large_file_sha1": large_file_sha1,
        "custom_upload_timestamp": custom_upload_timestamp,
        **header_keywords,
    }


@dataclasses.dataclass(frozen=True)
class CopyArguments:
    """The plain arguments of ``copy`` that change its options (b2sdk's positional ones)."""

    content_type: str | None = None
    file_info: Mapping[str, str] | None = None
    offset: int = 0
    length: int | None = None


def dest_and_listener(
    download_dest: AbstractDownloadDestination | AbstractProgressListener | None,
    progress_listener: AbstractProgressListener | None,
) -> tuple[AbstractDownloadDestination | None, AbstractProgressListener | None]:
    """b2sdk 2.x passes the progress listener second: take it as ``progress_listener``."""
    if isinstance(download_dest, AbstractProgressListener):
        return None, download_dest
    return download_dest, progress_listener


class BucketCore(Generic[OwnerT]):
    """One bucket of the account: its settings, and what its methods ask B2 (see the module docstring)."""

    _kind: ClassVar[str] = "Bucket"
    """The class name in ``repr``; buckets of the same kind with the same id are equal."""

    def __init__(
        self,
        api: OwnerT,
        id_: str,
        name: str | None = None,
        type_: str | None = None,
        bucket_info: Mapping[str, str] | None = None,
        cors_rules: Sequence[Mapping[str, Any]] | None = None,
        lifecycle_rules: Sequence[Mapping[str, Any]] | None = None,
        revision: int | None = None,
        bucket_dict: Mapping[str, Any] | None = None,
    ) -> None:
        self.api = api
        self.id_ = id_
        self.name = name
        self.type_ = type_
        self.bucket_info = dict(bucket_info or {})
        self.cors_rules = list(cors_rules or [])
        self.lifecycle_rules = list(lifecycle_rules or [])
        self.revision = revision
        self.bucket_dict = dict(bucket_dict or {})

    @classmethod
    def from_api_bucket_dict(cls, api: OwnerT, bucket_dict: Mapping[str, Any]) -> Self:
        """A bucket from a bucket JSON object (protocol §4.5)."""
        return cls._from_record(api, BucketRecord.from_json(bucket_dict))

    @classmethod
    def _from_record(cls, api: OwnerT, record: BucketRecord) -> Self:
        """A bucket from B2's description of it."""
        bucket = cls(api, record.bucket_id)
        bucket._load(record)
        return bucket

    def _load(self, record: BucketRecord) -> None:
        """Take the settings of B2's description of the bucket."""
        self.name = record.bucket_name
        self.type_ = record.bucket_type
        self.bucket_info = dict(record.bucket_info)
        self.cors_rules = list(record.cors_rules)
        self.lifecycle_rules = list(record.lifecycle_rules)
        self.revision = record.revision
        self.bucket_dict = dict(record.raw)

    def _named(self) -> str:
        """The bucket's name, once looked up."""
        if self.name is None:
            raise ValueError(f"bucket {self.id_} has no name")
        return self.name

    def get_id(self) -> str:
        return self.id_

    def as_dict(self) -> dict[str, Any]:
        """The bucket's JSON shape (what B2 returned, with our current knowledge of its settings)."""
        return {
            **self.bucket_dict,
            "accountId": self.bucket_dict.get("accountId", self.api.get_account_id()),
            "bucketId": self.id_,
            "bucketName": self.name,
            "bucketType": self.type_,
            "bucketInfo": self.bucket_info,
            "corsRules": self.cors_rules,
            "lifecycleRules": self.lifecycle_rules,
            "revision": self.revision,
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BucketCore) and other._kind == self._kind and other.id_ == self.id_

    def __hash__(self) -> int:
        return hash(self.id_)

    def __repr__(self) -> str:
        return f"{self._kind}<{self.id_},{self.name},{self.type_}>"

    # --- bucket settings -----------------------------------------------------------------------------------

    def _update(
        self,
        bucket_type: str | None,
        bucket_info: Mapping[str, str] | None,
        cors_rules: Sequence[Mapping[str, Any]] | None,
        lifecycle_rules: Sequence[Mapping[str, Any]] | None,
        if_revision_is: int | None,
        default_server_side_encryption: EncryptionSetting | None,
        default_retention: Mapping[str, Any] | None,
        is_file_lock_enabled: bool | None,
    ) -> Exchange[BucketRecord, Self]:
        """``update``: this bucket takes the answer's settings, and a new bucket object is returned."""
        call = UpdateBucket(
            self.api.get_account_id(),
            self.id_,
            bucket_type=bucket_type,
            bucket_info=bucket_info,
            cors_rules=cors_rules,
            lifecycle_rules=lifecycle_rules,
            if_revision_is=if_revision_is,
            default_server_side_encryption=default_server_side_encryption,
            default_retention=default_retention,
            file_lock_enabled=is_file_lock_enabled,
        )
        return Exchange(call, self._updated)

    def _updated(self, record: BucketRecord) -> Self:
        self._load(record)
        return self._from_record(self.api, record)

    def _get_notification_rules(self) -> Exchange[list[JSON], list[JSON]]:
        return Exchange(GetBucketNotificationRules(self.id_), list)

    def _set_notification_rules(self, rules: Sequence[Mapping[str, Any]]) -> Exchange[list[JSON], list[JSON]]:
        return Exchange(SetBucketNotificationRules(self.id_, rules), list)

    # --- listing -------------------------------------------------------------------------------------------

    def _file_names(
        self, start_filename: str | None, max_entries: int | None, prefix: str | None
    ) -> Listing[FileVersion]:
        first = ListFileNames(self.id_, start_filename, LIST_FILE_NAMES_MAX, prefix)
        return Listing(first, max_entries)

    def _file_versions(
        self,
        start_filename: str | None,
        start_file_id: str | int | None,
        max_entries: int | None,
        prefix: str | None,
        file_name: str | None,
        fetch_count: int | None,
    ) -> Listing[FileVersion]:
        """Every version from ``start_filename``; in b2sdk 2.x's form the versions of one name only."""
        one_name = one_name_listing(start_filename, start_file_id, file_name, fetch_count)
        if one_name is not None:
            return self._versions_of(*one_name)
        start_id = None if isinstance(start_file_id, int) else start_file_id
        first = ListFileVersions(self.id_, start_filename, start_id, LIST_FILE_NAMES_MAX, prefix)
        return Listing(first, max_entries)

    def _versions_of(self, file_name: str, fetch_count: int | None) -> Listing[FileVersion]:
        """The versions of exactly ``file_name``, newest first, ``fetch_count`` per request."""
        page = fetch_count or LIST_FILE_NAMES_MAX
        first = ListFileVersions(self.id_, file_name, None, page, file_name)
        return Listing(first, goes_on=lambda v: v.file_name == file_name)

    def _ls(self, query: LsQuery) -> LsSteps:
        return LsSteps(self.id_, query)

    def _unfinished_large_files(
        self, start_file_id: str | None, batch_size: int | None, prefix: str | None
    ) -> Listing[UnfinishedLargeFile]:
        count = min(batch_size or DEFAULT_UNFINISHED_BATCH, DEFAULT_UNFINISHED_BATCH)
        first = ListUnfinishedLargeFiles(self.id_, start_file_id, count, prefix)
        return Listing(first)

    # --- single requests -----------------------------------------------------------------------------------

    def _file_info_by_id(self, file_id: str) -> Exchange[FileVersion, FileVersion]:
        return Exchange(GetFileInfo(file_id), as_is)

    def _download_authorization(
        self, file_name_prefix: str, valid_duration_in_seconds: int
    ) -> Exchange[DownloadAuthorization, str]:
        call = GetDownloadAuthorization(self.id_, file_name_prefix, valid_duration_in_seconds)
        return Exchange(call, lambda answer: answer.authorization_token)

    def _hide_file(self, file_name: str) -> Exchange[FileVersion, FileVersion]:
        return Exchange(HideFile(self.id_, file_name), as_is)

    def _update_file_retention(
        self, file_id: str, file_name: str, file_retention: FileRetentionSetting, bypass_governance: bool
    ) -> Exchange[RetentionUpdate, FileRetentionSetting]:
        call = UpdateFileRetention(file_id, file_name, file_retention, bypass_governance)
        return Exchange(call, lambda answer: answer.file_retention)

    def _update_file_legal_hold(
        self, file_id: str, file_name: str, legal_hold: LegalHold
    ) -> Exchange[LegalHoldUpdate, LegalHold | None]:
        call = UpdateFileLegalHold(file_id, file_name, legal_hold)
        return Exchange(call, lambda answer: answer.legal_hold)

    # --- transfers -----------------------------------------------------------------------------------------

    def _copy_options(
        self, options: CopyOptions | None, arguments: CopyArguments, b2sdk_keywords: CopyKeywords
    ) -> CopyOptions:
        """``copy``'s options: into this bucket unless told otherwise; given metadata wins."""
        return copy_options(
            options,
            b2sdk_keywords,
            destination_bucket_id=self.id_,
            content_type=arguments.content_type,
            file_info=arguments.file_info,
            offset=arguments.offset,
            length=arguments.length,
        )
