"""The one account a data dir holds: its id (``settings`` table) and master key, created on first start
and then stable."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from b2kit import _protocol as p
from b2kit.server import _ids
from b2kit.server._state._keys import Keys
from b2kit.server._state._records import Key


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
    keys = Keys(conn)
    master = keys.master()
    if key_id is not None and key is not None:
        if master is None or (master.key_id, master.secret) != (key_id, key):
            keys.replace_master(_master(key_id, key, now_ms))
        return Account(account_id, key_id, key)
    if master is None:
        key_id, key = _ids.master_key_id(account_id), _ids.application_key_secret()
        keys.insert(_master(key_id, key, now_ms))
        return Account(account_id, key_id, key)
    return Account(account_id, master.key_id, master.secret)


def _master(key_id: str, key: str, now_ms: int) -> Key:
    return Key(
        key_id=key_id,
        secret=key,
        key_name="master",
        capabilities=tuple(p.ALL_CAPABILITIES),
        bucket_ids=None,
        name_prefix=None,
        expiration_ms=None,
        is_master=True,
        options=("s3",),
        created_ms=now_ms,
    )
