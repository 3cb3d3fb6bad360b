"""File versions: the JSON object (protocol §4.4), hide, delete a version, get file info.

Version order for a name: newest first by ``(upload_ms, seq)``. The "current" version of a name is its
newest version that is not an unfinished large file (``start``).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from b2kit import _protocol as p
from b2kit.server import _auth, _buckets, _ids
from b2kit.server._auth import Principal
from b2kit.server._errors import access_denied, bad_request, not_found
from b2kit.server._exchange import Request

EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"
NEWEST_FIRST = "upload_ms DESC, seq DESC"
_UNENCRYPTED = {"algorithm": None, "mode": None}


def file_json(request: Request, principal: Principal, row: sqlite3.Row) -> dict[str, Any]:
    """The file-version object as v2+ send it (v1 list entries are reshaped by the listing)."""
    action = row["action"]
    result: dict[str, Any] = {
        "accountId": request.app.account.account_id,
        "action": action,
        "bucketId": row["bucket_id"],
        "contentLength": row["content_length"],
        "contentMd5": row["content_md5"],
        "contentSha1": row["content_sha1"],
        "contentType": row["content_type"],
        "fileId": row["file_id"],
        "fileInfo": json.loads(row["file_info"]),
        "fileName": row["file_name"],
        "uploadTimestamp": row["upload_ms"],
    }
    if action != "hide":
        result["fileRetention"] = retention_json(principal, row)
        result["legalHold"] = legal_hold_json(principal, row)
        result["serverSideEncryption"] = json.loads(row["sse"]) if row["sse"] else dict(_UNENCRYPTED)
    if row["replication_status"]:
        result["replicationStatus"] = row["replication_status"]
    return result


def retention_json(principal: Principal, row: sqlite3.Row) -> dict[str, Any]:
    if not principal.can("readFileRetentions"):
        return {"isClientAuthorizedToRead": False, "value": None}
    value = {"mode": row["retention_mode"], "retainUntilTimestamp": row["retention_until_ms"]}
    return {"isClientAuthorizedToRead": True, "value": value}


def legal_hold_json(principal: Principal, row: sqlite3.Row) -> dict[str, Any]:
    if not principal.can("readFileLegalHolds"):
        return {"isClientAuthorizedToRead": False, "value": None}
    return {"isClientAuthorizedToRead": True, "value": row["legal_hold"]}


def find_version(conn: sqlite3.Connection, file_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM files WHERE file_id = ?", (file_id,)).fetchone()  # type: ignore[no-any-return]


def current_version(conn: sqlite3.Connection, bucket_id: str, file_name: str) -> sqlite3.Row | None:
    """The newest version of a name that is not an unfinished large file (an upload or a hide marker)."""
    return conn.execute(  # type: ignore[no-any-return]
        f"SELECT * FROM files WHERE bucket_id = ? AND file_name = ? AND action != 'start' "
        f"ORDER BY {NEWEST_FIRST} LIMIT 1",
        (bucket_id, file_name),
    ).fetchone()


def checked_name(name: str) -> str:
    problem = p.file_name_problem(name)
    if problem is not None:
        raise bad_request(problem)
    return name


def insert_version(conn: sqlite3.Connection, columns: dict[str, Any]) -> sqlite3.Row:
    """Insert a file-version row (``file_id`` generated unless given) and return it."""
    values = dict(columns)
    values.setdefault("file_id", _ids.file_id(str(values["bucket_id"]), int(values["upload_ms"])))
    conn.execute(
        f"INSERT INTO files ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})",
        tuple(values.values()),
    )
    row = find_version(conn, str(values["file_id"]))
    if row is None:
        raise RuntimeError("inserted file version vanished")
    return row


def delete_version_rows(conn: sqlite3.Connection, row: sqlite3.Row) -> list[str]:
    """Delete one version and its parts (cancelling it when it is an unfinished large file); returns the
    blobs to remove once the transaction has committed."""
    parts = conn.execute("SELECT blob FROM large_file_parts WHERE file_id = ?", (row["file_id"],)).fetchall()
    conn.execute("DELETE FROM large_file_parts WHERE file_id = ?", (row["file_id"],))
    conn.execute("DELETE FROM tokens WHERE kind = 'upload_part' AND file_id = ?", (row["file_id"],))
    conn.execute("DELETE FROM files WHERE file_id = ?", (row["file_id"],))
    blobs = [str(part["blob"]) for part in parts]
    if row["blob"] is not None:
        blobs.append(str(row["blob"]))
    return blobs


def cancel_start_version(conn: sqlite3.Connection, row: sqlite3.Row) -> list[str]:
    """Cancel an unfinished large file (``action == 'start'``): drop it and its parts."""
    if row["action"] != "start":
        raise bad_request(f"file {row['file_id']} is not an unfinished large file")
    return delete_version_rows(conn, row)


def check_deletable(request: Request, principal: Principal, row: sqlite3.Row, bypass: bool) -> None:
    """Object Lock: a legal hold or an unexpired retention protects a version (403 access_denied)."""
    if row["legal_hold"] == "on":
        raise access_denied("file version is under legal hold")
    until = row["retention_until_ms"]
    if row["retention_mode"] is None or until is None or until <= request.app.now_ms():
        return
    if row["retention_mode"] == "compliance":
        raise access_denied("file version is under compliance retention")
    if not (bypass and principal.can("bypassGovernance")):
        raise access_denied("file version is under governance retention; bypassGovernance is needed")


def delete_file_version(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    file_name, file_id = request.params.text("fileName"), request.params.text("fileId")
    bypass = bool(request.params.opt_bool("bypassGovernance"))
    _auth.require(principal, "deleteFiles", file_name=file_name)
    with request.app.store.write() as conn:
        row = find_version(conn, file_id)
        if row is None or row["file_name"] != file_name:
            raise bad_request(f"File not present: {file_name} {file_id}", code=p.FILE_NOT_PRESENT)
        _auth.require(principal, None, bucket_id=row["bucket_id"])
        check_deletable(request, principal, row, bypass)
        blobs = delete_version_rows(conn, row)
    request.app.blobs.delete(blobs)
    return {"fileId": file_id, "fileName": file_name}


def hide_file(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    bucket_id = request.params.text("bucketId")
    file_name = checked_name(request.params.text("fileName"))
    _auth.require(principal, "writeFiles", bucket_id=bucket_id, file_name=file_name)
    with request.app.store.write() as conn:
        _buckets.require(conn, bucket_id)
        current = current_version(conn, bucket_id, file_name)
        if current is None:
            raise bad_request(f"File not present: {file_name}", code=p.NO_SUCH_FILE)
        if current["action"] == "hide":
            raise bad_request(f"File already hidden: {file_name}", code=p.ALREADY_HIDDEN)
        row = insert_version(
            conn,
            {
                "bucket_id": bucket_id,
                "file_name": file_name,
                "action": "hide",
                "content_length": 0,
                "content_sha1": EMPTY_SHA1,
                "content_md5": EMPTY_MD5,
                "content_type": p.HIDE_MARKER_CONTENT_TYPE,
                "upload_ms": max(request.app.now_ms(), int(current["upload_ms"]) + 1),
            },
        )
    result = file_json(request, principal, row)
    if request.version == "v1":
        del result["bucketId"]
    return result


def get_file_info(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    file_id = request.params.text("fileId")
    _auth.require(principal, "readFiles")
    with request.app.store.read() as conn:
        row = find_version(conn, file_id)
    if row is None:
        raise not_found(f"file not found: {file_id}")
    _auth.require(principal, None, bucket_id=row["bucket_id"], file_name=row["file_name"])
    return file_json(request, principal, row)
