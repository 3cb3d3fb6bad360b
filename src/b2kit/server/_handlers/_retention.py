"""``b2_update_file_retention`` and ``b2_update_file_legal_hold``: change the Object Lock settings of an
uploaded version in a lock-enabled bucket (rules in ``_file_lock``, protocol §11.2)."""

from __future__ import annotations

from typing import Any

from b2kit import _protocol as p
from b2kit.server._errors import bad_request
from b2kit.server._handlers import _auth
from b2kit.server._http._exchange import Request
from b2kit.server._rules import _file_lock
from b2kit.server._rules._capabilities import Principal
from b2kit.server._state import UPLOAD, FileVersion, Tx


def update_file_retention(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    raw = request.params.opt_object("fileRetention")
    if raw is None:
        raise bad_request("required field fileRetention is missing")
    wanted = _file_lock.parse_retention(raw)
    bypass = bool(request.params.opt_bool(p.BYPASS_GOVERNANCE))
    now = request.app.now_ms()
    with request.app.state.write() as tx:
        version = _locked_version(request, tx, principal, p.WRITE_FILE_RETENTIONS)
        _file_lock.check_retention_change(principal, version.lock.retention, wanted, bypass, now)
        tx.files.set_retention(version.file_id, wanted)
    return {"fileId": version.file_id, "fileName": version.file_name, "fileRetention": wanted.to_json()}


def update_file_legal_hold(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    hold = _file_lock.parse_legal_hold(request.params.text("legalHold"))
    with request.app.state.write() as tx:
        version = _locked_version(request, tx, principal, p.WRITE_FILE_LEGAL_HOLDS)
        tx.files.set_legal_hold(version.file_id, hold)
    return {"fileId": version.file_id, "fileName": version.file_name, "legalHold": hold}


def _locked_version(request: Request, tx: Tx, principal: Principal, capability: str) -> FileVersion:
    """The version named by ``fileId`` + ``fileName`` after the capability and lock checks."""
    file_id = request.params.text("fileId")
    file_name = request.params.text("fileName")
    version = tx.files.get(file_id)
    bucket = None if version is None else tx.buckets.get(version.bucket_id)
    if version is None or bucket is None or version.file_name != file_name:
        raise bad_request(f"File not present: {file_name} {file_id}", p.FILE_NOT_PRESENT)
    _auth.require(principal, capability, bucket_id=version.bucket_id, file_name=file_name)
    if not bucket.file_lock_enabled:
        raise _file_lock.bucket_missing_file_lock()
    if version.action != UPLOAD:
        raise bad_request(f"file lock settings apply to uploaded files, not to a {version.action} version")
    return version
