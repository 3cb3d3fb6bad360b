"""The JSON objects several endpoints answer with: file versions, buckets, keys, parts (protocol §4).

Pure functions of a record and what the caller may read; endpoints add their own fields around them.
"""

from __future__ import annotations

from typing import Any

from b2kit import _protocol as p
from b2kit.server._rules._capabilities import Principal
from b2kit.server._state import HIDE, Bucket, FileVersion, Key, Part


def file_json(account_id: str, principal: Principal | None, version: FileVersion) -> dict[str, Any]:
    """The file-version object as v2+ send it (v1 list entries are reshaped by the listing)."""
    result: dict[str, Any] = {
        "accountId": account_id,
        "action": version.action,
        "bucketId": version.bucket_id,
        "contentLength": version.content_length,
        "contentMd5": version.content_md5,
        "contentSha1": version.content_sha1,
        "contentType": version.content_type,
        "fileId": version.file_id,
        "fileInfo": dict(version.file_info),
        "fileName": version.file_name,
        "uploadTimestamp": version.upload_ms,
    }
    if version.action != HIDE:
        result["fileRetention"] = retention_json(principal, version)
        result["legalHold"] = legal_hold_json(principal, version)
        result["serverSideEncryption"] = version.encryption.to_json()
    if version.replication_status:
        result["replicationStatus"] = version.replication_status
    return result


def retention_json(principal: Principal | None, version: FileVersion) -> dict[str, Any]:
    if principal is None or not principal.can(p.READ_FILE_RETENTIONS):
        return {"isClientAuthorizedToRead": False, "value": None}
    return {"isClientAuthorizedToRead": True, "value": version.lock.retention.to_json()}


def legal_hold_json(principal: Principal | None, version: FileVersion) -> dict[str, Any]:
    if principal is None or not principal.can(p.READ_FILE_LEGAL_HOLDS):
        return {"isClientAuthorizedToRead": False, "value": None}
    return {"isClientAuthorizedToRead": True, "value": version.lock.legal_hold}


def part_json(part: Part) -> dict[str, Any]:
    """A part as b2_upload_part, b2_copy_part and b2_list_parts answer it."""
    return {
        "fileId": part.file_id,
        "partNumber": part.part_number,
        "contentLength": part.content_length,
        "contentSha1": part.content_sha1,
        "contentMd5": part.content_md5,
        "serverSideEncryption": part.encryption.to_json(),
        "uploadTimestamp": part.upload_ms,
    }


_NO_RETENTION = {"mode": None, "period": None}


def bucket_json(account_id: str, principal: Principal, bucket: Bucket) -> dict[str, Any]:
    """The bucket object; settings the key may not read are marked so instead of shown."""
    can_sse = principal.can(p.READ_BUCKET_ENCRYPTION)
    sse: dict[str, Any] = {"isClientAuthorizedToRead": can_sse}
    if can_sse:
        sse["value"] = bucket.default_sse.to_json()
    lock: dict[str, Any] = {"isClientAuthorizedToRead": False, "value": None}
    if principal.can(p.READ_BUCKET_RETENTIONS):
        retention = dict(bucket.default_retention or _NO_RETENTION)
        value = {"defaultRetention": retention, "isFileLockEnabled": bucket.file_lock_enabled}
        lock = {"isClientAuthorizedToRead": True, "value": value}
    can_replication = principal.can(p.READ_BUCKET_REPLICATIONS)
    replication = dict(bucket.replication) if bucket.replication and can_replication else None
    return {
        "accountId": account_id,
        "bucketId": bucket.bucket_id,
        "bucketName": bucket.bucket_name,
        "bucketType": bucket.bucket_type,
        "bucketInfo": dict(bucket.bucket_info),
        "corsRules": [dict(rule) for rule in bucket.cors_rules],
        "lifecycleRules": [dict(rule) for rule in bucket.lifecycle_rules],
        "defaultServerSideEncryption": sse,
        "fileLockConfiguration": lock,
        "replicationConfiguration": {"isClientAuthorizedToRead": can_replication, "value": replication},
        "options": list(bucket.options),
        "revision": bucket.revision,
    }


def key_json(account_id: str, version: str, key: Key, with_secret: bool = False) -> dict[str, Any]:
    """The key object: v1-v3 carry ``bucketId``, v4 ``bucketIds`` (protocol §4.6)."""
    bucket_ids = None if key.bucket_ids is None else list(key.bucket_ids)
    result: dict[str, Any] = {
        "accountId": account_id,
        "applicationKeyId": key.key_id,
        "capabilities": list(key.capabilities),
        "expirationTimestamp": key.expiration_ms,
        "keyName": key.key_name,
        "namePrefix": key.name_prefix,
        "options": list(key.options),
    }
    if version == "v4":
        result["bucketIds"] = bucket_ids
    else:
        result["bucketId"] = bucket_ids[0] if bucket_ids else None
    if with_secret:
        result["applicationKey"] = key.secret
    return result
