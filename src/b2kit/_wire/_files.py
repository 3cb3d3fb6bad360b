"""File endpoints (protocol §6): listings, file info, hide, delete, Object Lock changes, download tokens,
upload URLs."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from b2kit._exceptions import RetentionWriteError
from b2kit._models import JSON, FileRetentionSetting, LegalHold
from b2kit._wire._call import JsonCall, PagedCall


@dataclass(frozen=True)
class ListFileNames(PagedCall):
    """One page of current versions; ``nextFileName`` in the answer starts the next."""

    endpoint = "b2_list_file_names"
    items_key = "files"
    page_size_field = "max_file_count"
    bucket_id: str
    start_file_name: str | None = None
    max_file_count: int | None = None
    prefix: str | None = None

    def next_page(self, answer: JSON) -> ListFileNames | None:
        start = answer.get("nextFileName")
        return dataclasses.replace(self, start_file_name=start) if start else None


@dataclass(frozen=True)
class ListFileVersions(PagedCall):
    """One page of every version; ``nextFileName`` / ``nextFileId`` in the answer start the next."""

    endpoint = "b2_list_file_versions"
    items_key = "files"
    page_size_field = "max_file_count"
    bucket_id: str
    start_file_name: str | None = None
    start_file_id: str | None = None
    max_file_count: int | None = None
    prefix: str | None = None

    def next_page(self, answer: JSON) -> ListFileVersions | None:
        start = answer.get("nextFileName")
        if not start:
            return None
        return dataclasses.replace(self, start_file_name=start, start_file_id=answer.get("nextFileId"))


@dataclass(frozen=True)
class GetFileInfo(JsonCall):
    endpoint = "b2_get_file_info"
    file_id: str


@dataclass(frozen=True)
class HideFile(JsonCall):
    endpoint = "b2_hide_file"
    bucket_id: str
    file_name: str


@dataclass(frozen=True)
class DeleteFileVersion(JsonCall):
    endpoint = "b2_delete_file_version"
    file_id: str
    file_name: str
    bypass_governance: bool = False


@dataclass(frozen=True)
class UpdateFileRetention(JsonCall):
    endpoint = "b2_update_file_retention"
    denied_as = RetentionWriteError
    file_id: str
    file_name: str
    file_retention: FileRetentionSetting
    bypass_governance: bool = False


@dataclass(frozen=True)
class UpdateFileLegalHold(JsonCall):
    endpoint = "b2_update_file_legal_hold"
    denied_as = RetentionWriteError
    file_id: str
    file_name: str
    legal_hold: LegalHold


@dataclass(frozen=True)
class GetDownloadAuthorization(JsonCall):
    endpoint = "b2_get_download_authorization"
    bucket_id: str
    file_name_prefix: str
    valid_duration_in_seconds: int


@dataclass(frozen=True)
class GetUploadUrl(JsonCall):
    """An upload URL and its token for small files of a bucket."""

    endpoint = "b2_get_upload_url"
    bucket_id: str


@dataclass(frozen=True)
class GetUploadPartUrl(JsonCall):
    """An upload URL and its token for the parts of one large file."""

    endpoint = "b2_get_upload_part_url"
    file_id: str
