"""Buckets: create, list, update (``ifRevisionIs``), delete (protocol §4.5, §6.1-§6.4)."""

from __future__ import annotations

import dataclasses
from typing import Any

from b2kit import _protocol as p
from b2kit.server import _ids
from b2kit.server._errors import B2Error, bad_request, unauthorized
from b2kit.server._handlers import _auth
from b2kit.server._handlers._shapes import bucket_json
from b2kit.server._http._exchange import Request
from b2kit.server._rules import _bucket_settings
from b2kit.server._rules._capabilities import Principal
from b2kit.server._state import Bucket, Encryption, Tx


def _settings(request: Request, principal: Principal, creating: bool) -> dict[str, Any]:
    """``Bucket`` fields for the optional settings present in the request (validated, capability-checked)."""
    params = request.params
    fields: dict[str, Any] = {}
    if params.has("bucketType"):
        fields["bucket_type"] = _bucket_settings.bucket_type(params.text("bucketType"))
    if (info := params.opt_object("bucketInfo")) is not None:
        fields["bucket_info"] = _bucket_settings.bucket_info(info)
    if (cors := params.opt_list("corsRules")) is not None:
        fields["cors_rules"] = tuple(_bucket_settings.cors_rules(cors))
    if (lifecycle := params.opt_list("lifecycleRules")) is not None:
        fields["lifecycle_rules"] = tuple(_bucket_settings.lifecycle_rules(lifecycle))
    if (sse := params.opt_object("defaultServerSideEncryption")) is not None:
        _auth.require(principal, p.WRITE_BUCKET_ENCRYPTION)
        default = _bucket_settings.default_sse(sse)
        fields["default_sse"] = Encryption() if default is None else Encryption(default["mode"])
    if (retention := params.opt_object("defaultRetention")) is not None:
        _auth.require(principal, p.WRITE_BUCKET_RETENTIONS)
        fields["default_retention"] = _bucket_settings.default_retention(retention)
    if (replication := params.opt_object("replicationConfiguration")) is not None:
        _auth.require(principal, p.WRITE_BUCKET_REPLICATIONS)
        fields["replication"] = _bucket_settings.replication(replication)
    lock = params.opt_bool("fileLockEnabled")
    if lock is not None and (lock or not creating):
        _auth.require(principal, p.WRITE_BUCKET_RETENTIONS)
        fields["file_lock_enabled"] = lock
    return fields


def _check_lock_rules(bucket: Bucket, was_locked: bool) -> None:
    if was_locked and not bucket.file_lock_enabled:
        raise bad_request("file lock cannot be disabled once enabled", code=p.FILE_LOCK_CONFLICT)
    if bucket.default_retention and not bucket.file_lock_enabled:
        raise bad_request("defaultRetention needs a file-lock-enabled bucket")
    if bucket.file_lock_enabled and bucket.replication and bucket.replication["asReplicationSource"]:
        raise bad_request(
            "file lock cannot be enabled on a replication source", code="source_replication_conflict"
        )


def create_bucket(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    _auth.require(principal, p.WRITE_BUCKETS)
    _auth.check_account(request)
    name = _bucket_settings.bucket_name(request.params.text("bucketName"))
    bucket_type = _bucket_settings.bucket_type(request.params.text("bucketType"))
    fields = {"bucket_type": bucket_type, **_settings(request, principal, creating=True)}
    bucket = Bucket(bucket_id=_ids.bucket_id(), bucket_name=name, created_ms=request.app.now_ms(), **fields)
    _check_lock_rules(bucket, was_locked=False)
    with request.app.state.write() as tx:
        if tx.buckets.count() >= p.MAX_BUCKETS:
            raise bad_request(f"an account may hold at most {p.MAX_BUCKETS} buckets", code=p.TOO_MANY_BUCKETS)
        if tx.buckets.by_name(name) is not None:
            raise bad_request("Bucket name is already in use.", code=p.DUPLICATE_BUCKET_NAME)
        tx.buckets.insert(bucket)
        stored = tx.buckets.require(bucket.bucket_id)
    return bucket_json(request.app.account.account_id, principal, stored)


def update_bucket(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    bucket_id = request.params.text("bucketId")
    _auth.require(principal, p.WRITE_BUCKETS, bucket_id=bucket_id)
    _auth.check_account(request)
    expected_revision = request.params.opt_int("ifRevisionIs")
    fields = _settings(request, principal, creating=False)
    with request.app.state.write() as tx:
        current = tx.buckets.require(bucket_id)
        if expected_revision is not None and expected_revision != current.revision:
            raise B2Error(
                409, p.CONFLICT, "simultaneous updates to bucket: revision does not match ifRevisionIs"
            )
        merged = dataclasses.replace(current, **fields)
        _check_lock_rules(merged, was_locked=current.file_lock_enabled)
        tx.buckets.update(merged)
        stored = tx.buckets.require(bucket_id)
    return bucket_json(request.app.account.account_id, principal, stored)


def delete_bucket(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    bucket_id = request.params.text("bucketId")
    _auth.require(principal, p.DELETE_BUCKETS, bucket_id=bucket_id)
    _auth.check_account(request)
    with request.app.state.write() as tx:
        bucket = tx.buckets.require(bucket_id)
        if tx.files.any_in_bucket(bucket_id):
            raise bad_request("bucket is not empty", code=p.CANNOT_DELETE_NON_EMPTY_BUCKET)
        tx.buckets.delete(bucket_id)
    return bucket_json(request.app.account.account_id, principal, bucket)


def list_buckets(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    _auth.require(principal, p.LIST_BUCKETS)
    _auth.check_account(request)
    params = request.params
    bucket_id, name = params.opt_text("bucketId"), params.opt_text("bucketName")
    types_asked = params.opt_text_list("bucketTypes")
    types = _bucket_settings.bucket_types(types_asked) if types_asked is not None else None
    with request.app.state.read() as tx:
        if principal.bucket_ids is not None:
            _check_restricted_listing(tx, principal, bucket_id, name)
        buckets = tx.buckets.all()
    wanted = types if types is not None else frozenset({"allPublic", "allPrivate", "snapshot"})
    selected = [
        bucket
        for bucket in buckets
        if (bucket_id is None or bucket.bucket_id == bucket_id)
        and (name is None or bucket.bucket_name == name)
        and bucket.bucket_type in wanted
        and principal.allows_bucket(bucket.bucket_id)
    ]
    account_id = request.app.account.account_id
    return {"buckets": [bucket_json(account_id, principal, bucket) for bucket in selected]}


def _check_restricted_listing(tx: Tx, principal: Principal, bucket_id: str | None, name: str | None) -> None:
    """A bucket-restricted key must name one of its buckets (by id or name)."""
    if bucket_id is not None:
        _auth.require(principal, None, bucket_id=bucket_id)
        return
    if name is not None:
        bucket = tx.buckets.by_name(name)
        if bucket is not None and principal.allows_bucket(bucket.bucket_id):
            return
    raise unauthorized("unauthorized: a bucket-restricted key must list its bucket by bucketId or bucketName")
