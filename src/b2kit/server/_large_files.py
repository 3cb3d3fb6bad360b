"""Large files: start, part upload URLs, parts (streamed to disk), list parts, finish, cancel, unfinished.

A started large file is a ``files`` row with ``action = 'start'``; its parts are ``large_file_parts`` rows,
each with its own durable blob. Finishing checks the parts and flips the row to ``upload`` in one
transaction, keeping the part blobs as the file's bytes (downloads read them in part-number order), so a
crash either leaves the unfinished file or the complete one, never a half-finished file (protocol §4.7,
§6.11-§6.17).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import mimetypes
import sqlite3
from dataclasses import dataclass
from typing import Any

from b2kit import _protocol as p
from b2kit.server import _auth, _buckets, _file_lock, _files, _ids, _uploads
from b2kit.server._auth import Principal
from b2kit.server._blobs import ReceivedBlob
from b2kit.server._errors import B2Error, bad_request
from b2kit.server._exchange import Request
from b2kit.server._file_info import checked_file_info

PART_TOKEN_TTL_MS = 24 * 3600 * 1000
LARGE_FILE_SHA1 = "none"


@dataclass(frozen=True)
class PartRecord:
    """One stored part as finishing sees it."""

    number: int
    size: int
    sha1: str


def finish_problem(parts: list[PartRecord], sha1s: list[str], minimum_part_size: int) -> B2Error | None:
    """Why ``parts`` cannot become a file with ``partSha1Array`` ``sha1s`` (None when they can).

    Parts must run 1..N without a gap and match the array one for one; every part but the last must
    reach the minimum part size.
    """
    if not sha1s:
        return bad_request("partSha1Array must list the SHA-1 of every part")
    for expected, part in enumerate(parts, start=1):
        if part.number != expected:
            return bad_request(f"Part number {expected} has not been uploaded", p.MISSING_PART)
    if len(sha1s) > len(parts):
        return bad_request(f"Part number {len(parts) + 1} has not been uploaded", p.MISSING_PART)
    if len(sha1s) < len(parts):
        return bad_request(f"partSha1Array has {len(sha1s)} entries but {len(parts)} parts were uploaded")
    for part, sha1 in zip(parts, sha1s, strict=True):
        if not isinstance(sha1, str) or bare_sha1(sha1) != bare_sha1(part.sha1):
            return bad_request(f"Part number {part.number} has a different SHA-1", p.PART_SHA1_MISMATCH)
    for part in parts[:-1]:
        if part.size < minimum_part_size:
            return bad_request(
                f"Part number {part.number} is {part.size} bytes, below the minimum {minimum_part_size}"
            )
    return None


def bare_sha1(value: str) -> str:
    """A part SHA-1 without its ``unverified:`` prefix: ``partSha1Array`` may repeat either form."""
    lowered = value.lower()
    return lowered.removeprefix(p.UNVERIFIED_PREFIX)


def unfinished(conn: sqlite3.Connection, file_id: str) -> sqlite3.Row:
    """The ``start`` row of an unfinished large file, or 400."""
    row = _files.find_version(conn, file_id)
    if row is None or row["action"] != "start":
        raise bad_request(f"No active upload for: {file_id}")
    return row


def part_json(row: sqlite3.Row | dict[str, Any], sse: str | None) -> dict[str, Any]:
    """A part as b2_upload_part, b2_copy_part and b2_list_parts answer it."""
    return {
        "fileId": row["file_id"],
        "partNumber": row["part_number"],
        "contentLength": row["content_length"],
        "contentSha1": row["content_sha1"],
        "contentMd5": row["content_md5"],
        "serverSideEncryption": json.loads(sse) if sse else {"algorithm": None, "mode": None},
        "uploadTimestamp": row["upload_ms"],
    }


def part_number(value: int | None) -> int:
    """A required part number in 1..10000, or 400."""
    if value is None:
        raise bad_request("a part number is required")
    if not 1 <= value <= p.MAX_PART_NUMBER:
        raise bad_request(f"part number must be 1..{p.MAX_PART_NUMBER}, not {value}")
    return value


def store_part(
    request: Request, file_id: str, number: int, received: ReceivedBlob, sha1: str
) -> dict[str, Any]:
    """Keep a received part (replacing an earlier upload of the same number) and answer its JSON."""
    app = request.app
    blob = app.blobs.keep(received)
    row = {
        "file_id": file_id,
        "part_number": number,
        "content_length": received.size,
        "content_sha1": sha1,
        "content_md5": received.md5,
        "upload_ms": app.now_ms(),
        "blob": blob,
    }
    try:
        with app.store.write() as conn:
            large = unfinished(conn, file_id)
            old = conn.execute(
                "SELECT blob FROM large_file_parts WHERE file_id = ? AND part_number = ?", (file_id, number)
            ).fetchone()
            conn.execute(
                "INSERT OR REPLACE INTO large_file_parts (file_id, part_number, content_length, "
                "content_sha1, content_md5, upload_ms, blob, sse) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (*row.values(), large["sse"]),
            )
    except BaseException:
        app.blobs.delete([blob])
        raise
    if old is not None:
        app.blobs.delete([str(old["blob"])])
    return part_json(row, large["sse"])


def requested_sse(raw: dict[str, Any] | None, bucket: sqlite3.Row) -> dict[str, Any]:
    """``sse`` / ``sse_key_md5`` columns for a JSON encryption setting, else the bucket default."""
    if raw is None:
        return {"sse": bucket["default_sse"]}
    mode = raw.get("mode")
    if mode in (None, "none"):
        return {"sse": None}
    if raw.get("algorithm", "AES256") != "AES256":
        raise bad_request("the only supported encryption algorithm is AES256")
    if mode == "SSE-B2":
        return {"sse": json.dumps({"algorithm": "AES256", "mode": "SSE-B2"})}
    if mode == "SSE-C":
        return {
            "sse": json.dumps({"algorithm": "AES256", "mode": "SSE-C"}),
            "sse_key_md5": json_customer_key_md5(raw),
        }
    raise bad_request(f"unknown encryption mode {mode!r}")


def json_customer_key_md5(raw: dict[str, Any]) -> str:
    """Validate an SSE-C JSON setting (32-byte base64 key, matching MD5); returns the key's base64 MD5."""
    try:
        key = base64.b64decode(str(raw.get("customerKey", "")), validate=True)
    except binascii.Error as exc:
        raise bad_request("customerKey is not base64") from exc
    if len(key) != 32:
        raise bad_request("the SSE-C key must be 32 bytes")
    md5 = base64.b64encode(hashlib.md5(key).digest()).decode()
    if raw.get("customerKeyMd5") != md5:
        raise bad_request("customerKeyMd5 does not match customerKey")
    return md5


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


