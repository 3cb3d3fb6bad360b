"""``b2_authorize_account``: Basic auth with a key id (or the account id for the master key) and secret."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import sqlite3
from typing import Any

from b2kit import _protocol as p
from b2kit.server import _auth
from b2kit.server._errors import B2Error, unauthorized
from b2kit.server._exchange import Request


def basic_credentials(header: str | None) -> tuple[str, str]:
    """``(key_id, key)`` from a ``Basic`` Authorization header, or 401."""
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise unauthorized("b2_authorize_account needs Basic authorization with a key id and key")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:  # ValueError: non-ASCII base64
        raise unauthorized("malformed Basic authorization") from exc
    key_id, sep, key = decoded.partition(":")
    if not sep:
        raise unauthorized("malformed Basic authorization")
    return key_id, key


def check_key(conn: sqlite3.Connection, account_id: str, key_id: str, key: str, now_ms: int) -> sqlite3.Row:
    """The key row for valid credentials (the account id names the master key), else 401."""
    if key_id == account_id:
        row: sqlite3.Row | None = conn.execute("SELECT * FROM keys WHERE is_master = 1").fetchone()
    else:
        row = conn.execute("SELECT * FROM keys WHERE key_id = ?", (key_id,)).fetchone()
    if row is None or not hmac.compare_digest(str(row["secret"]).encode(), key.encode()):
        raise unauthorized("invalid key id or application key")
    if row["expiration_ms"] is not None and row["expiration_ms"] <= now_ms:
        raise unauthorized("application key has expired")
    return row


def authorize_account(request: Request) -> dict[str, Any]:
    app = request.app
    key_id, key = basic_credentials(request.authorization)
    now = app.now_ms()
    with app.store.write() as conn:
        row = check_key(conn, app.account.account_id, key_id, key, now)
        bucket_ids: list[str] | None = None if row["bucket_ids"] is None else json.loads(row["bucket_ids"])
        if bucket_ids is not None and len(bucket_ids) > 1 and request.version != "v4":
            raise B2Error(401, p.UNSUPPORTED, "a key restricted to several buckets needs b2api/v4")
        expires = now + app.config.token_ttl_seconds * 1000
        if row["expiration_ms"] is not None:
            expires = min(expires, int(row["expiration_ms"]))
        token = _auth.issue(conn, "account", expires, key_id=str(row["key_id"]))
        buckets = [(bid, _bucket_name(conn, bid)) for bid in bucket_ids or []]
    return _shape(request, row, token, buckets if bucket_ids is not None else None)


def _bucket_name(conn: sqlite3.Connection, bucket_id: str) -> str | None:
    found = conn.execute("SELECT bucket_name FROM buckets WHERE bucket_id = ?", (bucket_id,)).fetchone()
    return None if found is None else str(found["bucket_name"])


def _shape(
    request: Request, row: sqlite3.Row, token: str, buckets: list[tuple[str, str | None]] | None
) -> dict[str, Any]:
    """The version-specific answer (protocol §1.4)."""
    app, base = request.app, request.base_url
    capabilities = json.loads(row["capabilities"])
    single_id, single_name = buckets[0] if buckets else (None, None)
    sizes = {
        "absoluteMinimumPartSize": app.config.absolute_minimum_part_size,
        "recommendedPartSize": app.config.recommended_part_size,
    }
    urls = {"apiUrl": base, "downloadUrl": base, "s3ApiUrl": base}
    if request.version in ("v1", "v2"):
        allowed: dict[str, Any] = {"bucketId": single_id, "capabilities": capabilities}
        if request.version == "v2":
            allowed["bucketName"] = single_name
        allowed["namePrefix"] = row["name_prefix"]
        flat: dict[str, Any] = {
            "accountId": app.account.account_id,
            "allowed": allowed,
            "authorizationToken": token,
        }
        if request.version == "v1":
            flat["minimumPartSize"] = app.config.recommended_part_size
        return {**flat, **sizes, **urls}
    storage: dict[str, Any] = {
        **sizes,
        **urls,
        "capabilities": capabilities,
        "namePrefix": row["name_prefix"],
    }
    if request.version == "v3":
        storage.update(bucketId=single_id, bucketName=single_name, infoType="storageApi")
    else:
        listed = None if buckets is None else [{"id": bid, "name": name} for bid, name in buckets]
        storage["allowed"] = {
            "buckets": listed,
            "capabilities": capabilities,
            "namePrefix": row["name_prefix"],
        }
    return {
        "accountId": app.account.account_id,
        "authorizationToken": token,
        "applicationKeyExpirationTimestamp": row["expiration_ms"],
        "apiInfo": {"storageApi": storage},
    }
