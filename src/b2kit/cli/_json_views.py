"""The JSON the CLI prints for SDK objects that have no ``as_dict`` of their own (B2 field names)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from b2kit import (
    ApplicationKey,
    DownloadVersion,
    FileVersion,
    FullApplicationKey,
    Part,
    UnfinishedLargeFile,
)

_DOWNLOAD_FIELDS: Final = {
    "fileId": "id_",
    "fileName": "file_name",
    "size": "size",
    "contentType": "content_type",
    "contentSha1": "content_sha1",
    "uploadTimestamp": "upload_timestamp",
}
_PART_FIELDS: Final = {
    "fileId": "file_id",
    "partNumber": "part_number",
    "contentLength": "content_length",
    "contentSha1": "content_sha1",
    "contentMd5": "content_md5",
    "uploadTimestamp": "upload_timestamp",
}
_UNFINISHED_FIELDS: Final = {
    "fileId": "file_id",
    "fileName": "file_name",
    "bucketId": "bucket_id",
    "contentType": "content_type",
    "uploadTimestamp": "upload_timestamp",
}


def _fields(value: object, fields: Mapping[str, str]) -> dict[str, Any]:
    """The attributes ``fields`` names (B2 JSON name -> attribute) of ``value``."""
    return {name: getattr(value, attribute) for name, attribute in fields.items()}


def file_json(version: FileVersion | DownloadVersion) -> dict[str, Any]:
    """A file version as B2 spells it (``as_dict`` for listed versions, headers for HEAD results)."""
    if isinstance(version, FileVersion):
        return version.as_dict()
    return {**_fields(version, _DOWNLOAD_FIELDS), "fileInfo": dict(version.file_info), "action": "upload"}


def part_json(part: Part) -> dict[str, Any]:
    return _fields(part, _PART_FIELDS)


def unfinished_json(unfinished: UnfinishedLargeFile) -> dict[str, Any]:
    return {**_fields(unfinished, _UNFINISHED_FIELDS), "fileInfo": dict(unfinished.file_info)}


def key_json(key: ApplicationKey) -> dict[str, Any]:
    """A key as listed; the secret appears only for a key just created."""
    data: dict[str, Any] = {
        "applicationKeyId": key.id_,
        "keyName": key.key_name,
        "capabilities": list(key.capabilities),
        "accountId": key.account_id,
        "bucketIds": list(key.bucket_ids) if key.bucket_ids is not None else None,
        "namePrefix": key.name_prefix,
        "expirationTimestamp": key.expiration_timestamp_millis,
        "options": list(key.options),
    }
    if isinstance(key, FullApplicationKey):
        data["applicationKey"] = key.application_key
    return data
