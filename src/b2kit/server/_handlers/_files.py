"""File versions: ``b2_get_file_info``, ``b2_hide_file`` and ``b2_delete_file_version`` (protocol §6.5-§6.8).

Version order for a name: newest first by ``(upload_ms, seq)``. The "current" version of a name is its
newest version that is not an unfinished large file (``start``).
"""

from __future__ import annotations

from typing import Any

from b2kit import _protocol as p
from b2kit.server import _versions
from b2kit.server._errors import bad_request, not_found
from b2kit.server._handlers import _auth
from b2kit.server._handlers._shapes import file_json
from b2kit.server._http._exchange import Request
from b2kit.server._rules import _file_lock
from b2kit.server._rules._file_info import checked_name
from b2kit.server._state import HIDE


def delete_file_version(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    file_name, file_id = request.params.text("fileName"), request.params.text("fileId")
    bypass = bool(request.params.opt_bool(p.BYPASS_GOVERNANCE))
    _auth.require(principal, p.DELETE_FILES, file_name=file_name)
    with request.app.state.write() as tx:
        version = tx.files.get(file_id)
        if version is None or version.file_name != file_name:
            raise bad_request(f"File not present: {file_name} {file_id}", code=p.FILE_NOT_PRESENT)
        _auth.require(principal, None, bucket_id=version.bucket_id)
        _file_lock.check_deletable(principal, version, bypass, request.app.now_ms())
        blobs = tx.files.delete(version)
    request.app.blobs.delete(blobs)
    return {"fileId": file_id, "fileName": file_name}


def hide_file(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    bucket_id = request.params.text("bucketId")
    file_name = checked_name(request.params.text("fileName"))
    _auth.require(principal, p.WRITE_FILES, bucket_id=bucket_id, file_name=file_name)
    with request.app.state.write() as tx:
        tx.buckets.require(bucket_id)
        current = tx.files.current(bucket_id, file_name)
        if current is None:
            raise bad_request(f"File not present: {file_name}", code=p.NO_SUCH_FILE)
        if current.action == HIDE:
            raise bad_request(f"File already hidden: {file_name}", code=p.ALREADY_HIDDEN)
        marker = tx.files.insert(_versions.hide_marker(current, request.app.now_ms()))
    result = file_json(request.app.account.account_id, principal, marker)
    if request.version == "v1":
        del result["bucketId"]
    return result


def get_file_info(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    file_id = request.params.text("fileId")
    _auth.require(principal, p.READ_FILES)
    with request.app.state.read() as tx:
        version = tx.files.get(file_id)
    if version is None:
        raise not_found(f"file not found: {file_id}")
    _auth.require(principal, None, bucket_id=version.bucket_id, file_name=version.file_name)
    return file_json(request.app.account.account_id, principal, version)
