"""Object Lock ("file lock"): retention and legal hold on file versions in lock-enabled buckets.

Rules (protocol §11.2): a lock-enabled bucket (set up by ``_buckets``) may carry a default retention that
applies to new files that bring none. A version under legal hold, or under retention that has not passed,
cannot be deleted (403 ``access_denied``); governance retention gives way to ``bypassGovernance`` (flag
plus capability), compliance retention to nothing and can only be extended. Reading the values needs
``readFileRetentions`` / ``readFileLegalHolds``.

Every Object Lock rule lives here, as functions: what a new version gets (uploads, large files and copies
call ``lock_for_new_version``), what may change (``check_retention_change``), what may be deleted
(``check_deletable``). The two endpoints are in ``_retention``; the values are stored on ``FileVersion.lock``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any

from b2kit import _protocol as p
from b2kit.server._errors import B2Error, access_denied, bad_request
from b2kit.server._rules._capabilities import Principal, require
from b2kit.server._state import Bucket, FileLock, FileVersion, Retention

GOVERNANCE = "governance"
COMPLIANCE = "compliance"
RETENTION_MODES = (GOVERNANCE, COMPLIANCE)
LEGAL_HOLD_VALUES = ("on", "off")
DAY_MS = 86_400_000
MAX_TIMESTAMP_MS = 10**15  # year 33658: far enough, and well inside SQLite's 64-bit integers
YEAR_DAYS = 365

HEADER_RETENTION_MODE = "X-Bz-File-Retention-Mode"
HEADER_RETAIN_UNTIL = "X-Bz-File-Retention-Retain-Until-Timestamp"
HEADER_LEGAL_HOLD = "X-Bz-File-Legal-Hold"


@dataclass(frozen=True)
class LockRequest:
    """File-lock settings a client asked for when creating a version (``None`` = not asked)."""

    retention: Retention | None = None
    legal_hold: str | None = None


def bucket_missing_file_lock() -> B2Error:
    return bad_request("The bucket is not file lock enabled", p.BUCKET_MISSING_FILE_LOCK)


# --- parsing -----------------------------------------------------------------------------------------------


def parse_retention(value: Any) -> Retention:
    """A ``fileRetention`` JSON object → ``Retention`` (400 on anything malformed)."""
    if not isinstance(value, Mapping):
        raise bad_request("fileRetention must be an object")
    mode = value.get("mode")
    until = value.get("retainUntilTimestamp")
    if mode is None:
        if until is not None:
            raise bad_request("retainUntilTimestamp must be null when the retention mode is null")
        return Retention()
    if mode not in RETENTION_MODES:
        raise bad_request(f"retention mode must be governance or compliance, not {mode!r}")
    if isinstance(until, str) and until.isdigit():
        until = int(until)
    if not isinstance(until, int) or isinstance(until, bool) or not 0 < until <= MAX_TIMESTAMP_MS:
        raise bad_request("retainUntilTimestamp must be a positive integer of milliseconds")
    return Retention(str(mode), until)


def parse_legal_hold(value: Any) -> str | None:
    if value is None:
        return None
    if value not in LEGAL_HOLD_VALUES:
        raise bad_request(f"legalHold must be 'on' or 'off', not {value!r}")
    return str(value)


def lock_request_from_json(params: Mapping[str, Any]) -> LockRequest:
    """``fileRetention`` / ``legalHold`` of b2_start_large_file and b2_copy_file."""
    raw_retention = params.get("fileRetention")
    retention = None if raw_retention is None else parse_retention(raw_retention)
    return LockRequest(retention, parse_legal_hold(params.get("legalHold")))


def lock_request_from_headers(headers: Message) -> LockRequest:
    """The ``X-Bz-File-Retention-*`` / ``X-Bz-File-Legal-Hold`` headers of b2_upload_file."""
    mode = headers.get(HEADER_RETENTION_MODE)
    until = headers.get(HEADER_RETAIN_UNTIL)
    retention = None
    if mode is not None or until is not None:
        if mode is None or until is None:
            raise bad_request(f"{HEADER_RETENTION_MODE} and {HEADER_RETAIN_UNTIL} must be given together")
        if not until.strip().isdigit():
            raise bad_request(f"{HEADER_RETAIN_UNTIL} must be milliseconds since the epoch")
        retention = parse_retention({"mode": mode.strip().lower(), "retainUntilTimestamp": int(until)})
    hold = headers.get(HEADER_LEGAL_HOLD)
    return LockRequest(retention, parse_legal_hold(None if hold is None else hold.strip().lower()))


# --- new versions ------------------------------------------------------------------------------------------


def lock_for_new_version(
    principal: Principal,
    bucket: Bucket,
    asked: LockRequest,
    now_ms: int,
) -> FileLock:
    """The retention and legal hold a new version gets (explicit, else the bucket default).

    Explicit settings need a lock-enabled bucket (400 ``bucket_missing_file_lock``) and the matching write
    capability (401); a retention date must lie in the future.
    """
    explicit_retention = asked.retention is not None and asked.retention.mode is not None
    explicit_hold = asked.legal_hold is not None
    if (explicit_retention or explicit_hold) and not bucket.file_lock_enabled:
        raise bucket_missing_file_lock()
    if explicit_retention:
        require(principal, p.WRITE_FILE_RETENTIONS)
    if explicit_hold:
        require(principal, p.WRITE_FILE_LEGAL_HOLDS)
    retention = asked.retention if explicit_retention and asked.retention else None
    if (
        retention is not None
        and retention.retain_until_ms is not None
        and retention.retain_until_ms <= now_ms
    ):
        raise bad_request("retainUntilTimestamp must be in the future")
    if retention is None and bucket.file_lock_enabled:
        retention = default_retention_for(bucket.default_retention, now_ms)
    return FileLock(retention or Retention(), asked.legal_hold)


def default_retention_for(default: Mapping[str, Any] | None, now_ms: int) -> Retention | None:
    """The retention a bucket's default gives a version created at ``now_ms`` (None without a default)."""
    if not default:
        return None
    period = default.get("period")
    if default.get("mode") is None or not period:
        return None
    days = int(period["duration"]) * (YEAR_DAYS if period["unit"] == "years" else 1)
    return Retention(str(default["mode"]), now_ms + days * DAY_MS)


