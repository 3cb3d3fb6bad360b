"""Buckets: create, list, update (``ifRevisionIs``), delete, and the bucket JSON object (protocol §4.5)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from b2kit import _protocol as p
from b2kit.server import _auth, _bucket_rules, _ids
from b2kit.server._auth import Principal
from b2kit.server._errors import B2Error, bad_bucket_id, bad_request, unauthorized
from b2kit.server._exchange import Request

_UNENCRYPTED = {"algorithm": None, "mode": None}
_NO_RETENTION = {"mode": None, "period": None}


def find(conn: sqlite3.Connection, bucket_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM buckets WHERE bucket_id = ?", (bucket_id,)).fetchone()  # type: ignore[no-any-return]


def find_by_name(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM buckets WHERE bucket_name = ?", (name,)).fetchone()  # type: ignore[no-any-return]


def require(conn: sqlite3.Connection, bucket_id: str) -> sqlite3.Row:
    """The bucket row, or 400 ``bad_bucket_id``."""
    row = find(conn, bucket_id)
    if row is None:
        raise bad_bucket_id(bucket_id)
    return row


def check_account(request: Request) -> None:
    """``accountId`` is optional here, but when given it must be ours."""
    account_id = request.params.opt_text("accountId")
    if account_id is not None and account_id != request.app.account.account_id:
        raise unauthorized("accountId does not match the authorized account")


def bucket_json(request: Request, principal: Principal, row: sqlite3.Row) -> dict[str, Any]:
    can_sse = principal.can("readBucketEncryption")
    sse: dict[str, Any] = {"isClientAuthorizedToRead": can_sse}
    if can_sse:
        sse["value"] = json.loads(row["default_sse"]) if row["default_sse"] else dict(_UNENCRYPTED)
    lock: dict[str, Any] = {"isClientAuthorizedToRead": False, "value": None}
    if principal.can("readBucketRetentions"):
        retention = json.loads(row["default_retention"]) if row["default_retention"] else dict(_NO_RETENTION)
        value = {"defaultRetention": retention, "isFileLockEnabled": bool(row["file_lock_enabled"])}
        lock = {"isClientAuthorizedToRead": True, "value": value}
    can_replication = principal.can("readBucketReplications")
    replication = json.loads(row["replication"]) if row["replication"] and can_replication else None
    return {
        "accountId": request.app.account.account_id,
        "bucketId": row["bucket_id"],
        "bucketName": row["bucket_name"],
        "bucketType": row["bucket_type"],
        "bucketInfo": json.loads(row["bucket_info"]),
        "corsRules": json.loads(row["cors_rules"]),
        "lifecycleRules": json.loads(row["lifecycle_rules"]),
        "defaultServerSideEncryption": sse,
        "fileLockConfiguration": lock,
        "replicationConfiguration": {"isClientAuthorizedToRead": can_replication, "value": replication},
        "options": json.loads(row["options"]),
        "revision": row["revision"],
    }


def _settings(request: Request, principal: Principal, creating: bool) -> dict[str, Any]:
    """Column values for the optional settings present in the request (validated, capability-checked)."""
    params = request.params
    columns: dict[str, Any] = {}
    if params.has("bucketType"):
        columns["bucket_type"] = _bucket_rules.bucket_type(params.text("bucketType"))
    if (info := params.opt_object("bucketInfo")) is not None:
        columns["bucket_info"] = json.dumps(_bucket_rules.bucket_info(info))
    if (cors := params.opt_list("corsRules")) is not None:
        columns["cors_rules"] = json.dumps(_bucket_rules.cors_rules(cors))
    if (lifecycle := params.opt_list("lifecycleRules")) is not None:
        columns["lifecycle_rules"] = json.dumps(_bucket_rules.lifecycle_rules(lifecycle))
    if (sse := params.opt_object("defaultServerSideEncryption")) is not None:
        _auth.require(principal, "writeBucketEncryption")
        columns["default_sse"] = _dumps_or_none(_bucket_rules.default_sse(sse))
    if (retention := params.opt_object("defaultRetention")) is not None:
        _auth.require(principal, "writeBucketRetentions")
        columns["default_retention"] = _dumps_or_none(_bucket_rules.default_retention(retention))
    if (replication := params.opt_object("replicationConfiguration")) is not None:
        _auth.require(principal, "writeBucketReplications")
        columns["replication"] = _dumps_or_none(_bucket_rules.replication(replication))
    lock = params.opt_bool("fileLockEnabled")
    if lock is not None and (lock or not creating):
        _auth.require(principal, "writeBucketRetentions")
        columns["file_lock_enabled"] = int(lock)
    return columns


def _dumps_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _check_lock_rules(row: dict[str, Any], was_locked: bool) -> None:
    if was_locked and not row["file_lock_enabled"]:
        raise bad_request("file lock cannot be disabled once enabled", code=p.FILE_LOCK_CONFLICT)
    if row["default_retention"] and not row["file_lock_enabled"]:
        raise bad_request("defaultRetention needs a file-lock-enabled bucket")
    if (
        row["file_lock_enabled"]
        and row["replication"]
        and json.loads(row["replication"])["asReplicationSource"]
    ):
        raise bad_request(
            "file lock cannot be enabled on a replication source", code="source_replication_conflict"
        )


def create_bucket(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    _auth.require(principal, "writeBuckets")
    check_account(request)
    name = _bucket_rules.bucket_name(request.params.text("bucketName"))
    _bucket_rules.bucket_type(request.params.text("bucketType"))
    columns = _settings(request, principal, creating=True)
    row = {
        "bucket_id": _ids.bucket_id(),
        "bucket_name": name,
        "bucket_info": "{}",
        "cors_rules": "[]",
        "lifecycle_rules": "[]",
        "default_sse": None,
        "default_retention": None,
        "replication": None,
        "file_lock_enabled": 0,
        **columns,
        "created_ms": request.app.now_ms(),
    }
    _check_lock_rules(row, was_locked=False)
    with request.app.store.write() as conn:
        (count,) = conn.execute("SELECT COUNT(*) FROM buckets").fetchone()
        if count >= p.MAX_BUCKETS:
            raise bad_request(f"an account may hold at most {p.MAX_BUCKETS} buckets", code=p.TOO_MANY_BUCKETS)
        if find_by_name(conn, name) is not None:
            raise bad_request("Bucket name is already in use.", code=p.DUPLICATE_BUCKET_NAME)
        conn.execute(
            f"INSERT INTO buckets ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
            tuple(row.values()),
        )
        stored = require(conn, str(row["bucket_id"]))
    return bucket_json(request, principal, stored)


def update_bucket(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    bucket_id = request.params.text("bucketId")
    _auth.require(principal, "writeBuckets", bucket_id=bucket_id)
    check_account(request)
    expected_revision = request.params.opt_int("ifRevisionIs")
    columns = _settings(request, principal, creating=False)
    with request.app.store.write() as conn:
        current = require(conn, bucket_id)
        if expected_revision is not None and expected_revision != current["revision"]:
            raise B2Error(
                409, p.CONFLICT, "simultaneous updates to bucket: revision does not match ifRevisionIs"
            )
        merged = {**dict(current), **columns}
        _check_lock_rules(merged, was_locked=bool(current["file_lock_enabled"]))
        assignments = "".join(f"{column} = ?, " for column in columns)
        conn.execute(
            f"UPDATE buckets SET {assignments}revision = revision + 1 WHERE bucket_id = ?",
            (*columns.values(), bucket_id),
        )
        stored = require(conn, bucket_id)
    return bucket_json(request, principal, stored)


def delete_bucket(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    bucket_id = request.params.text("bucketId")
    _auth.require(principal, "deleteBuckets", bucket_id=bucket_id)
    check_account(request)
    with request.app.store.write() as conn:
        row = require(conn, bucket_id)
        if conn.execute("SELECT 1 FROM files WHERE bucket_id = ? LIMIT 1", (bucket_id,)).fetchone():
            raise bad_request("bucket is not empty", code=p.CANNOT_DELETE_NON_EMPTY_BUCKET)
        conn.execute("DELETE FROM notification_rules WHERE bucket_id = ?", (bucket_id,))
        conn.execute(
            "DELETE FROM tokens WHERE bucket_id = ? AND kind IN ('upload', 'download')", (bucket_id,)
        )
        conn.execute("DELETE FROM buckets WHERE bucket_id = ?", (bucket_id,))
    return bucket_json(request, principal, row)


def list_buckets(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    _auth.require(principal, "listBuckets")
    check_account(request)
    params = request.params
    bucket_id, name = params.opt_text("bucketId"), params.opt_text("bucketName")
    types_asked = params.opt_text_list("bucketTypes")
    types = _bucket_rules.bucket_types(types_asked) if types_asked is not None else None
    with request.app.store.read() as conn:
        if principal.bucket_ids is not None:
            _check_restricted_listing(conn, principal, bucket_id, name)
        rows = conn.execute("SELECT * FROM buckets ORDER BY bucket_name").fetchall()
    wanted = types if types is not None else frozenset({"allPublic", "allPrivate", "snapshot"})
    selected = [
        row
        for row in rows
        if (bucket_id is None or row["bucket_id"] == bucket_id)
        and (name is None or row["bucket_name"] == name)
        and row["bucket_type"] in wanted
        and principal.allows_bucket(row["bucket_id"])
    ]
    return {"buckets": [bucket_json(request, principal, row) for row in selected]}


def _check_restricted_listing(
    conn: sqlite3.Connection, principal: Principal, bucket_id: str | None, name: str | None
) -> None:
    """A bucket-restricted key must name one of its buckets (by id or name)."""
    if bucket_id is not None:
        _auth.require(principal, None, bucket_id=bucket_id)
        return
    if name is not None:
        row = find_by_name(conn, name)
        if row is not None and principal.allows_bucket(row["bucket_id"]):
            return
    raise unauthorized("unauthorized: a bucket-restricted key must list its bucket by bucketId or bucketName")
