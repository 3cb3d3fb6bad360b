"""Application keys: create (capabilities, bucket and name-prefix restrictions, lifetime), list, delete.

Key objects differ by version (protocol §4.6): v1-v3 carry ``bucketId``, v4 ``bucketIds``.
"""

from __future__ import annotations

import re
from typing import Any

from b2kit import _protocol as p
from b2kit.server import _ids
from b2kit.server._errors import bad_request
from b2kit.server._handlers import _auth
from b2kit.server._handlers._shapes import key_json
from b2kit.server._http._exchange import Request
from b2kit.server._state import Key

_KEY_NAME = re.compile(rf"[A-Za-z0-9-]{{1,{p.MAX_KEY_NAME_LENGTH}}}")


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
    _auth.require(principal, p.WRITE_KEYS)
    _auth.check_account(request)
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
    account_id = request.app.account.account_id
    key = Key(
        key_id=_ids.application_key_id(account_id),
        secret=_ids.application_key_secret(),
        key_name=name,
        capabilities=tuple(capabilities),
        bucket_ids=None if bucket_ids is None else tuple(bucket_ids),
        name_prefix=prefix,
        expiration_ms=None if duration is None else now + duration * 1000,
        is_master=False,
        options=("s3",),
        created_ms=now,
    )
    with request.app.state.write() as tx:
        for bucket_id in bucket_ids or []:
            _auth.require(principal, None, bucket_id=bucket_id)
            tx.buckets.require(bucket_id)
        tx.keys.insert(key)
    return key_json(account_id, request.version, key, with_secret=True)


def delete_key(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    _auth.require(principal, p.DELETE_KEYS)
    key_id = request.params.text("applicationKeyId")
    with request.app.state.write() as tx:
        key = tx.keys.get(key_id)
        if key is None or key.is_master:
            raise bad_request(f"application key does not exist: {key_id}")
        tx.keys.delete(key_id)
    return key_json(request.app.account.account_id, request.version, key)


def list_keys(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    _auth.require(principal, p.LIST_KEYS)
    _auth.check_account(request)
    count = request.params.opt_int("maxKeyCount") or p.DEFAULT_LIST_KEYS_COUNT
    if not 1 <= count <= p.MAX_LIST_KEYS_COUNT:
        raise bad_request(f"maxKeyCount must be 1..{p.MAX_LIST_KEYS_COUNT}")
    start = request.params.opt_text("startApplicationKeyId") or ""
    with request.app.state.read() as tx:
        keys = tx.keys.page(start, count + 1)
    following = keys[count].key_id if len(keys) > count else None
    account_id = request.app.account.account_id
    shaped = [key_json(account_id, request.version, key) for key in keys[:count]]
    return {"keys": shaped, "nextApplicationKeyId": following}
