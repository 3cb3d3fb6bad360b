"""File endpoints (protocol §6): listings, file info, hide, delete, Object Lock changes, download tokens,
upload URLs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from b2kit._exceptions import RetentionWriteError
from b2kit._models import JSON, FileRetentionSetting, FileVersion, LegalHold
from b2kit._wire._answered import AnswersFileIdAndName, AnswersUploadUrl, AnswersVersion
from b2kit._wire._answers import DownloadAuthorization, LegalHoldUpdate, RetentionUpdate
from b2kit._wire._call import ApiCall, PagedCall


class _VersionListing(PagedCall[FileVersion]):
    """What the two file listings share: their items are file versions."""

    items_key = "files"
    page_size_field = "max_file_count"

    def parse_item(self, item: JSON) -> FileVersion:
        return FileVersion.from_api_response(item)


@dataclass(frozen=True)
class ListFileNames(_VersionListing):
    """One page of current versions; ``nextFileName`` in the answer starts the next."""

    endpoint = "b2_list_file_names"
    bucket_id: str
    start_file_name: str | None = None
    max_file_count: int | None = None
    prefix: str | None = None

    def cursor(self, answer: JSON) -> dict[str, Any] | None:
        start = answer.get("nextFileName")
        return {"start_file_name": start} if start else None


@dataclass(frozen=True)
class ListFileVersions(_VersionListing):
    """One page of every version; ``nextFileName`` / ``nextFileId`` in the answer start the next."""

    endpoint = "b2_list_file_versions"
    bucket_id: str
    start_file_name: str | None = None
    start_file_id: str | None = None
    max_file_count: int | None = None
    prefix: str | None = None

    def cursor(self, answer: JSON) -> dict[str, Any] | None:
        start = answer.get("nextFileName")
        return {"start_file_name": start, "start_file_id": answer.get("nextFileId")} if start else None


@dataclass(frozen=True)
class GetFileInfo(AnswersVersion):
    endpoint = "b2_get_file_info"
    file_id: str


@dataclass(frozen=True)
class HideFile(AnswersVersion):
    endpoint = "b2_hide_file"
    bucket_id: str
    file_name: str


@dataclass(frozen=True)
class DeleteFileVersion(AnswersFileIdAndName):
    endpoint = "b2_delete_file_version"
    file_id: str
    file_name: str
    bypass_governance: bool = False


@dataclass(frozen=True)
class UpdateFileRetention(ApiCall[RetentionUpdate]):
    endpoint = "b2_update_file_retention"
    denied_as = RetentionWriteError
    file_id: str
    file_name: str
    file_retention: FileRetentionSetting
    bypass_governance: bool = False

    def parse(self, answer: JSON) -> RetentionUpdate:
        return RetentionUpdate.from_json(answer)


@dataclass(frozen=True)
class UpdateFileLegalHold(ApiCall[LegalHoldUpdate]):
    endpoint = "b2_update_file_legal_hold"
    denied_as = RetentionWriteError
    file_id: str
    file_name: str
    legal_hold: LegalHold

    def parse(self, answer: JSON) -> LegalHoldUpdate:
        return LegalHoldUpdate.from_json(answer)


@dataclass(frozen=True)
class GetDownloadAuthorization(ApiCall[DownloadAuthorization]):
    endpoint = "b2_get_download_authorization"
    bucket_id: str
    file_name_prefix: str
    valid_duration_in_seconds: int

    def parse(self, answer: JSON) -> DownloadAuthorization:
        return DownloadAuthorization.from_json(answer)


@dataclass(frozen=True)
class GetUploadUrl(AnswersUploadUrl):
    """An upload URL and its token for small files of a bucket."""

    endpoint = "b2_get_upload_url"
    bucket_id: str


@dataclass(frozen=True)
class GetUploadPartUrl(AnswersUploadUrl):
    """An upload URL and its token for the parts of one large file."""

    endpoint = "b2_get_upload_part_url"
    file_id: str
