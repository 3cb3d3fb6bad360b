"""The ``buckets`` table: one row per bucket; its settings sit in JSON columns."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from b2kit.server._errors import bad_bucket_id
from b2kit.server._state._columns import dumps, dumps_or_none, encryption, encryption_text, loads_or_none
from b2kit.server._state._records import Bucket


class Buckets:
    """Buckets in one transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, bucket_id: str) -> Bucket | None:
        return _bucket(
            self._conn.execute("SELECT * FROM buckets WHERE bucket_id = ?", (bucket_id,)).fetchone()
        )

    def require(self, bucket_id: str) -> Bucket:
        """The bucket, or 400 ``bad_bucket_id``."""
        bucket = self.get(bucket_id)
        if bucket is None:
            raise bad_bucket_id(bucket_id)
        return bucket

    def by_name(self, name: str) -> Bucket | None:
        """The bucket called ``name`` (names compare without regard to case)."""
        return _bucket(self._conn.execute("SELECT * FROM buckets WHERE bucket_name = ?", (name,)).fetchone())

    def all(self) -> list[Bucket]:
        """Every bucket, by name."""
        rows = self._conn.execute("SELECT * FROM buckets ORDER BY bucket_name").fetchall()
        return [bucket for row in rows if (bucket := _bucket(row)) is not None]

    def count(self) -> int:
        (count,) = self._conn.execute("SELECT COUNT(*) FROM buckets").fetchone()
        return int(count)

    def insert(self, bucket: Bucket) -> None:
        columns = {"bucket_id": bucket.bucket_id, **_settings(bucket), "created_ms": bucket.created_ms}
        self._conn.execute(
            f"INSERT INTO buckets ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
            tuple(columns.values()),
        )

    def update(self, bucket: Bucket) -> None:
        """Store ``bucket``'s settings and count its revision up by one."""
        columns = _settings(bucket)
        assignments = "".join(f"{column} = ?, " for column in columns)
        self._conn.execute(
            f"UPDATE buckets SET {assignments}revision = revision + 1 WHERE bucket_id = ?",
            (*columns.values(), bucket.bucket_id),
        )

    def delete(self, bucket_id: str) -> None:
        """Delete a bucket with its notification rules and the upload/download tokens bound to it."""
        self._conn.execute("DELETE FROM notification_rules WHERE bucket_id = ?", (bucket_id,))
        self._conn.execute(
            "DELETE FROM tokens WHERE bucket_id = ? AND kind IN ('upload', 'download')", (bucket_id,)
        )
        self._conn.execute("DELETE FROM buckets WHERE bucket_id = ?", (bucket_id,))


def _settings(bucket: Bucket) -> dict[str, Any]:
    """The columns a bucket's settings are stored in."""
    return {
        "bucket_name": bucket.bucket_name,
        "bucket_type": bucket.bucket_type,
        "bucket_info": dumps(dict(bucket.bucket_info)),
        "cors_rules": dumps(list(bucket.cors_rules)),
        "lifecycle_rules": dumps(list(bucket.lifecycle_rules)),
        "default_sse": encryption_text(bucket.default_sse),
        "file_lock_enabled": int(bucket.file_lock_enabled),
        "default_retention": dumps_or_none(bucket.default_retention),
        "replication": dumps_or_none(bucket.replication),
        "options": dumps(list(bucket.options)),
    }


def _bucket(row: sqlite3.Row | None) -> Bucket | None:
    if row is None:
        return None
    return Bucket(
        bucket_id=str(row["bucket_id"]),
        bucket_name=str(row["bucket_name"]),
        bucket_type=str(row["bucket_type"]),
        created_ms=int(row["created_ms"]),
        bucket_info=json.loads(row["bucket_info"]),
        cors_rules=tuple(json.loads(row["cors_rules"])),
        lifecycle_rules=tuple(json.loads(row["lifecycle_rules"])),
        default_sse=encryption(row["default_sse"]),
        file_lock_enabled=bool(row["file_lock_enabled"]),
        default_retention=loads_or_none(row["default_retention"]),
        replication=loads_or_none(row["replication"]),
        options=tuple(json.loads(row["options"])),
        revision=int(row["revision"]),
    )
