"""Who is calling and what they may do: token lookup, expiry, capabilities and key restrictions.

Every endpoint calls ``account(request)`` (or ``token_row`` for upload/download tokens) and then
``require(principal, capability, bucket_id=..., file_name=...)``; a refusal is 401 ``unauthorized``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from b2kit import _protocol as p
from b2kit.server import _ids
from b2kit.server._app import App
from b2kit.server._errors import B2Error, unauthorized
from b2kit.server._exchange import Request


@dataclass(frozen=True)
class Principal:
    """The application key behind a token, as far as permissions go."""

    key_id: str
    capabilities: frozenset[str]
    bucket_ids: frozenset[str] | None
    name_prefix: str | None

    def can(self, capability: str) -> bool:
        return capability in self.capabilities

    def allows_bucket(self, bucket_id: str) -> bool:
        return self.bucket_ids is None or bucket_id in self.bucket_ids

    def allows_name(self, file_name: str) -> bool:
        return self.name_prefix is None or file_name.startswith(self.name_prefix)


def principal_from_key(row: sqlite3.Row) -> Principal:
    bucket_ids = row["bucket_ids"]
    return Principal(
        key_id=str(row["key_id"]),
        capabilities=frozenset(json.loads(row["capabilities"])),
        bucket_ids=None if bucket_ids is None else frozenset(json.loads(bucket_ids)),
        name_prefix=row["name_prefix"],
    )


def token_row(request: Request, token: str | None, kinds: Iterable[str]) -> sqlite3.Row:
    """The stored token row, or 401 missing/bad/expired; the key it acts for must still exist."""
    if not token:
        raise B2Error(401, p.MISSING_AUTH_TOKEN, "Authorization header is missing")
    with request.app.store.read() as conn:
        row: sqlite3.Row | None = conn.execute(
            "SELECT t.*, k.key_id AS live_key FROM tokens t LEFT JOIN keys k ON k.key_id = t.key_id "
            "WHERE t.token = ?",
            (token,),
        ).fetchone()
    if row is None or row["kind"] not in set(kinds):
        raise B2Error(401, p.BAD_AUTH_TOKEN, "Invalid authorization token")
    if row["key_id"] is not None and row["live_key"] is None:
        raise B2Error(401, p.BAD_AUTH_TOKEN, "Invalid authorization token: its key was deleted")
    if row["expires_ms"] <= request.app.now_ms():
        raise B2Error(401, p.EXPIRED_AUTH_TOKEN, "Authorization token has expired")
    return row


def key_principal(request: Request, key_id: str) -> Principal:
    with request.app.store.read() as conn:
        row = conn.execute("SELECT * FROM keys WHERE key_id = ?", (key_id,)).fetchone()
    if row is None:
        raise B2Error(401, p.BAD_AUTH_TOKEN, "Invalid authorization token: its key was deleted")
    return principal_from_key(row)


def account(request: Request) -> Principal:
    """The principal of the account token in the ``Authorization`` header (401 otherwise)."""
    row = token_row(request, request.authorization, ("account",))
    return key_principal(request, str(row["key_id"]))


def require(
    principal: Principal,
    capability: str | None,
    *,
    bucket_id: str | None = None,
    file_name: str | None = None,
) -> None:
    """401 ``unauthorized`` unless the key has ``capability`` and covers the bucket and file name."""
    if capability is not None and not principal.can(capability):
        raise unauthorized(f"unauthorized: the key lacks the {capability} capability")
    if bucket_id is not None and not principal.allows_bucket(bucket_id):
        raise unauthorized("unauthorized: the key is restricted to another bucket")
    if file_name is not None and not principal.allows_name(file_name):
        raise unauthorized("unauthorized: the file name is outside the key's name prefix")


def list_prefix(principal: Principal, prefix: str, version: str) -> str | None:
    """The prefix a list call may use under the key's name prefix.

    A requested prefix inside the key's prefix is used as is. v1 filters silently: a wider prefix is
    narrowed to the key's, a disjoint one lists nothing (None). v2+ answer 401, except that a non-empty
    prefix the key's prefix starts with (``"public"`` for a key limited to ``"public/"``, which b2sdk's
    ``ls`` sends to probe for a file) is narrowed too.
    """
    key_prefix = principal.name_prefix
    if key_prefix is None or prefix.startswith(key_prefix):
        return prefix
    if key_prefix.startswith(prefix) and (prefix or version == "v1"):
        return key_prefix
    if version == "v1":
        return None
    raise unauthorized("unauthorized: the prefix must start with the key's name prefix")


def issue(conn: sqlite3.Connection, kind: str, expires_ms: int, **fields: str | None) -> str:
    """Store and return a new token of ``kind`` (columns of ``tokens`` given as keyword arguments)."""
    token = _ids.token(kind)
    columns = ["token", "kind", "expires_ms", *fields]
    placeholders = ", ".join("?" for _ in columns)
    conn.execute(
        f"INSERT INTO tokens ({', '.join(columns)}) VALUES ({placeholders})",
        (token, kind, expires_ms, *fields.values()),
    )
    return token


def expire_account_tokens(app: App) -> int:
    """Make every account token issued so far expired (``expired_auth_token`` from now on)."""
    now = app.now_ms()
    with app.store.write() as conn:
        cursor = conn.execute(
            "UPDATE tokens SET expires_ms = ? WHERE kind = 'account' AND expires_ms >= ?", (now - 1, now)
        )
    return cursor.rowcount
