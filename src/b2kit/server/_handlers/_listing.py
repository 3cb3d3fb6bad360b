"""``b2_list_file_names`` and ``b2_list_file_versions``: prefix, delimiter folders, inclusive start points,
pages of up to 10,000, ``next*`` keys always present, names in UTF-8 byte order (protocol §9).

The state layer returns names in UTF-8 byte order. Pages are read with keyset cursors in batches, one short
read transaction per call.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from b2kit import _protocol as p
from b2kit.server._errors import bad_request
from b2kit.server._handlers import _auth
from b2kit.server._handlers._shapes import file_json
from b2kit.server._http._exchange import Request
from b2kit.server._rules._capabilities import Principal
from b2kit.server._state import UPLOAD, FileVersion, Tx, VersionKey

_BATCH = 1000
_FIRST_BATCH = 16  # small first reads: after a folder jump often only one row is used


@dataclass(frozen=True)
class Cursor:
    """Where a scan resumes: at/after ``name``, or (versions) after the version ``(upload_ms, seq)``."""

    name: str
    inclusive: bool = True
    upload_ms: int | None = None
    seq: int | None = None


@dataclass(frozen=True)
class Entry:
    """One listed item: a version or a folder name."""

    name: str
    version: FileVersion | None = None


def _successor(folder: str) -> str | None:
    """The smallest string after every name that starts with ``folder``."""
    last = ord(folder[-1]) + 1
    if last > 0x10FFFF:
        return None
    if 0xD800 <= last <= 0xDFFF:
        last = 0xE000
    return folder[:-1] + chr(last)


def _current_rows(tx: Tx, bucket_id: str, cursor: Cursor, limit: int) -> list[FileVersion]:
    return tx.files.current_from(bucket_id, cursor.name, cursor.inclusive, limit)


def _version_rows(tx: Tx, bucket_id: str, cursor: Cursor, limit: int) -> list[FileVersion]:
    rows: list[FileVersion] = []
    inclusive = cursor.inclusive
    if cursor.upload_ms is not None and cursor.seq is not None:
        after = VersionKey(cursor.name, cursor.upload_ms, cursor.seq)
        rows = tx.files.older_versions(bucket_id, after, cursor.inclusive, limit)
        if len(rows) == limit:
            return rows
        inclusive = False
    return rows + tx.files.versions_from(bucket_id, cursor.name, inclusive, limit - len(rows))


def _scan(
    tx: Tx,
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
        rows = (_version_rows if versions else _current_rows)(tx, bucket_id, cursor, limit)
        if not rows:
            return
        cursor, jumped = None, False
        for row in rows:
            name = row.file_name
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
            if versions or row.action == UPLOAD:
                yield Entry(name, row)
        if jumped:
            limit = _FIRST_BATCH
        elif len(rows) == limit:
            limit = min(limit * 4, _BATCH)
            last = rows[-1]
            cursor = Cursor(last.file_name, False, last.upload_ms if versions else None, last.seq)


def _entry_json(request: Request, principal: Principal, bucket_id: str, entry: Entry) -> dict[str, Any]:
    if entry.version is None:
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
        result = file_json(request.app.account.account_id, principal, entry.version)
    if request.version == "v1":
        result["size"] = result.pop("contentLength")
        for key in ("accountId", "bucketId", "fileRetention", "legalHold", "serverSideEncryption"):
            result.pop(key, None)
    return result


def _list(request: Request, versions: bool) -> dict[str, Any]:
    principal = _auth.account(request)
    params = request.params
    bucket_id = params.text("bucketId")
    _auth.require(principal, p.LIST_FILES, bucket_id=bucket_id)
    count = params.opt_int("maxFileCount") or p.DEFAULT_LIST_FILE_COUNT
    if not 1 <= count <= p.MAX_LIST_FILE_COUNT:
        raise bad_request(f"maxFileCount must be 1..{p.MAX_LIST_FILE_COUNT}")
    prefix = _auth.list_prefix(principal, params.opt_text("prefix") or "", request.version)
    delimiter = params.opt_text("delimiter") or None
    start_name = params.opt_text("startFileName") or ""
    start_id = params.opt_text("startFileId") if versions else None
    entries: list[Entry] = []
    with request.app.state.read() as tx:
        tx.buckets.require(bucket_id)
        start = Cursor(max(start_name, prefix or ""))
        if start_id is not None:
            start = _version_cursor(tx, start_name, start_id, start)
        if prefix is not None:
            for entry in _scan(tx, bucket_id, prefix, delimiter, start, versions):
                entries.append(entry)
                if len(entries) > count:
                    break
    result: dict[str, Any] = {
        "files": [_entry_json(request, principal, bucket_id, entry) for entry in entries[:count]],
        "nextFileName": entries[count].name if len(entries) > count else None,
    }
    if versions:
        following = entries[count].version if len(entries) > count else None
        result["nextFileId"] = None if following is None else following.file_id
    return result


def _version_cursor(tx: Tx, start_name: str, start_id: str, fallback: Cursor) -> Cursor:
    if not start_name:
        raise bad_request("startFileId needs startFileName")
    version = tx.files.get(start_id)
    if version is None or version.file_name != start_name:
        raise bad_request(f"startFileId {start_id} is not a version of {start_name!r}")
    if fallback.name > start_name:
        return fallback
    return Cursor(start_name, True, version.upload_ms, version.seq)


def list_file_names(request: Request) -> dict[str, Any]:
    return _list(request, versions=False)


def list_file_versions(request: Request) -> dict[str, Any]:
    return _list(request, versions=True)
