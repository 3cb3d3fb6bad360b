"""The one account a data dir holds: its id and master key, created on first start and then stable."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from b2kit import _protocol as p
from b2kit.server import _ids


@dataclass(frozen=True)
class Account:
    account_id: str
    master_key_id: str
    master_key: str


def open_account(conn: sqlite3.Connection, key_id: str | None, key: str | None, now_ms: int) -> Account:
    """Load (or create) the account; a given ``key_id``/``key`` pair replaces the stored master key."""
    row = conn.execute("SELECT value FROM settings WHERE name = 'account_id'").fetchone()
    if row is None:
        account_id = _ids.account_id()
        conn.execute("INSERT INTO settings (name, value) VALUES ('account_id', ?)", (account_id,))
    else:
        account_id = str(row["value"])
    master = conn.execute("SELECT key_id, secret FROM keys WHERE is_master = 1").fetchone()
    if key_id is not None and key is not None:
        if master is None or (master["key_id"], master["secret"]) != (key_id, key):
            conn.execute("DELETE FROM keys WHERE is_master = 1 OR key_id = ?", (key_id,))
            _insert_master(conn, key_id, key, now_ms)
        return Account(account_id, key_id, key)
    if master is None:
        key_id, key = _ids.master_key_id(account_id), _ids.application_key_secret()
        _insert_master(conn, key_id, key, now_ms)
        return Account(account_id, key_id, key)
    return Account(account_id, str(master["key_id"]), str(master["secret"]))


def _insert_master(conn: sqlite3.Connection, key_id: str, key: str, now_ms: int) -> None:
    conn.execute(
        "INSERT INTO keys (key_id, secret, key_name, capabilities, is_master, created_ms) "
        "VALUES (?, ?, ?, ?, 1, ?)",
        (key_id, key, "master", json.dumps(list(p.ALL_CAPABILITIES)), now_ms),
    )
