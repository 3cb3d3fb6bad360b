"""The typed records the state layer returns: one frozen dataclass per stored thing (never ``sqlite3.Row``).

JSON columns arrive decoded; booleans are ``bool``; a record says nothing about how it is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

SSE_B2: Final = "SSE-B2"
SSE_C: Final = "SSE-C"
AES256: Final = "AES256"

UPLOAD: Final = "upload"
HIDE: Final = "hide"
START: Final = "start"
"""``FileVersion.action``: an uploaded (or finished large) file, a hide marker, an unfinished large file."""


@dataclass(frozen=True)
class Encryption:
    """Server-side encryption: ``mode`` None (none), ``SSE-B2`` or ``SSE-C`` (with the customer key's MD5)."""

    mode: str | None = None
    key_md5: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``serverSideEncryption`` object of file, part and bucket answers."""
        return {"algorithm": AES256 if self.mode else None, "mode": self.mode}


@dataclass(frozen=True)
class Retention:
    """A file's retention: ``mode`` None means none (then ``retain_until_ms`` is None too)."""

    mode: str | None = None
    retain_until_ms: int | None = None

    def active(self, now_ms: int) -> bool:
        return self.mode is not None and self.retain_until_ms is not None and self.retain_until_ms > now_ms

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "retainUntilTimestamp": self.retain_until_ms}


@dataclass(frozen=True)
class FileLock:
    """What a version carries: retention and legal hold (``None`` = never set)."""

    retention: Retention = Retention()
    legal_hold: str | None = None

    def protects(self, now_ms: int) -> bool:
        """Whether a legal hold or unexpired retention keeps the version from lifecycle deletion."""
        return self.legal_hold == "on" or self.retention.active(now_ms)


@dataclass(frozen=True)
class Key:
    """An application key (the master key included)."""

    key_id: str
    secret: str
    key_name: str
    capabilities: tuple[str, ...]
    bucket_ids: tuple[str, ...] | None
    name_prefix: str | None
    expiration_ms: int | None
    is_master: bool
    options: tuple[str, ...]
    created_ms: int


@dataclass(frozen=True)
class Token:
    """An issued token. ``kind``: account | upload | upload_part | download. ``key_alive`` is False once the
    key it acts for was deleted."""

    token: str
    kind: str
    key_id: str | None
    bucket_id: str | None
    file_id: str | None
    name_prefix: str | None
    overrides: Mapping[str, str]
    expires_ms: int
    key_alive: bool


@dataclass(frozen=True)
class Bucket:
    """A bucket with its settings (JSON settings decoded)."""

    bucket_id: str
    bucket_name: str
    bucket_type: str
    created_ms: int
    bucket_info: Mapping[str, str] = field(default_factory=dict)
    cors_rules: tuple[Mapping[str, Any], ...] = ()
    lifecycle_rules: tuple[Mapping[str, Any], ...] = ()
    default_sse: Encryption = Encryption()
    file_lock_enabled: bool = False
    default_retention: Mapping[str, Any] | None = None
    replication: Mapping[str, Any] | None = None
    options: tuple[str, ...] = ("s3",)
    revision: int = 1


@dataclass(frozen=True)
class NewVersion:
    """A file version about to be stored (``file_id`` generated unless given)."""

    bucket_id: str
    file_name: str
    action: str
    upload_ms: int
    content_type: str | None
    content_length: int = 0
    content_sha1: str | None = None
    content_md5: str | None = None
    file_info: Mapping[str, str] = field(default_factory=dict)
    blob: str | None = None
    encryption: Encryption = Encryption()
    lock: FileLock = FileLock()
    file_id: str | None = None


@dataclass(frozen=True)
class FileVersion:
    """A stored file version. ``seq`` orders creation; ``blob`` is None for a hide marker, an unfinished
    large file and a finished one (whose bytes stay in its parts)."""

    file_id: str
    bucket_id: str
    file_name: str
    action: str
    upload_ms: int
    seq: int
    content_type: str | None
    content_length: int
    content_sha1: str | None
    content_md5: str | None
    file_info: Mapping[str, str]
    blob: str | None
    encryption: Encryption
    lock: FileLock
    replication_status: str | None


@dataclass(frozen=True)
class VersionKey:
    """Where a version sits in listing order: its name, then newest first by ``(upload_ms, seq)``."""

    file_name: str
    upload_ms: int
    seq: int


@dataclass(frozen=True)
class Part:
    """A stored part of a large file."""

    file_id: str
    part_number: int
    content_length: int
    content_sha1: str
    content_md5: str | None
    upload_ms: int
    blob: str
    encryption: Encryption


@dataclass(frozen=True)
class Segment:
    """One blob's share of a version's bytes (a small file has one, a finished large file one per part)."""

    blob: str
    size: int