def checked_content_type(value: str, file_name: str) -> str:
    """A ``contentType`` parameter, with ``b2/x-auto`` resolved from the file name."""
    value = value.strip()
    if value == p.CONTENT_TYPE_AUTO:
        return mimetypes.guess_type(file_name, strict=False)[0] or "application/octet-stream"
    if "/" not in value or len(value) > 1000 or not value.isascii() or not value.isprintable():
        raise bad_request(f"invalid contentType {value[:100]!r}")
    return value


def start_large_file(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    params = request.params
    bucket_id = params.text("bucketId")
    file_name = _files.checked_name(params.text("fileName"))
    _auth.require(principal, "writeFiles", bucket_id=bucket_id, file_name=file_name)
    info = checked_file_info(params.opt_object("fileInfo") or {}, file_name)
    content_type = checked_content_type(params.text("contentType"), file_name)
    stamp = _start_timestamp(request)
    asked = _file_lock.lock_request_from_json(
        {"fileRetention": params.raw("fileRetention"), "legalHold": params.raw("legalHold")}
    )
    with request.app.store.write() as conn:
        bucket = _buckets.require(conn, bucket_id)
        lock = _file_lock.lock_for_new_version(principal, bucket, asked, request.app.now_ms())
        row = _files.insert_version(
            conn,
            {
                "bucket_id": bucket_id,
                "file_name": file_name,
                "action": "start",
                "content_length": 0,
                "content_sha1": LARGE_FILE_SHA1,
                "content_type": content_type,
                "file_info": json.dumps(info),
                "upload_ms": stamp,
                **requested_sse(params.opt_object("serverSideEncryption"), bucket),
                **_file_lock.lock_columns(lock),
            },
        )
    return _unfinished_json(request, principal, row)


def get_upload_part_url(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    file_id = request.params.text("fileId")
    _auth.require(principal, "writeFiles")
    with request.app.store.write() as conn:
        row = unfinished(conn, file_id)
        _auth.require(principal, "writeFiles", bucket_id=row["bucket_id"], file_name=row["file_name"])
        expires = request.app.now_ms() + PART_TOKEN_TTL_MS
        token = _auth.issue(conn, "upload_part", expires, key_id=principal.key_id, file_id=file_id)
    upload_url = f"{request.base_url}/b2api/{request.version}/b2_upload_part/{file_id}/{_ids.blob_name()}"
    return {"fileId": file_id, "uploadUrl": upload_url, "authorizationToken": token}


def upload_part(request: Request) -> dict[str, Any]:
    caller = _uploads.upload_caller(request, "upload_part", "file_id", "large file")
    with request.app.exclusive_upload(caller.token):
        return _receive_part(request, caller.principal, caller.bound_to)


def _receive_part(request: Request, principal: Principal, file_id: str) -> dict[str, Any]:
    number = part_number(_header_int(request, "X-Bz-Part-Number"))
    if request.headers.get("Content-Length") is None:
        raise bad_request("Content-Length header is required")
    checksum = _uploads.parse_checksum(request.headers.get("X-Bz-Content-Sha1"))
    with request.app.store.read() as conn:
        large = unfinished(conn, file_id)
    _auth.require(principal, "writeFiles", bucket_id=large["bucket_id"], file_name=large["file_name"])
    _check_part_sse(request, large)
    size = request.body.length - checksum.trailer_size
    if size > p.MAX_PART_SIZE:
        raise bad_request(f"parts must be at most {p.MAX_PART_SIZE} bytes")
    if size < 1:
        raise bad_request("a part must hold at least one byte")
    received = request.app.blobs.receive(request.body, request.body.length, checksum.trailer_size)
    try:
        sha1 = checksum.stored_value(received.sha1, received.trailer)
    except B2Error:
        request.app.blobs.discard(received)
        raise
    return store_part(request, file_id, number, received, sha1)


def _check_part_sse(request: Request, large: sqlite3.Row) -> None:
    """Parts of an SSE-C large file must repeat the start's customer key."""
    if large["sse_key_md5"] is None:
        return
    if request.headers.get("X-Bz-Server-Side-Encryption-Customer-Algorithm") is None:
        raise bad_request("parts of an SSE-C large file need the SSE-C key headers")
    if _uploads.customer_key_md5(request) != large["sse_key_md5"]:
        raise B2Error(403, p.ACCESS_DENIED, "the SSE-C key does not match the large file's key")


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
    _auth.require(principal, "writeFiles")
    with request.app.store.read() as conn:
        large = unfinished(conn, file_id)
        _auth.require(principal, "writeFiles", bucket_id=large["bucket_id"], file_name=large["file_name"])
        rows = conn.execute(
            "SELECT * FROM large_file_parts WHERE file_id = ? AND part_number >= ? "
            "ORDER BY part_number LIMIT ?",
            (file_id, start, count + 1),
        ).fetchall()
    next_number = rows[count]["part_number"] if len(rows) > count else None
    return {"parts": [part_json(row, row["sse"]) for row in rows[:count]], "nextPartNumber": next_number}


def finish_large_file(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    file_id = request.params.text("fileId")
    sha1s = request.params.opt_list("partSha1Array")
    if sha1s is None:
        raise bad_request("required field partSha1Array is missing")
    _auth.require(principal, "writeFiles")
    minimum = request.app.config.absolute_minimum_part_size
    with request.app.store.write() as conn:
        large = unfinished(conn, file_id)
        _auth.require(principal, "writeFiles", bucket_id=large["bucket_id"], file_name=large["file_name"])
        parts = [
            PartRecord(int(r["part_number"]), int(r["content_length"]), str(r["content_sha1"]))
            for r in conn.execute(
                "SELECT part_number, content_length, content_sha1 FROM large_file_parts "
                "WHERE file_id = ? ORDER BY part_number",
                (file_id,),
            )
        ]
        problem = finish_problem(parts, sha1s, minimum)
        if problem is not None:
            raise problem
        total = sum(part.size for part in parts)
        if total > p.MAX_LARGE_FILE_SIZE:
            raise bad_request(f"large files must be at most {p.MAX_LARGE_FILE_SIZE} bytes")
        conn.execute(
            "UPDATE files SET action = 'upload', content_length = ?, content_sha1 = ?, content_md5 = NULL "
            "WHERE file_id = ?",
            (total, LARGE_FILE_SHA1, file_id),
        )
        conn.execute("DELETE FROM tokens WHERE kind = 'upload_part' AND file_id = ?", (file_id,))
        finished = _files.find_version(conn, file_id)
    if finished is None:
        raise bad_request(f"No active upload for: {file_id}")
    return _files.file_json(request, principal, finished)


def cancel_large_file(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    file_id = request.params.text("fileId")
    _auth.require(principal, "writeFiles")
    with request.app.store.write() as conn:
        large = unfinished(conn, file_id)
        _auth.require(principal, "writeFiles", bucket_id=large["bucket_id"], file_name=large["file_name"])
        blobs = _files.cancel_start_version(conn, large)
    request.app.blobs.delete(blobs)
    return {
        "accountId": request.app.account.account_id,
        "bucketId": large["bucket_id"],
        "fileId": file_id,
        "fileName": large["file_name"],
    }


def list_unfinished_large_files(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    params = request.params
    bucket_id = params.text("bucketId")
    _auth.require(principal, "listFiles", bucket_id=bucket_id)
    prefix = _auth.list_prefix(principal, params.opt_text("namePrefix") or "", request.version)
    count = params.opt_int("maxFileCount") or p.MAX_UNFINISHED_LIST_COUNT
    if not 1 <= count <= p.MAX_UNFINISHED_LIST_COUNT:
        raise bad_request(f"maxFileCount must be 1..{p.MAX_UNFINISHED_LIST_COUNT}")
    start_id = params.opt_text("startFileId")
    with request.app.store.read() as conn:
        _buckets.require(conn, bucket_id)
        rows = [] if prefix is None else _unfinished_page(conn, bucket_id, prefix, start_id, count + 1)
    next_id = rows[count]["file_id"] if len(rows) > count else None
    files = [_unfinished_json(request, principal, row) for row in rows[:count]]
    return {"files": files, "nextFileId": next_id}


def _unfinished_json(request: Request, principal: Principal, row: sqlite3.Row) -> dict[str, Any]:
    shaped = _files.file_json(request, principal, row)
    if request.version == "v1":
        for key in ("action", "contentLength", "contentSha1"):
            shaped.pop(key, None)
    return shaped


def _unfinished_page(
    conn: sqlite3.Connection, bucket_id: str, prefix: str, start_id: str | None, limit: int
) -> list[sqlite3.Row]:
    """Unfinished files of the bucket under ``prefix``, oldest first, from ``start_id`` (inclusive)."""
    where = "bucket_id = ? AND action = 'start' AND substr(file_name, 1, ?) = ?"
    args: list[Any] = [bucket_id, len(prefix), prefix]
    if start_id is not None:
        start = conn.execute(
            "SELECT upload_ms, seq FROM files WHERE file_id = ? AND bucket_id = ?", (start_id, bucket_id)
        ).fetchone()
        if start is None:
            raise bad_request(f"startFileId {start_id} is not an unfinished large file of this bucket")
        where += " AND (upload_ms > ? OR (upload_ms = ? AND seq >= ?))"
        args += [start["upload_ms"], start["upload_ms"], start["seq"]]
    return list(
        conn.execute(
            f"SELECT * FROM files WHERE {where} ORDER BY upload_ms, seq LIMIT ?", (*args, limit)
        ).fetchall()
    )
