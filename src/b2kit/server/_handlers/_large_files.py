"""Large files: start, part upload URLs, parts (streamed to disk), list parts, finish, cancel, unfinished.

A started large file is a version with ``action = 'start'``; its parts are stored with their own durable
blobs. Finishing checks the parts and flips the version to ``upload`` in one transaction, keeping the part
blobs as the file's bytes (downloads read them in part-number order), so a crash either leaves the
unfinished file or the complete one, never a half-finished file (protocol §4.7, §6.11-§6.17).
"""

from __future__ import annotations

from typing import Any

from b2kit import _protocol as p
from b2kit.server import _versions
from b2kit.server._errors import bad_request
from b2kit.server._handlers import _auth, _receiving
from b2kit.server._handlers._shapes import file_json, part_json
from b2kit.server._http._exchange import Request
from b2kit.server._rules import _encryption, _file_lock, _parts
from b2kit.server._rules._capabilities import Principal
from b2kit.server._rules._checksums import parse_checksum
from b2kit.server._rules._file_info import checked_content_type, checked_file_info, checked_name
from b2kit.server._rules._parts import PartRecord
from b2kit.server._state import START, FileVersion, NewVersion, Tx


def _start_timestamp(request: Request) -> int:
    params = request.params
    stamp = params.opt_int("customUploadTimestamp", numeric_string=True)
    if stamp is None:
        stamp = params.opt_int("custom_upload_timestamp", numeric_string=True)
    now = request.app.now_ms()
    if stamp is None:
        return now
    if stamp > now:
        raise bad_request("customUploadTimestamp must not be in the future")
    if stamp < 0:
        raise bad_request("customUploadTimestamp must not be negative")
    return stamp


def _writable_large_file(tx: Tx, principal: Principal, file_id: str) -> FileVersion:
    """The unfinished large file ``file_id``, once the key may write it (401) and it exists (400)."""
    _auth.require(principal, p.WRITE_FILES)
    large = _versions.unfinished(tx, file_id)
    _auth.require(principal, p.WRITE_FILES, bucket_id=large.bucket_id, file_name=large.file_name)
    return large


