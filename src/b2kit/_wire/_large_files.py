"""Large-file and server-side copy endpoints (protocol §6): start / finish / cancel, list parts and
unfinished files, copy a file or a part."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from b2kit._exceptions import SSECKeyError
from b2kit._models import (
    JSON,
    EncryptionMode,
    EncryptionSetting,
    FileRetentionSetting,
    LegalHold,
    Part,
    UnfinishedLargeFile,
)
from b2kit._wire._answered import AnswersFileIdAndName, AnswersPart, AnswersVersion
from b2kit._wire._call import ApiCall, PagedCall, wire
from b2kit._wire._file_settings import NewFileSettings
from b2kit._wire._urls import check_b2_filename, range_header


class MetadataDirectiveMode(StrEnum):
    """Whether a copy keeps the source's content type and file info (COPY) or takes new ones (REPLACE)."""

    COPY = "COPY"
    REPLACE = "REPLACE"


@dataclass(frozen=True)
class StartLargeFile(ApiCall[UnfinishedLargeFile]):
    endpoint = "b2_start_large_file"
    bucket_id: str
    file_name: str
    settings: NewFileSettings = field(default_factory=NewFileSettings)

    def __post_init__(self) -> None:
        check_b2_filename(self.file_name)

    def params(self) -> JSON:
        return {"bucketId": self.bucket_id, "fileName": self.file_name, **self.settings.start_fields()}

    def parse(self, answer: JSON) -> UnfinishedLargeFile:
        return UnfinishedLargeFile.from_api_response(answer)


@dataclass(frozen=True)
class FinishLargeFile(AnswersVersion):
    endpoint = "b2_finish_large_file"
    file_id: str
    part_sha1_array: Sequence[str]


@dataclass(frozen=True)
class CancelLargeFile(AnswersFileIdAndName):
    endpoint = "b2_cancel_large_file"
    file_id: str


@dataclass(frozen=True)
class ListParts(PagedCall[Part]):
    """One page of a large file's parts; ``nextPartNumber`` in the answer starts the next."""

    endpoint = "b2_list_parts"
    items_key = "parts"
    page_size_field = "max_part_count"
    file_id: str
    start_part_number: int | None = None
    max_part_count: int | None = None

    def parse_item(self, item: JSON) -> Part:
        return Part.from_list_parts_dict(item)

    def cursor(self, answer: JSON) -> dict[str, Any] | None:
        start = answer.get("nextPartNumber")
        return {"start_part_number": start} if start else None


@dataclass(frozen=True)
class ListUnfinishedLargeFiles(PagedCall[UnfinishedLargeFile]):
    """One page of unfinished large files; ``nextFileId`` in the answer starts the next."""

    endpoint = "b2_list_unfinished_large_files"
    items_key = "files"
    page_size_field = "max_file_count"
    bucket_id: str
    start_file_id: str | None = None
    max_file_count: int | None = None
    name_prefix: str | None = None

    def parse_item(self, item: JSON) -> UnfinishedLargeFile:
        return UnfinishedLargeFile.from_api_response(item)

    def cursor(self, answer: JSON) -> dict[str, Any] | None:
        start = answer.get("nextFileId")
        return {"start_file_id": start} if start else None


def _unless_none_mode(setting: EncryptionSetting) -> JSON | None:
    """A destination encryption is sent unless its mode is NONE."""
    return None if setting.mode is EncryptionMode.NONE else setting.to_request_json()


def _only_sse_c(setting: EncryptionSetting) -> JSON | None:
    """A source encryption is sent only for SSE-C (its key is needed to read the source)."""
    return setting.to_request_json() if setting.mode is EncryptionMode.SSE_C else None


@dataclass(frozen=True)
class CopyFile(AnswersVersion):
    """b2_copy_file; COPY takes neither content type nor file info, REPLACE needs a content type."""

    endpoint = "b2_copy_file"
    denied_as = SSECKeyError
    source_file_id: str
    file_name: str
    bytes_range: tuple[int, int] | None = field(default=None, metadata=wire("range", range_header))
    metadata_directive: MetadataDirectiveMode | None = None
    content_type: str | None = None
    file_info: Mapping[str, str] | None = None
    destination_bucket_id: str | None = None
    destination_server_side_encryption: EncryptionSetting | None = field(
        default=None, metadata=wire(convert=_unless_none_mode)
    )
    source_server_side_encryption: EncryptionSetting | None = field(
        default=None, metadata=wire(convert=_only_sse_c)
    )
    file_retention: FileRetentionSetting | None = None
    legal_hold: LegalHold | None = None

    def __post_init__(self) -> None:
        if self.metadata_directive is not None:
            object.__setattr__(self, "metadata_directive", MetadataDirectiveMode(self.metadata_directive))
        has_metadata = self.content_type is not None or self.file_info is not None
        if self.metadata_directive is MetadataDirectiveMode.COPY and has_metadata:
            raise ValueError("content_type and file_info must be None when metadata_directive is COPY")
        if self.metadata_directive is MetadataDirectiveMode.REPLACE and self.content_type is None:
            raise ValueError("content_type is required when metadata_directive is REPLACE")
        if self.bytes_range is not None:
            range_header(self.bytes_range)


@dataclass(frozen=True)
class CopyPart(AnswersPart):
    endpoint = "b2_copy_part"
    denied_as = SSECKeyError
    source_file_id: str
    large_file_id: str
    part_number: int
    bytes_range: tuple[int, int] | None = field(default=None, metadata=wire("range", range_header))
    destination_server_side_encryption: EncryptionSetting | None = field(
        default=None, metadata=wire(convert=_unless_none_mode)
    )
    source_server_side_encryption: EncryptionSetting | None = field(
        default=None, metadata=wire(convert=_only_sse_c)
    )
