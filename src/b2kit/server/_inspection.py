"""What a server holds, as typed records for tests (``LocalServer.state()``) and B2-shaped JSON for
``GET /_b2kit/state`` and the web console.

Records carry what a test asserts on and nothing internal (no blob paths, no token, never a key's secret).
JSON objects use B2's camelCase field names, as ``b2_list_buckets``, ``b2_list_file_versions``,
``b2_list_parts`` and ``b2_list_keys`` answer them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

UPLOAD = "upload"
HIDE = "hide"


@dataclass(frozen=True)
class BucketRecord:
    bucket_id: str
    bucket_name: str
    bucket_type: str
    bucket_info: Mapping[str, str] = field(default_factory=dict)
    revision: int = 1

    def to_json(self, account_id: str) -> dict[str, Any]:
        return {
            "accountId": account_id,
            "bucketId": self.bucket_id,
            "bucketName": self.bucket_name,
            "bucketType": self.bucket_type,
            "bucketInfo": dict(self.bucket_info),
            "revision": self.revision,
        }


@dataclass(frozen=True)
class FileVersionRecord:
    """One version: an upload (small or finished large file) or a hide marker (``action == "hide"``)."""

    file_id: str
    bucket_name: str
    file_name: str
    action: str
    size: int
    content_sha1: str | None
    content_md5: str | None
    content_type: str | None
    file_info: Mapping[str, str]
    upload_timestamp: int

    @property
    def is_hide_marker(self) -> bool:
        return self.action == HIDE

    def to_json(self, account_id: str, bucket_id: str) -> dict[str, Any]:
        return {
            "accountId": account_id,
            "action": self.action,
            "bucketId": bucket_id,
            "bucketName": self.bucket_name,
            "contentLength": self.size,
            "contentMd5": self.content_md5,
            "contentSha1": self.content_sha1,
            "contentType": self.content_type,
            "fileId": self.file_id,
            "fileInfo": dict(self.file_info),
            "fileName": self.file_name,
            "uploadTimestamp": self.upload_timestamp,
        }


@dataclass(frozen=True)
class PartRecord:
    part_number: int
    size: int
    content_sha1: str
    content_md5: str | None
    upload_timestamp: int

    def to_json(self, file_id: str) -> dict[str, Any]:
        return {
            "fileId": file_id,
            "partNumber": self.part_number,
            "contentLength": self.size,
            "contentSha1": self.content_sha1,
            "contentMd5": self.content_md5,
            "uploadTimestamp": self.upload_timestamp,
        }


@dataclass(frozen=True)
class UnfinishedLargeFileRecord:
    """A large file started and neither finished nor cancelled, with the parts uploaded so far."""

    file_id: str
    bucket_name: str
    file_name: str
    content_type: str | None
    file_info: Mapping[str, str]
    upload_timestamp: int
    parts: tuple[PartRecord, ...]

    def to_json(self, account_id: str, bucket_id: str) -> dict[str, Any]:
        return {
            "accountId": account_id,
            "action": "start",
            "bucketId": bucket_id,
            "bucketName": self.bucket_name,
            "contentType": self.content_type,
            "fileId": self.file_id,
            "fileInfo": dict(self.file_info),
            "fileName": self.file_name,
            "uploadTimestamp": self.upload_timestamp,
            "parts": [part.to_json(self.file_id) for part in self.parts],
        }


@dataclass(frozen=True)
class KeyRecord:
    """An application key without its secret. ``bucket_ids`` None: not restricted to buckets."""

    key_id: str
    key_name: str
    capabilities: tuple[str, ...]
    bucket_ids: tuple[str, ...] | None
    name_prefix: str | None
    expiration_timestamp: int | None
    is_master: bool

    def to_json(self, account_id: str) -> dict[str, Any]:
        return {
            "accountId": account_id,
            "applicationKeyId": self.key_id,
            "keyName": self.key_name,
            "capabilities": list(self.capabilities),
            "bucketIds": None if self.bucket_ids is None else list(self.bucket_ids),
            "namePrefix": self.name_prefix,
            "expirationTimestamp": self.expiration_timestamp,
            "isMaster": self.is_master,
        }


@dataclass(frozen=True)
class ServerState:
    """A consistent snapshot: buckets by name, versions by bucket then name (newest first), unfinished large
    files oldest first, keys by id."""

    buckets: tuple[BucketRecord, ...]
    file_versions: tuple[FileVersionRecord, ...]
    unfinished_large_files: tuple[UnfinishedLargeFileRecord, ...]
    keys: tuple[KeyRecord, ...]

    def bucket(self, bucket_name: str) -> BucketRecord:
        """The bucket called ``bucket_name`` (``KeyError`` when there is none)."""
        for bucket in self.buckets:
            if bucket.bucket_name == bucket_name:
                return bucket
        raise KeyError(bucket_name)

    def file_names(self) -> list[str]:
        """The names that are visible (their newest version is an upload), in listing order."""
        seen: set[tuple[str, str]] = set()
        visible: list[str] = []
        for version in self.file_versions:
            where = (version.bucket_name, version.file_name)
            if where not in seen:
                seen.add(where)
                if not version.is_hide_marker:
                    visible.append(version.file_name)
        return visible
