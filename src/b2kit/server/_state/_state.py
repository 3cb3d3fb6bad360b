"""``State``: the server's metadata, opened on a data dir; every query and change goes through a ``Tx``.

A handler opens one short transaction (``state.read()`` for a snapshot, ``state.write()`` to change
something), calls the typed tables on it and gets records back; it never sees SQL or ``sqlite3.Row``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from b2kit.server._state._account import Account, open_account
from b2kit.server._state._buckets import Buckets
from b2kit.server._state._db import Database
from b2kit.server._state._files import Files
from b2kit.server._state._keys import Keys
from b2kit.server._state._notification_rules import NotificationRules
from b2kit.server._state._parts import Parts
from b2kit.server._state._tokens import Tokens

_WIPED_TABLES = ("large_file_parts", "notification_rules", "files", "buckets", "tokens")


class Tx:
    """One transaction's view of every table."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.buckets = Buckets(conn)
        self.files = Files(conn)
        self.parts = Parts(conn)
        self.keys = Keys(conn)
        self.tokens = Tokens(conn)
        self.notification_rules = NotificationRules(conn)


class State:
    """The metadata database of one data dir."""

    def __init__(self, path: Path) -> None:
        self._db = Database(path)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A consistent snapshot for a few queries."""
        with self._db.read() as conn:
            yield Tx(conn)

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """One write transaction, committed when the block ends without an exception."""
        with self._db.write() as conn:
            yield Tx(conn)

    def open_account(self, key_id: str | None, key: str | None, now_ms: int) -> Account:
        """Load (or create) the account; a given ``key_id``/``key`` pair replaces the stored master key."""
        with self._db.write() as conn:
            return open_account(conn, key_id, key, now_ms)

    def referenced_blobs(self) -> set[str]:
        """Every blob a file version or part names (the others are orphans of a crash)."""
        with self._db.read() as conn:
            rows = conn.execute(
                "SELECT blob FROM files WHERE blob IS NOT NULL UNION SELECT blob FROM large_file_parts"
            ).fetchall()
        return {str(row["blob"]) for row in rows}

    def reset(self) -> None:
        """Wipe buckets, files, parts, rules, tokens and keys; only the master key survives."""
        with self._db.write() as conn:
            for table in _WIPED_TABLES:
                conn.execute(f"DELETE FROM {table}")
            conn.execute("DELETE FROM keys WHERE is_master = 0")

    def close(self) -> None:
        self._db.close()
