"""The ``tokens`` table: every token handed out (account, upload, upload_part, download)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping

from b2kit.server import _ids
from b2kit.server._state._records import Token


class Tokens:
    """Issued tokens in one transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, token: str) -> Token | None:
        row = self._conn.execute(
            "SELECT t.*, k.key_id AS live_key FROM tokens t LEFT JOIN keys k ON k.key_id = t.key_id "
            "WHERE t.token = ?",
            (token,),
        ).fetchone()
        if row is None:
            return None
        return Token(
            token=str(row["token"]),
            kind=str(row["kind"]),
            key_id=row["key_id"],
            bucket_id=row["bucket_id"],
            file_id=row["file_id"],
            name_prefix=row["name_prefix"],
            overrides=json.loads(row["overrides"] or "{}"),
            expires_ms=int(row["expires_ms"]),
            key_alive=row["key_id"] is None or row["live_key"] is not None,
        )

    def issue(
        self,
        kind: str,
        expires_ms: int,
        *,
        key_id: str | None = None,
        bucket_id: str | None = None,
        file_id: str | None = None,
        name_prefix: str | None = None,
        overrides: Mapping[str, str] | None = None,
    ) -> str:
        """Store and return a new token of ``kind``."""
        token = _ids.token(kind)
        self._conn.execute(
            "INSERT INTO tokens (token, kind, expires_ms, key_id, bucket_id, file_id, name_prefix, "
            "overrides) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                token,
                kind,
                expires_ms,
                key_id,
                bucket_id,
                file_id,
                name_prefix,
                None if overrides is None else json.dumps(dict(overrides)),
            ),
        )
        return token

    def expire_account_tokens(self, now_ms: int) -> int:
        """Make every unexpired account token expired; returns how many."""
        cursor = self._conn.execute(
            "UPDATE tokens SET expires_ms = ? WHERE kind = 'account' AND expires_ms >= ?",
            (now_ms - 1, now_ms),
        )
        return cursor.rowcount

    def delete_part_tokens(self, file_id: str) -> None:
        """Drop the part-upload tokens of a large file (it was finished or cancelled)."""
        self._conn.execute("DELETE FROM tokens WHERE kind = 'upload_part' AND file_id = ?", (file_id,))
