"""The ``notification_rules`` table: a bucket's event notification rules, stored as validated JSON."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any


class NotificationRules:
    """Notification rules in one transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def of_bucket(self, bucket_id: str) -> list[dict[str, Any]]:
        """The bucket's rules, by name."""
        rows = self._conn.execute(
            "SELECT rule FROM notification_rules WHERE bucket_id = ? ORDER BY name", (bucket_id,)
        ).fetchall()
        return [json.loads(row["rule"]) for row in rows]

    def replace(self, bucket_id: str, rules: Sequence[Mapping[str, Any]]) -> None:
        """Make ``rules`` the bucket's whole rule set."""
        self._conn.execute("DELETE FROM notification_rules WHERE bucket_id = ?", (bucket_id,))
        self._conn.executemany(
            "INSERT INTO notification_rules (bucket_id, name, rule) VALUES (?, ?, ?)",
            [(bucket_id, rule["name"], json.dumps(dict(rule))) for rule in rules],
        )
