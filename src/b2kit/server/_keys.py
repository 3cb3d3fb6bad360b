"""Application keys: create (capabilities, bucket and name-prefix restrictions, lifetime), list, delete.

Key objects differ by version (protocol §4.6): v1-v3 carry ``bucketId``, v4 ``bucketIds``.
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from b2kit import _protocol as p
from b2kit.server import _auth, _buckets, _ids
from b2kit.server._errors import bad_request
from b2kit.server._exchange import Request

_KEY_NAME = re.compile(rf"[A-Za-z0-9-]{{1,{p.MAX_KEY_NAME_LENGTH}}}")


def key_json(request: Request, row: sqlite3.Row, with_secret: bool = False) -> dict[str, Any]:
    bucket_ids = None if row["bucket_ids"] is None else json.loads(row["bucket_ids"])
    result: dict[str, Any] = {
        "accountId": request.app.account.account_id,
        "applicationKeyId": row["key_id"],
        "capabilities": json.loads(row["capabilities"]),
        "expirationTimestamp": row["expiration_ms"],
        "keyName": row["key_name"],
        "namePrefix": row["name_prefix"],
        "options": json.loads(row["options"]),
    }
    if request.version == "v4":
        result["bucketIds"] = bucket_ids
    else:
        result["bucketId"] = bucket_ids[0] if bucket_ids else None
    if with_secret:
        result["applicationKey"] = row["secret"]
    return result


def _restriction(request: Request) -> list[str] | None:
    params = request.params
    single, several = params.opt_text("bucketId"), params.opt_text_list("bucketIds")
    if single is not None and several is not None:
        raise bad_request("give bucketId or bucketIds, not both")
    if several is not None:
        if not several:
            raise bad_request("bucketIds must not be empty (omit it for an unrestricted key)")
        return list(dict.fromkeys(several))
    return None if single is None else [single]


def _capabilities(request: Request, restricted: bool) -> list[str]:
    capabilities = request.params.opt_text_list("capabilities")
    if not capabilities:
        raise bad_request("capabilities must be a non-empty array")
    unknown = [cap for cap in capabilities if cap not in p.ALL_CAPABILITIES]
    if unknown:
        raise bad_request(f"unknown capabilities: {unknown}")
    if restricted:
        refused = [cap for cap in capabilities if cap not in p.BUCKET_RESTRICTED_KEY_CAPABILITIES]
        if refused:
            raise bad_request(f"capabilities not allowed on a bucket-restricted key: {refused}")
    return list(dict.fromkeys(capabilities))


def create_key(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    _auth.require(principal, "writeKeys")
    _buckets.check_account(request)
    params = request.params
    name = params.text("keyName")
    if not _KEY_NAME.fullmatch(name):
        raise bad_request(f"keyName must be 1-{p.MAX_KEY_NAME_LENGTH} letters, digits or -")
    bucket_ids = _restriction(request)
    capabilities = _capabilities(request, restricted=bucket_ids is not None)
    prefix = params.opt_text("namePrefix")
    if prefix is not None and p.file_name_problem(prefix) is not None and prefix != "":
        raise bad_request(f"invalid namePrefix: {p.file_name_problem(prefix)}")
    duration = params.opt_int("validDurationInSeconds")
    if duration is not None and not 1 <= duration <= p.MAX_KEY_VALID_DURATION_SECONDS:
        raise bad_request(f"validDurationInSeconds must be 1..{p.MAX_KEY_VALID_DURATION_SECONDS}")
    now = request.app.now_ms()
    key_id = _ids.application_key_id(request.app.account.account_id)
    with request.app.store.write() as conn:
        for bucket_id in bucket_ids or []:
            _auth.require(principal, None, bucket_id=bucket_id)
            _buckets.require(conn, bucket_id)
        conn.execute(
            "INSERT INTO keys (key_id, secret, key_name, capabilities, bucket_ids, name_prefix, "
            "expiration_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key_id,
                _ids.application_key_secret(),
                name,
                json.dumps(capabilities),
                None if bucket_ids is None else json.dumps(bucket_ids),
                prefix,
                None if duration is None else now + duration * 1000,
                now,
            ),
        )
        row = conn.execute("SELECT * FROM keys WHERE key_id = ?", (key_id,)).fetchone()
    return key_json(request, row, with_secret=True)


def delete_key(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    _auth.require(principal, "deleteKeys")
    key_id = request.params.text("applicationKeyId")
    with request.app.store.write() as conn:
        row = conn.execute("SELECT * FROM keys WHERE key_id = ? AND is_master = 0", (key_id,)).fetchone()
        if row is None:
            raise bad_request(f"application key does not exist: {key_id}")
        conn.execute("DELETE FROM tokens WHERE key_id = ?", (key_id,))
        conn.execute("DELETE FROM keys WHERE key_id = ?", (key_id,))
    return key_json(request, row)


def list_keys(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    _auth.require(principal, "listKeys")
    _buckets.check_account(request)
    count = request.params.opt_int("maxKeyCount") or p.DEFAULT_LIST_KEYS_COUNT
    if not 1 <= count <= p.MAX_LIST_KEYS_COUNT:
        raise bad_request(f"maxKeyCount must be 1..{p.MAX_LIST_KEYS_COUNT}")
    start = request.params.opt_text("startApplicationKeyId") or ""
    with request.app.store.read() as conn:
        rows = conn.execute(
            "SELECT * FROM keys WHERE is_master = 0 AND key_id >= ? ORDER BY key_id LIMIT ?",
            (start, count + 1),
        ).fetchall()
    following = rows[count]["key_id"] if len(rows) > count else None
    return {"keys": [key_json(request, row) for row in rows[:count]], "nextApplicationKeyId": following}
