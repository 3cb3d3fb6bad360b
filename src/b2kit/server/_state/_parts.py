"""The ``large_file_parts`` table: parts of unfinished and finished large files, each with its own blob."""

from __future__ import annotations

import sqlite3

from b2kit.server._state._columns import encryption, encryption_text
from b2kit.server._state._records import FileVersion, Part, Segment


class Parts:
    """Large-file parts in one transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def put(self, part: Part) -> str | None:
        """Store ``part``, replacing an earlier upload of its number; returns the replaced part's blob."""
        old = self._conn.execute(
            "SELECT blob FROM large_file_parts WHERE file_id = ? AND part_number = ?",
            (part.file_id, part.part_number),
        ).fetchone()
        self._conn.execute(
            "INSERT OR REPLACE INTO large_file_parts (file_id, part_number, content_length, "
            "content_sha1, content_md5, upload_ms, blob, sse) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                part.file_id,
                part.part_number,
                part.content_length,
                part.content_sha1,
                part.content_md5,
                part.upload_ms,
                part.blob,
                encryption_text(part.encryption),
            ),
        )
        return None if old is None else str(old["blob"])

    def page(self, file_id: str, start: int, limit: int) -> list[Part]:
        """Parts of a large file by number, from ``start`` (inclusive)."""
        rows = self._conn.execute(
            "SELECT * FROM large_file_parts WHERE file_id = ? AND part_number >= ? "
            "ORDER BY part_number LIMIT ?",
            (file_id, start, limit),
        ).fetchall()
        return [_part(row) for row in rows]

    def all(self, file_id: str) -> list[Part]:
        rows = self._conn.execute(
            "SELECT * FROM large_file_parts WHERE file_id = ? ORDER BY part_number", (file_id,)
        ).fetchall()
        return [_part(row) for row in rows]

    def segments(self, version: FileVersion) -> list[Segment]:
        """Where a version's bytes are: its one blob, or its parts' blobs in part-number order."""
        if version.blob is not None:
            return [Segment(version.blob, version.content_length)]
        rows = self._conn.execute(
            "SELECT blob, content_length FROM large_file_parts WHERE file_id = ? ORDER BY part_number",
            (version.file_id,),
        ).fetchall()
        return [Segment(str(row["blob"]), int(row["content_length"])) for row in rows]


def _part(row: sqlite3.Row) -> Part:
    return Part(
        file_id=str(row["file_id"]),
        part_number=int(row["part_number"]),
        content_length=int(row["content_length"]),
        content_sha1=str(row["content_sha1"]),
        content_md5=row["content_md5"],
        upload_ms=int(row["upload_ms"]),
        blob=str(row["blob"]),
        encryption=encryption(row["sse"]),
    )
