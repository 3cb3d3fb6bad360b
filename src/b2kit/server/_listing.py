"""``b2_list_file_names`` and ``b2_list_file_versions``: prefix, delimiter folders, inclusive start points,
pages of up to 10,000, ``next*`` keys always present, names in UTF-8 byte order (protocol §9).

SQLite compares TEXT with memcmp on UTF-8, so ``ORDER BY file_name`` is UTF-8 byte order. Pages are read
with keyset cursors in batches, one short read transaction per call.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from b2kit import _protocol as p
from b2kit.server import _auth, _buckets, _files
from b2kit.server._auth import Principal
from b2kit.server._errors import bad_request
from b2kit.server._exchange import Request

_BATCH = 1000
_FIRST_BATCH = 16  # small first reads: after a folder jump often only one row is used
# the current version of each name (newest that is not an unfinished large file; same order as NEWEST_FIRST)
_CURRENT = (
    "SELECT f.* FROM files f WHERE f.bucket_id = ? AND f.file_name {op} ? AND f.action != 'start' "
    "AND f.seq = (SELECT g.seq FROM files g WHERE g.bucket_id = f.bucket_id AND g.file_name = f.file_name "
    "AND g.action != 'start' ORDER BY g.upload_ms DESC, g.seq DESC LIMIT 1) "
    "ORDER BY f.file_name LIMIT ?"
)


@dataclass(frozen=True)
class Cursor:
    """Where a scan resumes: at/after ``name``, or (versions) after the version ``(upload_ms, seq)``."""

    name: str
    inclusive: bool = True
    upload_ms: int | None = None
    seq: int | None = None


@dataclass(frozen=True)
class Entry:
    """One listed item: a version row or a folder name."""

    name: str
    row: sqlite3.Row | None = None


def _successor(folder: str) -> str | None:
    """The smallest string after every name that starts with ``folder``."""
    last = ord(folder[-1]) + 1
    if last > 0x10FFFF:
        return None
    if 0xD800 <= last <= 0xDFFF:
        last = 0xE000
    return folder[:-1] + chr(last)


def _current_rows(conn: sqlite3.Connection, bucket_id: str, cursor: Cursor, limit: int) -> list[sqlite3.Row]:
    op = ">=" if cursor.inclusive else ">"
    return conn.execute(_CURRENT.format(op=op), (bucket_id, cursor.name, limit)).fetchall()


def _version_rows(conn: sqlite3.Connection, bucket_id: str, cursor: Cursor, limit: int) -> list[sqlite3.Row]:
    order = f"ORDER BY file_name, {_files.NEWEST_FIRST} LIMIT ?"
    rows: list[sqlite3.Row] = []
    if cursor.upload_ms is not None and cursor.seq is not None:
        seq_op = "<=" if cursor.inclusive else "<"
        rows = conn.execute(
            f"SELECT * FROM files WHERE bucket_id = ? AND file_name = ? AND "
            f"(upload_ms < ? OR (upload_ms = ? AND seq {seq_op} ?)) {order}",
            (bucket_id, cursor.name, cursor.upload_ms, cursor.upload_ms, cursor.seq, limit),
        ).fetchall()
        if len(rows) == limit:
            return rows
        op = ">"
    else:
        op = ">=" if cursor.inclusive else ">"
    more = conn.execute(
        f"SELECT * FROM files WHERE bucket_id = ? AND file_name {op} ? {order}",
        (bucket_id, cursor.name, limit - len(rows)),
    ).fetchall()
    return rows + more


def _scan(
    conn: sqlite3.Connection,
    bucket_id: str,
    prefix: str,
    delimiter: str | None,
    start: Cursor,
    versions: bool,
) -> Iterator[Entry]:
    """Entries in listing order, folders collapsed, stopping at the end of ``prefix``."""
    cursor: Cursor | None = start
    limit = _FIRST_BATCH
    while cursor is not None:
        rows = (_version_rows if versions else _current_rows)(conn, bucket_id, cursor, limit)
        if not rows:
            return
        cursor, jumped = None, False
        for row in rows:
            name = str(row["file_name"])
            if not name.startswith(prefix):
                return
            rest = name[len(prefix) :]
            at = rest.find(delimiter) if delimiter else -1
            if at >= 0:
                folder = prefix + rest[: at + len(delimiter or "")]
                yield Entry(folder)
                following = _successor(folder)
                cursor, jumped = (None if following is None else Cursor(following)), True
                break
            if versions or row["action"] == "upload":
                yield Entry(name, row)
        if jumped:
            limit = _FIRST_BATCH
        elif len(rows) == limit:
            limit = min(limit * 4, _BATCH)
            last = rows[-1]
            cursor = Cursor(
                str(last["file_name"]), False, last["upload_ms"] if versions else None, last["seq"]
            )


def _entry_json(request: Request, principal: Principal, bucket_id: str, entry: Entry) -> dict[str, Any]:
    if entry.row is None:
        result: dict[str, Any] = {
            "accountId": request.app.account.account_id,
            "action": "folder",
            "bucketId": bucket_id,
            "contentLength": 0,
            "contentMd5": None,
            "contentSha1": None,
            "contentType": None,
            "fileId": None,
            "fileInfo": {},
            "fileName": entry.name,
            "uploadTimestamp": 0,
        }
    else:
        result = _files.file_json(request, principal, entry.row)
    if request.version == "v1":
        result["size"] = result.pop("contentLength")
        for key in ("accountId", "bucketId", "fileRetention", "legalHold", "serverSideEncryption"):
            result.pop(key, None)
    return result


def _list(request: Request, versions: bool) -> dict[str, Any]:
    principal = _auth.account(request)
    params = request.params
    bucket_id = params.text("bucketId")
    _auth.require(principal, "listFiles", bucket_id=bucket_id)
    count = params.opt_int("maxFileCount") or p.DEFAULT_LIST_FILE_COUNT
    if not 1 <= count <= p.MAX_LIST_FILE_COUNT:
        raise bad_request(f"maxFileCount must be 1..{p.MAX_LIST_FILE_COUNT}")
    prefix = _auth.list_prefix(principal, params.opt_text("prefix") or "", request.version)
    delimiter = params.opt_text("delimiter") or None
    start_name = params.opt_text("startFileName") or ""
    start_id = params.opt_text("startFileId") if versions else None
    entries: list[Entry] = []
    with request.app.store.read() as conn:
        _buckets.require(conn, bucket_id)
        start = Cursor(max(start_name, prefix or ""))
        if start_id is not None:
            start = _version_cursor(conn, start_name, start_id, start)
        if prefix is not None:
            for entry in _scan(conn, bucket_id, prefix, delimiter, start, versions):
                entries.append(entry)
                if len(entries) > count:
                    break
    result: dict[str, Any] = {
        "files": [_entry_json(request, principal, bucket_id, entry) for entry in entries[:count]],
        "nextFileName": entries[count].name if len(entries) > count else None,
    }
    if versions:
        following = entries[count].row if len(entries) > count else None
        result["nextFileId"] = None if following is None else following["file_id"]
    return result


def _version_cursor(conn: sqlite3.Connection, start_name: str, start_id: str, fallback: Cursor) -> Cursor:
    if not start_name:
        raise bad_request("startFileId needs startFileName")
    row = _files.find_version(conn, start_id)
    if row is None or row["file_name"] != start_name:
        raise bad_request(f"startFileId {start_id} is not a version of {start_name!r}")
    if fallback.name > start_name:
        return fallback
    return Cursor(start_name, True, row["upload_ms"], row["seq"])


def list_file_names(request: Request) -> dict[str, Any]:
    return _list(request, versions=False)


def list_file_versions(request: Request) -> dict[str, Any]:
    return _list(request, versions=True)