# --- existing versions -------------------------------------------------------------------------------------


def check_retention_change(
    principal: Principal, current: Retention, wanted: Retention, bypass_governance: bool, now_ms: int
) -> None:
    """Compliance can only be extended; governance can be shortened or removed only with bypass."""
    if wanted.mode is not None and wanted.retain_until_ms is not None and wanted.retain_until_ms <= now_ms:
        raise bad_request("retainUntilTimestamp must be in the future")
    if not current.active(now_ms):
        return
    extends = (
        wanted.mode is not None
        and wanted.retain_until_ms is not None
        and current.retain_until_ms is not None
        and wanted.retain_until_ms >= current.retain_until_ms
    )
    if current.mode == COMPLIANCE:
        if not (extends and wanted.mode == COMPLIANCE):
            raise access_denied("compliance retention can only be extended")
        return
    if extends:
        return
    if not bypass_governance:
        raise access_denied("shortening or removing governance retention needs bypassGovernance")
    if not principal.can(p.BYPASS_GOVERNANCE):
        raise access_denied("the key lacks the bypassGovernance capability")


def check_deletable(principal: Principal, version: FileVersion, bypass: bool, now_ms: int) -> None:
    """A legal hold or an unexpired retention protects a version from deletion (403 access_denied);
    governance retention gives way to ``bypassGovernance`` with its capability."""
    if version.lock.legal_hold == "on":
        raise access_denied("file version is under legal hold")
    retention = version.lock.retention
    if not retention.active(now_ms):
        return
    if retention.mode == COMPLIANCE:
        raise access_denied("file version is under compliance retention")
    if not (bypass and principal.can(p.BYPASS_GOVERNANCE)):
        raise access_denied("file version is under governance retention; bypassGovernance is needed")
