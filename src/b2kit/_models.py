"""Immutable values parsed from (and serialized to) B2's JSON and headers.

File versions, application keys, parts, unfinished large files, and the per-file
settings a request can carry: server-side encryption, Object-Lock retention and legal hold. Each value has a
``from_*`` constructor for the server's shape; settings know how to appear in a JSON request and in headers.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from b2kit import _protocol as p

JSON = dict[str, Any]


# --- per-file settings -------------------------------------------------------------------------------------


class EncryptionMode(StrEnum):
    """Server-side encryption modes (protocol §11.1)."""

    NONE = "none"
    SSE_B2 = "SSE-B2"
    SSE_C = "SSE-C"


@dataclass(frozen=True)
class EncryptionSetting:
    """How a file is (to be) encrypted; ``key`` is the raw 32-byte SSE-C key (never logged)."""

    mode: EncryptionMode = EncryptionMode.NONE
    algorithm: str | None = "AES256"
    key: bytes | None = field(default=None, repr=False)
    key_id: str | None = None

    def __post_init__(self) -> None:
        if self.mode is EncryptionMode.SSE_C and self.key is not None and len(self.key) != 32:
            raise ValueError("an SSE-C key must be exactly 32 bytes")

    @classmethod
    def from_response(cls, value: Mapping[str, Any] | None) -> EncryptionSetting:
        """Parse ``serverSideEncryption`` of a file (``{"mode": null}`` or missing → no encryption)."""
        mode = (value or {}).get("mode")
        if mode in (None, "none"):
            return SSE_NONE
        return cls(EncryptionMode(mode), (value or {}).get("algorithm") or "AES256")

    def _key_b64(self) -> tuple[str, str]:
        if self.key is None:
            raise ValueError("SSE-C needs the customer key")
        key = base64.b64encode(self.key).decode("ascii")
        md5 = base64.b64encode(hashlib.md5(self.key).digest()).decode("ascii")
        return key, md5

    def to_request_json(self) -> JSON:
        """The JSON form used by start_large_file, copy and bucket defaults."""
        if self.mode is EncryptionMode.NONE:
            return {"mode": None}
        result: JSON = {"mode": self.mode.value, "algorithm": self.algorithm}
        if self.mode is EncryptionMode.SSE_C:
            result["customerKey"], result["customerKeyMd5"] = self._key_b64()
        return result

    def upload_headers(self) -> dict[str, str]:
        """Headers for b2_upload_file / b2_upload_part."""
        if self.mode is EncryptionMode.SSE_B2:
            return {"X-Bz-Server-Side-Encryption": self.algorithm or "AES256"}
        if self.mode is EncryptionMode.SSE_C:
            return self.download_headers()
        return {}

    def download_headers(self) -> dict[str, str]:
        """Headers a download of an SSE-C file must carry (none for other modes)."""
        if self.mode is not EncryptionMode.SSE_C:
            return {}
        key, md5 = self._key_b64()
        return {
            "X-Bz-Server-Side-Encryption-Customer-Algorithm": self.algorithm or "AES256",
            "X-Bz-Server-Side-Encryption-Customer-Key": key,
            "X-Bz-Server-Side-Encryption-Customer-Key-Md5": md5,
        }

    def as_dict(self) -> JSON:
        if self.mode is EncryptionMode.NONE:
            return {"mode": "none"}
        return {"mode": self.mode.value, "algorithm": self.algorithm}


SSE_NONE = EncryptionSetting(EncryptionMode.NONE, None)
SSE_B2_AES = EncryptionSetting(EncryptionMode.SSE_B2, "AES256")


class RetentionMode(StrEnum):
    GOVERNANCE = "governance"
    COMPLIANCE = "compliance"


@dataclass(frozen=True)
class FileRetentionSetting:
    """Object-Lock retention of one file version; ``mode`` None means no retention."""

    mode: RetentionMode | None = None
    retain_until: int | None = None

    @classmethod
    def from_response(cls, value: Mapping[str, Any] | None) -> FileRetentionSetting:
        """Parse ``fileRetention`` (``{"isClientAuthorizedToRead", "value"}``) or the update response."""
        inner = value.get("value") if value and "isClientAuthorizedToRead" in value else value
        mode = (inner or {}).get("mode")
        until = (inner or {}).get("retainUntilTimestamp")
        return cls(RetentionMode(mode) if mode else None, int(until) if until is not None else None)

    def to_request_json(self) -> JSON:
        return {"mode": self.mode.value if self.mode else None, "retainUntilTimestamp": self.retain_until}

    def upload_headers(self) -> dict[str, str]:
        if self.mode is None:
            return {}
        headers = {"X-Bz-File-Retention-Mode": self.mode.value}
        if self.retain_until is not None:
            headers["X-Bz-File-Retention-Retain-Until-Timestamp"] = str(self.retain_until)
        return headers

    def as_dict(self) -> JSON:
        return self.to_request_json()


NO_RETENTION = FileRetentionSetting()


class LegalHold(StrEnum):
    """Object-Lock legal hold of one file version."""

    ON = "on"
    OFF = "off"

    @classmethod
    def from_response(cls, value: Any) -> LegalHold | None:
        """Parse ``legalHold`` (``{"isClientAuthorizedToRead", "value"}``, or a plain string)."""
        inner = value.get("value") if isinstance(value, Mapping) else value
        return cls(inner) if inner in ("on", "off") else None

    def to_server(self) -> str:
        return self.value

    def upload_headers(self) -> dict[str, str]:
        return {"X-Bz-File-Legal-Hold": self.value}


# --- file versions -----------------------------------------------------------------------------------------


def _sha1_and_verified(value: str | None) -> tuple[str | None, bool]:
    if value is None or value == "none":
        return value, value is not None
    if value.startswith(p.UNVERIFIED_PREFIX):
        return value[len(p.UNVERIFIED_PREFIX) :], False
    return value, True


@dataclass(frozen=True)
class FileVersion:
    """One version of a file (or a hide marker, an unfinished large file, a listing's folder entry)."""

    id_: str
    file_name: str
    size: int
    content_type: str | None
    content_sha1: str | None
    upload_timestamp: int
    action: str
    bucket_id: str | None = None
    account_id: str | None = None
    content_md5: str | None = None
    content_sha1_verified: bool = True
    file_info: Mapping[str, str] = field(default_factory=dict)
    server_side_encryption: EncryptionSetting = SSE_NONE
    file_retention: FileRetentionSetting = NO_RETENTION
    legal_hold: LegalHold | None = None
    replication_status: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The JSON object this version was parsed from (empty when built otherwise); B2 may add fields."""

    @classmethod
    def from_api_response(cls, data: Mapping[str, Any]) -> FileVersion:
        """Parse a file-version JSON object (protocol §4.4; ``size`` of v1 accepted too)."""
        sha1, verified = _sha1_and_verified(data.get("contentSha1"))
        size = data.get("contentLength", data.get("size", 0))
        return cls(
            id_=data.get("fileId") or "",
            file_name=data["fileName"],
            size=int(size or 0),
            content_type=data.get("contentType"),
            content_sha1=sha1,
            content_sha1_verified=verified,
            upload_timestamp=int(data.get("uploadTimestamp") or 0),
            action=data.get("action") or "upload",
            bucket_id=data.get("bucketId"),
            account_id=data.get("accountId"),
            content_md5=data.get("contentMd5"),
            file_info=dict(data.get("fileInfo") or {}),
            server_side_encryption=EncryptionSetting.from_response(data.get("serverSideEncryption")),
            file_retention=FileRetentionSetting.from_response(data.get("fileRetention")),
            legal_hold=LegalHold.from_response(data.get("legalHold")),
            replication_status=data.get("replicationStatus"),
            raw=data,
        )

    @property
    def file_id(self) -> str:
        return self.id_

    @property
    def mod_time_millis(self) -> int:
        """``src_last_modified_millis`` from the file info, else the upload time."""
        value = self.file_info.get(p.SRC_LAST_MODIFIED_MILLIS)
        try:
            return int(value) if value is not None else self.upload_timestamp
        except ValueError:
            return self.upload_timestamp

    def as_dict(self) -> JSON:
        """The B2 JSON shape of this version (what list calls return)."""
        result: JSON = {
            "fileId": self.id_,
            "fileName": self.file_name,
            "fileInfo": dict(self.file_info),
            "serverSideEncryption": self.server_side_encryption.as_dict(),
            "legalHold": self.legal_hold.value if self.legal_hold else None,
            "fileRetention": self.file_retention.as_dict(),
            "size": self.size,
            "uploadTimestamp": self.upload_timestamp,
            "action": self.action,
            "accountId": self.account_id,
            "bucketId": self.bucket_id,
        }
        if self.content_type is not None:
            result["contentType"] = self.content_type
        if self.content_sha1 is not None:
            prefix = "" if self.content_sha1_verified else p.UNVERIFIED_PREFIX
            result["contentSha1"] = prefix + self.content_sha1
        if self.content_md5 is not None:
            result["contentMd5"] = self.content_md5
        if self.replication_status is not None:
            result["replicationStatus"] = self.replication_status
        return result


@dataclass(frozen=True)
class DownloadVersion:
    """What the headers of a download (or HEAD) say about the file version served."""

    id_: str
    file_name: str
    size: int
    content_type: str
    content_sha1: str | None
    content_sha1_verified: bool
    upload_timestamp: int
    file_info: Mapping[str, str]
    content_length: int
    range_: tuple[int, int]
    server_side_encryption: EncryptionSetting = SSE_NONE
    cache_control: str | None = None
    expires: str | None = None
    content_disposition: str | None = None
    content_encoding: str | None = None
    content_language: str | None = None

    @classmethod
    def from_response_headers(cls, headers: Mapping[str, str]) -> DownloadVersion:
        """Parse download headers (§8.2); ``size`` is the whole file, ``range_`` the part in this body."""
        length = int(headers.get("Content-Length", "0"))
        content_range = headers.get("Content-Range")
        if content_range:
            span, _, total = content_range.removeprefix("bytes ").partition("/")
            first, _, last = span.partition("-")
            range_ = (int(first), int(last))
            size = int(total)
        else:
            size = length
            range_ = (0, max(0, length - 1))
        sha1, verified = _sha1_and_verified(headers.get("X-Bz-Content-Sha1"))
        info = {
            p.decode_name(k[len(p.FILE_INFO_HEADER_PREFIX) :]).lower(): p.decode_name(v)
            for k, v in headers.items()
            if k.lower().startswith(p.FILE_INFO_HEADER_PREFIX.lower())
        }
        sse = headers.get("X-Bz-Server-Side-Encryption")
        if headers.get("X-Bz-Server-Side-Encryption-Customer-Algorithm"):
            encryption = EncryptionSetting(EncryptionMode.SSE_C)
        elif sse:
            encryption = EncryptionSetting(EncryptionMode.SSE_B2, sse)
        else:
            encryption = SSE_NONE
        return cls(
            id_=headers["X-Bz-File-Id"],
            file_name=p.decode_name(headers["X-Bz-File-Name"]),
            size=size,
            content_type=headers.get("Content-Type", "application/octet-stream"),
            content_sha1=sha1,
            content_sha1_verified=verified,
            upload_timestamp=int(headers.get("X-Bz-Upload-Timestamp", "0")),
            file_info=info,
            content_length=length,
            range_=range_,
            server_side_encryption=encryption,
            cache_control=headers.get("Cache-Control"),
            expires=headers.get("Expires"),
            content_disposition=headers.get("Content-Disposition"),
            content_encoding=headers.get("Content-Encoding"),
            content_language=headers.get("Content-Language"),
        )


@dataclass(frozen=True)
class FileIdAndName:
    """The answer of delete_file_version and cancel_large_file."""

    file_id: str
    file_name: str

    @classmethod
    def from_cancel_or_delete_response(cls, data: Mapping[str, Any]) -> FileIdAndName:
        return cls(data["fileId"], data["fileName"])

    def as_dict(self) -> JSON:
        return {"action": "delete", "fileId": self.file_id, "fileName": self.file_name}


@dataclass(frozen=True)
class Part:
    """One uploaded part of an unfinished large file."""

    file_id: str
    part_number: int
    content_length: int
    content_sha1: str
    content_md5: str | None = None
    upload_timestamp: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The JSON object this part was parsed from (empty when built otherwise)."""

    @classmethod
    def from_list_parts_dict(cls, data: Mapping[str, Any]) -> Part:
        """Parse a part JSON object (b2_list_parts items, b2_upload_part and b2_copy_part answers)."""
        return cls(
            file_id=data["fileId"],
            part_number=int(data["partNumber"]),
            content_length=int(data["contentLength"]),
            content_sha1=data["contentSha1"],
            content_md5=data.get("contentMd5"),
            upload_timestamp=data.get("uploadTimestamp"),
            raw=data,
        )


@dataclass(frozen=True)
class UnfinishedLargeFile:
    """A large file that was started and neither finished nor cancelled."""

    file_id: str
    file_name: str
    account_id: str | None
    bucket_id: str | None
    content_type: str | None
    file_info: Mapping[str, str]
    upload_timestamp: int = 0
    encryption: EncryptionSetting = SSE_NONE
    file_retention: FileRetentionSetting = NO_RETENTION
    legal_hold: LegalHold | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The JSON object this file was parsed from (empty when built otherwise)."""

    @classmethod
    def from_api_response(cls, data: Mapping[str, Any]) -> UnfinishedLargeFile:
        return cls(
            file_id=data["fileId"],
            file_name=data["fileName"],
            account_id=data.get("accountId"),
            bucket_id=data.get("bucketId"),
            content_type=data.get("contentType"),
            file_info=dict(data.get("fileInfo") or {}),
            upload_timestamp=int(data.get("uploadTimestamp") or 0),
            encryption=EncryptionSetting.from_response(data.get("serverSideEncryption")),
            file_retention=FileRetentionSetting.from_response(data.get("fileRetention")),
            legal_hold=LegalHold.from_response(data.get("legalHold")),
            raw=data,
        )


# --- keys and authorizations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationKey:
    """An application key as listed (no secret)."""

    key_name: str
    id_: str
    capabilities: tuple[str, ...]
    account_id: str
    expiration_timestamp_millis: int | None = None
    bucket_ids: tuple[str, ...] | None = None
    name_prefix: str | None = None
    options: tuple[str, ...] = ()

    @classmethod
    def _fields(cls, data: Mapping[str, Any]) -> JSON:
        bucket_ids = data.get("bucketIds")
        if bucket_ids is None and data.get("bucketId") is not None:
            bucket_ids = [data["bucketId"]]
        return {
            "key_name": data["keyName"],
            "id_": data["applicationKeyId"],
            "capabilities": tuple(data.get("capabilities") or ()),
            "account_id": data["accountId"],
            "expiration_timestamp_millis": data.get("expirationTimestamp"),
            "bucket_ids": tuple(bucket_ids) if bucket_ids is not None else None,
            "name_prefix": data.get("namePrefix"),
            "options": tuple(data.get("options") or ()),
        }

    @classmethod
    def from_api_response(cls, data: Mapping[str, Any]) -> ApplicationKey:
        return cls(**cls._fields(data))

    @property
    def bucket_id(self) -> str | None:
        """The single bucket this key is restricted to, if exactly one."""
        return self.bucket_ids[0] if self.bucket_ids and len(self.bucket_ids) == 1 else None


@dataclass(frozen=True)
class FullApplicationKey(ApplicationKey):
    """A freshly created key: includes the secret, which B2 returns only once."""

    application_key: str = field(default="", repr=False)

    @classmethod
    def from_create_response(cls, data: Mapping[str, Any]) -> FullApplicationKey:
        return cls(**cls._fields(data), application_key=data["applicationKey"])
