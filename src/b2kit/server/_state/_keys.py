"""The ``keys`` table: application keys, the master key included (``is_master = 1``)."""

from __future__ import annotations

import json
import sqlite3

from b2kit.server._state._columns import dumps, dumps_or_none
from b2kit.server._state._records import Key


class Keys:
    """Application keys in one transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, key_id: str) -> Key | None:
        return _key(self._conn.execute("SELECT * FROM keys WHERE key_id = ?", (key_id,)).fetchone())

    def master(self) -> Key | None:
        return _key(self._conn.execute("SELECT * FROM keys WHERE is_master = 1").fetchone())

    def insert(self, key: Key) -> None:
        self._conn.execute(
            "INSERT INTO keys (key_id, secret, key_name, capabilities, bucket_ids, name_prefix, "
            "expiration_ms, is_master, options, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key.key_id,
                key.secret,
                key.key_name,
                dumps(list(key.capabilities)),
                dumps_or_none(None if key.bucket_ids is None else list(key.bucket_ids)),
                key.name_prefix,
                key.expiration_ms,
                int(key.is_master),
                dumps(list(key.options)),
                key.created_ms,
            ),
        )

    def delete(self, key_id: str) -> None:
        """Delete a key and every token issued for it."""
        self._conn.execute("DELETE FROM tokens WHERE key_id = ?", (key_id,))
        self._conn.execute("DELETE FROM keys WHERE key_id = ?", (key_id,))

    def replace_master(self, key: Key) -> None:
        """Make ``key`` the master key (dropping the old master and any key with its id)."""
        self._conn.execute("DELETE FROM keys WHERE is_master = 1 OR key_id = ?", (key.key_id,))
        self.insert(key)

    def page(self, start_key_id: str, limit: int) -> list[Key]:
        """Keys other than the master key, by id, from ``start_key_id`` (inclusive)."""
        rows = self._conn.execute(
            "SELECT * FROM keys WHERE is_master = 0 AND key_id >= ? ORDER BY key_id LIMIT ?",
            (start_key_id, limit),
        ).fetchall()
        return [key for row in rows if (key := _key(row)) is not None]


def _key(row: sqlite3.Row | None) -> Key | None:
    if row is None:
        return None
    bucket_ids = row["bucket_ids"]
    return Key(
        key_id=str(row["key_id"]),
        secret=str(row["secret"]),
        key_name=str(row["key_name"]),
        capabilities=tuple(json.loads(row["capabilities"])),
        bucket_ids=None if bucket_ids is None else tuple(json.loads(bucket_ids)),
        name_prefix=row["name_prefix"],
        expiration_ms=row["expiration_ms"],
        is_master=bool(row["is_master"]),
        options=tuple(json.loads(row["options"])),
        created_ms=int(row["created_ms"]),
    )
