"""The JSON the CLI prints for SDK objects that have no ``as_dict`` of their own (B2 field names)."""

from __future__ import annotations

from typing import Any

from b2kit import (
    ApplicationKey,
    DownloadVersion,
    FileVersion,
    FullApplicationKey,
    Part,
    UnfinishedLargeFile,
)


def file_json(version: FileVersion | DownloadVersion) -> dict[str, Any]:
    """A file version as B2 spells it (``as_dict`` for listed versions, headers for HEAD results)."""
    if isinstance(version, FileVersion):
        return version.as_dict()
    return {
        "fileId": version.id_,
        "fileName": version.file_name,
        "size": version.size,
        "contentType": version.content_type,
        "contentSha1": version.content_sha1,
        "uploadTimestamp": version.upload_timestamp,
        "fileInfo": dict(version.file_info),
        "action": "upload",
    }


def part_json(part: Part) -> dict[str, Any]:
    return {
        "fileId": part.file_id,
        "partNumber": part.part_number,
        "contentLength": part.content_length,
        "contentSha1": part.content_sha1,
        "contentMd5": part.content_md5,
        "uploadTimestamp": part.upload_timestamp,
    }


def unfinished_json(unfinished: UnfinishedLargeFile) -> dict[str, Any]:
    return {
        "fileId": unfinished.file_id,
        "fileName": unfinished.file_name,
        "bucketId": unfinished.bucket_id,
        "contentType": unfinished.content_type,
        "fileInfo": dict(unfinished.file_info),
        "uploadTimestamp": unfinished.upload_timestamp,
    }


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
