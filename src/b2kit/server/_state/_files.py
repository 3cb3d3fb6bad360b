"""The ``files`` table: one row per file version (uploads, hide markers, unfinished large files).

Version order for a name: newest first by ``(upload_ms, seq)``. The current version of a name is its newest
version that is not an unfinished large file. SQLite compares TEXT with memcmp on UTF-8, so ``ORDER BY
file_name`` is UTF-8 byte order, the order B2 lists names in.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from itertools import groupby
from typing import Any

from b2kit.server import _ids
from b2kit.server._state._columns import dumps, encryption, encryption_text
from b2kit.server._state._records import FileLock, FileVersion, NewVersion, Retention, VersionKey

NEWEST_FIRST = "upload_ms DESC, seq DESC"
# the current version of each name (newest that is not an unfinished large file; same order as NEWEST_FIRST)
_CURRENT = (
    "SELECT f.* FROM files f WHERE f.bucket_id = ? AND f.file_name {op} ? AND f.action != 'start' "
    "AND f.seq = (SELECT g.seq FROM files g WHERE g.bucket_id = f.bucket_id AND g.file_name = f.file_name "
    "AND g.action != 'start' ORDER BY g.upload_ms DESC, g.seq DESC LIMIT 1) "
    "ORDER BY f.file_name LIMIT ?"
)
_UNDER_PREFIX = "bucket_id = ? AND substr(file_name, 1, ?) = ?"


class Files:
    """File versions in one transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, file_id: str) -> FileVersion | None:
        return _version(self._conn.execute("SELECT * FROM files WHERE file_id = ?", (file_id,)).fetchone())

    def current(self, bucket_id: str, file_name: str) -> FileVersion | None:
        """The newest version of a name that is not an unfinished large file (an upload or a hide marker)."""
        row = self._conn.execute(
            f"SELECT * FROM files WHERE bucket_id = ? AND file_name = ? AND action != 'start' "
            f"ORDER BY {NEWEST_FIRST} LIMIT 1",
            (bucket_id, file_name),
        ).fetchone()
        return _version(row)

    def any_in_bucket(self, bucket_id: str) -> bool:
        return (
            self._conn.execute("SELECT 1 FROM files WHERE bucket_id = ? LIMIT 1", (bucket_id,)).fetchone()
            is not None
        )

    def insert(self, new: NewVersion) -> FileVersion:
        """Store a new version and return it as stored."""
        file_id = new.file_id or _ids.file_id(new.bucket_id, new.upload_ms)
        columns: dict[str, Any] = {
            "file_id": file_id,
            "bucket_id": new.bucket_id,
            "file_name": new.file_name,
            "action": new.action,
            "content_length": new.content_length,
            "content_sha1": new.content_sha1,
            "content_md5": new.content_md5,
            "content_type": new.content_type,
            "file_info": dumps(dict(new.file_info)),
            "upload_ms": new.upload_ms,
            "blob": new.blob,
            "sse": encryption_text(new.encryption),
            "sse_key_md5": new.encryption.key_md5,
            "retention_mode": new.lock.retention.mode,
            "retention_until_ms": new.lock.retention.retain_until_ms,
            "legal_hold": new.lock.legal_hold,
        }
        self._conn.execute(
            f"INSERT INTO files ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
            tuple(columns.values()),
        )
        stored = self.get(file_id)
        if stored is None:
            raise RuntimeError("inserted file version vanished")
        return stored

    def finish_large_file(self, file_id: str, total: int, content_sha1: str) -> FileVersion | None:
        """Turn an unfinished large file into a finished upload of ``total`` bytes (its parts hold them)."""
        self._conn.execute(
            "UPDATE files SET action = 'upload', content_length = ?, content_sha1 = ?, content_md5 = NULL "
            "WHERE file_id = ?",
            (total, content_sha1, file_id),
        )
        self._conn.execute("DELETE FROM tokens WHERE kind = 'upload_part' AND file_id = ?", (file_id,))
        return self.get(file_id)

    def delete(self, version: FileVersion) -> list[str]:
        """Delete one version and its parts (cancelling it when it is an unfinished large file); returns the
        blobs to remove once the transaction has committed."""
        file_id = version.file_id
        parts = self._conn.execute(
            "SELECT blob FROM large_file_parts WHERE file_id = ?", (file_id,)
        ).fetchall()
        self._conn.execute("DELETE FROM large_file_parts WHERE file_id = ?", (file_id,))
        self._conn.execute("DELETE FROM tokens WHERE kind = 'upload_part' AND file_id = ?", (file_id,))
        self._conn.execute("DELETE FROM files WHERE file_id = ?", (file_id,))
        blobs = [str(part["blob"]) for part in parts]
        if version.blob is not None:
            blobs.append(version.blob)
        return blobs

    def set_retention(self, file_id: str, retention: Retention) -> None:
        self._conn.execute(
            "UPDATE files SET retention_mode = ?, retention_until_ms = ? WHERE file_id = ?",
            (retention.mode, retention.retain_until_ms, file_id),
        )

    def set_legal_hold(self, file_id: str, legal_hold: str | None) -> None:
        self._conn.execute("UPDATE files SET legal_hold = ? WHERE file_id = ?", (legal_hold, file_id))

    # --- listing ----------------------------------------------------------------------------------------

    def current_from(self, bucket_id: str, name: str, inclusive: bool, limit: int) -> list[FileVersion]:
        """Current versions of the names from ``name`` on (``inclusive``: ``name`` itself too), by name."""
        op = ">=" if inclusive else ">"
        rows = self._conn.execute(_CURRENT.format(op=op), (bucket_id, name, limit)).fetchall()
        return _versions(rows)

    def versions_from(self, bucket_id: str, name: str, inclusive: bool, limit: int) -> list[FileVersion]:
        """Every version of the names from ``name`` on, by name then newest first."""
        op = ">=" if inclusive else ">"
        rows = self._conn.execute(
            f"SELECT * FROM files WHERE bucket_id = ? AND file_name {op} ? "
            f"ORDER BY file_name, {NEWEST_FIRST} LIMIT ?",
            (bucket_id, name, limit),
        ).fetchall()
        return _versions(rows)

    def older_versions(
        self, bucket_id: str, after: VersionKey, inclusive: bool, limit: int
    ) -> list[FileVersion]:
        """The versions of ``after``'s name older than it (``inclusive``: it too), newest first."""
        seq_op = "<=" if inclusive else "<"
        rows = self._conn.execute(
            f"SELECT * FROM files WHERE bucket_id = ? AND file_name = ? AND "
            f"(upload_ms < ? OR (upload_ms = ? AND seq {seq_op} ?)) "
            f"ORDER BY file_name, {NEWEST_FIRST} LIMIT ?",
            (bucket_id, after.file_name, after.upload_ms, after.upload_ms, after.seq, limit),
        ).fetchall()
        return _versions(rows)

    def unfinished_page(
        self, bucket_id: str, prefix: str, start: FileVersion | None, limit: int
    ) -> list[FileVersion]:
        """Unfinished large files of the bucket under ``prefix``, oldest first, from ``start`` (inclusive)."""
        where = f"{_UNDER_PREFIX} AND action = 'start'"
        args: list[Any] = [bucket_id, len(prefix), prefix]
        if start is not None:
            where += " AND (upload_ms > ? OR (upload_ms = ? AND seq >= ?))"
            args += [start.upload_ms, start.upload_ms, start.seq]
        rows = self._conn.execute(
            f"SELECT * FROM files WHERE {where} ORDER BY upload_ms, seq LIMIT ?", (*args, limit)
        ).fetchall()
        return _versions(rows)

    def names_under(self, bucket_id: str, prefix: str) -> Iterator[list[FileVersion]]:
        """Each name's finished versions (uploads and hide markers) under ``prefix``, newest first."""
        rows = self._conn.execute(
            f"SELECT * FROM files WHERE {_UNDER_PREFIX} AND action != 'start' "
            f"ORDER BY file_name, {NEWEST_FIRST}",
            (bucket_id, len(prefix), prefix),
        )
        for _name, group in groupby(rows, key=lambda row: row["file_name"]):
            yield _versions(list(group))

    def unfinished_started_before(
        self, bucket_id: str, prefix: str, started_before: int
    ) -> list[FileVersion]:
        rows = self._conn.execute(
            f"SELECT * FROM files WHERE {_UNDER_PREFIX} AND action = 'start' AND upload_ms <= ?",
            (bucket_id, len(prefix), prefix, started_before),
        ).fetchall()
        return _versions(rows)


def _versions(rows: list[sqlite3.Row]) -> list[FileVersion]:
    return [version for row in rows if (version := _version(row)) is not None]


def _version(row: sqlite3.Row | None) -> FileVersion | None:
    if row is None:
        return None
    return FileVersion(
        file_id=str(row["file_id"]),
        bucket_id=str(row["bucket_id"]),
        file_name=str(row["file_name"]),
        action=str(row["action"]),
        upload_ms=int(row["upload_ms"]),
        seq=int(row["seq"]),
        content_type=row["content_type"],
        content_length=int(row["content_length"]),
        content_sha1=row["content_sha1"],
        content_md5=row["content_md5"],
        file_info=json.loads(row["file_info"]),
        blob=row["blob"],
        encryption=encryption(row["sse"], row["sse_key_md5"]),
        lock=FileLock(Retention(row["retention_mode"], row["retention_until_ms"]), row["legal_hold"]),
        replication_status=row["replication_status"],
    )