def start_large_file(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    params = request.params
    bucket_id = params.text("bucketId")
    file_name = checked_name(params.text("fileName"))
    _auth.require(principal, p.WRITE_FILES, bucket_id=bucket_id, file_name=file_name)
    info = checked_file_info(params.opt_object("fileInfo") or {}, file_name)
    content_type = checked_content_type(params.text("contentType"), file_name)
    stamp = _start_timestamp(request)
    asked = _file_lock.lock_request_from_json(
        {"fileRetention": params.raw("fileRetention"), "legalHold": params.raw("legalHold")}
    )
    with request.app.state.write() as tx:
        bucket = tx.buckets.require(bucket_id)
        lock = _file_lock.lock_for_new_version(principal, bucket, asked, request.app.now_ms())
        encryption = _encryption.from_json(params.opt_object("serverSideEncryption"), bucket.default_sse)
        version = tx.files.insert(
            NewVersion(
                bucket_id=bucket_id,
                file_name=file_name,
                action=START,
                upload_ms=stamp,
                content_type=content_type,
                content_sha1=_versions.LARGE_FILE_SHA1,
                file_info=info,
                encryption=encryption,
                lock=lock,
            )
        )
    return _unfinished_json(request, principal, version)


def get_upload_part_url(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    file_id = request.params.text("fileId")
    with request.app.state.write() as tx:
        _writable_large_file(tx, principal, file_id)
        issued = _receiving.issue_upload_url(request, tx, principal, _receiving.PART, file_id)
    return {"fileId": file_id, **issued}


def upload_part(request: Request) -> dict[str, Any]:
    return _receiving.upload(request, _receiving.PART, _receive_part)


def _receive_part(request: Request, principal: Principal, file_id: str) -> dict[str, Any]:
    headers = request.headers
    number = _parts.part_number(_header_int(request, "X-Bz-Part-Number"))
    if headers.get("Content-Length") is None:
        raise bad_request("Content-Length header is required")
    checksum = parse_checksum(headers.get("X-Bz-Content-Sha1"))
    with request.app.state.read() as tx:
        large = _versions.unfinished(tx, file_id)
    _auth.require(principal, p.WRITE_FILES, bucket_id=large.bucket_id, file_name=large.file_name)
    _encryption.require_key(
        large.encryption,
        lambda: _encryption.given_key_from_headers(headers),
        bad_request("parts of an SSE-C large file need the SSE-C key headers"),
        "the large file",
    )
    _parts.check_part_size(request.body.length - checksum.trailer_size)
    received, sha1 = _receiving.receive_body(request, checksum)
    return part_json(_versions.commit_part(request.app, file_id, number, received, sha1))


def _header_int(request: Request, name: str) -> int | None:
    raw = request.headers.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise bad_request(f"{name} must be an integer")
    return int(raw)


def list_parts(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    params = request.params
    file_id = params.text("fileId")
    start = params.opt_int("startPartNumber") or 1
    if not 1 <= start <= p.MAX_PART_NUMBER:
        raise bad_request(f"startPartNumber must be 1..{p.MAX_PART_NUMBER}")
    count = params.opt_int("maxPartCount") or p.DEFAULT_LIST_PARTS_COUNT
    if not 1 <= count <= p.MAX_LIST_PARTS_COUNT:
        raise bad_request(f"maxPartCount must be 1..{p.MAX_LIST_PARTS_COUNT}")
    with request.app.state.read() as tx:
        _writable_large_file(tx, principal, file_id)
        parts = tx.parts.page(file_id, start, count + 1)
    next_number = parts[count].part_number if len(parts) > count else None
    return {"parts": [part_json(part) for part in parts[:count]], "nextPartNumber": next_number}


def finish_large_file(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    file_id = request.params.text("fileId")
    sha1s = request.params.opt_list("partSha1Array")
    if sha1s is None:
        raise bad_request("required field partSha1Array is missing")
    minimum = request.app.config.absolute_minimum_part_size
    with request.app.state.write() as tx:
        _writable_large_file(tx, principal, file_id)
        parts = [
            PartRecord(part.part_number, part.content_length, part.content_sha1)
            for part in tx.parts.all(file_id)
        ]
        problem = _parts.finish_problem(parts, sha1s, minimum)
        if problem is not None:
            raise problem
        total = sum(part.size for part in parts)
        if total > p.MAX_LARGE_FILE_SIZE:
            raise bad_request(f"large files must be at most {p.MAX_LARGE_FILE_SIZE} bytes")
        finished = tx.files.finish_large_file(file_id, total, _versions.LARGE_FILE_SHA1)
    if finished is None:
        raise bad_request(f"No active upload for: {file_id}")
    return file_json(request.app.account.account_id, principal, finished)


def cancel_large_file(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    file_id = request.params.text("fileId")
    with request.app.state.write() as tx:
        large = _writable_large_file(tx, principal, file_id)
        blobs = tx.files.delete(large)
    request.app.blobs.delete(blobs)
    return {
        "accountId": request.app.account.account_id,
        "bucketId": large.bucket_id,
        "fileId": file_id,
        "fileName": large.file_name,
    }


def list_unfinished_large_files(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    params = request.params
    bucket_id = params.text("bucketId")
    _auth.require(principal, p.LIST_FILES, bucket_id=bucket_id)
    prefix = _auth.list_prefix(principal, params.opt_text("namePrefix") or "", request.version)
    count = params.opt_int("maxFileCount") or p.MAX_UNFINISHED_LIST_COUNT
    if not 1 <= count <= p.MAX_UNFINISHED_LIST_COUNT:
        raise bad_request(f"maxFileCount must be 1..{p.MAX_UNFINISHED_LIST_COUNT}")
    start_id = params.opt_text("startFileId")
    with request.app.state.read() as tx:
        tx.buckets.require(bucket_id)
        found = [] if prefix is None else _unfinished_page(tx, bucket_id, prefix, start_id, count + 1)
    next_id = found[count].file_id if len(found) > count else None
    files = [_unfinished_json(request, principal, version) for version in found[:count]]
    return {"files": files, "nextFileId": next_id}


def _unfinished_page(
    tx: Tx, bucket_id: str, prefix: str, start_id: str | None, limit: int
) -> list[FileVersion]:
    start = None if start_id is None else tx.files.get(start_id)
    if start_id is not None and (start is None or start.bucket_id != bucket_id):
        raise bad_request(f"startFileId {start_id} is not an unfinished large file of this bucket")
    return tx.files.unfinished_page(bucket_id, prefix, start, limit)


def _unfinished_json(request: Request, principal: Principal, version: FileVersion) -> dict[str, Any]:
    shaped = file_json(request.app.account.account_id, principal, version)
    if request.version == "v1":
        for key in ("action", "contentLength", "contentSha1"):
            shaped.pop(key, None)
    return shaped
