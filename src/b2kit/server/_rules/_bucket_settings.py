"""Validation of bucket settings: name, bucket info, CORS and lifecycle rules, encryption, retention,
replication. Each function returns the value to store or raises 400 ``bad_request``."""

from __future__ import annotations

import itertools
import re
from typing import Any

from b2kit import _protocol as p
from b2kit.server._errors import bad_request

BUCKET_TYPES = frozenset({"allPublic", "allPrivate", "snapshot", "restricted", "shared"})
MAX_BUCKET_INFO_ENTRIES = 10
MAX_BUCKET_INFO_VALUE_BYTES = 2048
CORS_OPERATIONS = frozenset(
    {
        "b2_download_file_by_name",
        "b2_download_file_by_id",
        "b2_upload_file",
        "b2_upload_part",
        "s3_delete",
        "s3_get",
        "s3_head",
        "s3_post",
        "s3_put",
    }
)
LIFECYCLE_DAY_FIELDS = (
    "daysFromUploadingToHiding",
    "daysFromHidingToDeleting",
    "daysFromStartingToCancelingUnfinishedLargeFiles",
)
_BUCKET_NAME = re.compile(r"[A-Za-z0-9-]+")
_CORS_RULE_NAME = re.compile(r"[A-Za-z0-9-]{6,50}")
_CORS_FIELDS = (
    "corsRuleName",
    "allowedOrigins",
    "allowedOperations",
    "allowedHeaders",
    "exposeHeaders",
    "maxAgeSeconds",
)


def bucket_name(name: str) -> str:
    if not p.MIN_BUCKET_NAME_LENGTH <= len(name) <= p.MAX_BUCKET_NAME_LENGTH:
        raise bad_request(
            f"bucket names must be {p.MIN_BUCKET_NAME_LENGTH} to {p.MAX_BUCKET_NAME_LENGTH} characters"
        )
    if not _BUCKET_NAME.fullmatch(name):
        raise bad_request("bucket names may contain only letters, digits and -")
    if name.lower().startswith("b2-"):
        raise bad_request("bucket names must not start with b2-")
    return name


def bucket_type(value: str) -> str:
    if value not in p.SETTABLE_BUCKET_TYPES:
        raise bad_request(f"bucketType must be one of {sorted(p.SETTABLE_BUCKET_TYPES)}, not {value!r}")
    return value


def bucket_types(values: list[str]) -> frozenset[str]:
    """The set of types a list call asked for (``["all"]`` = every type)."""
    if not values:
        raise bad_request("bucketTypes must not be empty")
    if "all" in values:
        if len(values) > 1:
            raise bad_request("bucketTypes 'all' cannot be combined with other types")
        return BUCKET_TYPES
    unknown = [value for value in values if value not in BUCKET_TYPES]
    if unknown:
        raise bad_request(f"unknown bucket types: {unknown}")
    return frozenset(values)


def bucket_info(info: dict[str, Any]) -> dict[str, str]:
    if len(info) > MAX_BUCKET_INFO_ENTRIES:
        raise bad_request(f"bucketInfo may hold at most {MAX_BUCKET_INFO_ENTRIES} entries")
    for key, value in info.items():
        if not key or len(key.encode()) > p.MAX_FILE_INFO_KEY_BYTES or _has_control(key):
            raise bad_request(f"invalid bucketInfo key {key[:60]!r}")
        if not isinstance(value, str):
            raise bad_request(f"bucketInfo value for {key!r} must be a string")
        if len(value.encode()) > MAX_BUCKET_INFO_VALUE_BYTES or _has_control(value):
            raise bad_request(f"invalid bucketInfo value for {key!r}")
    return dict(info)


def cors_rules(rules: list[Any]) -> list[dict[str, Any]]:
    if len(rules) > p.MAX_CORS_RULES:
        raise bad_request(f"at most {p.MAX_CORS_RULES} CORS rules per bucket")
    checked = [_cors_rule(rule) for rule in rules]
    names = [rule["corsRuleName"] for rule in checked]
    if len(set(names)) != len(names):
        raise bad_request("CORS rule names must be unique in a bucket")
    return checked


def _cors_rule(rule: Any) -> dict[str, Any]:
    if not isinstance(rule, dict):
        raise bad_request("each CORS rule must be an object")
    unknown = set(rule) - set(_CORS_FIELDS)
    if unknown:
        raise bad_request(f"unknown CORS rule fields: {sorted(unknown)}")
    name = rule.get("corsRuleName")
    if not isinstance(name, str) or not _CORS_RULE_NAME.fullmatch(name) or name.lower().startswith("b2-"):
        raise bad_request("corsRuleName must be 6-50 letters, digits or - and not start with b2-")
    origins = _strings(rule, "allowedOrigins", required=True)
    operations = _strings(rule, "allowedOperations", required=True)
    bad_ops = [op for op in operations or [] if op not in CORS_OPERATIONS]
    if bad_ops:
        raise bad_request(f"unknown CORS operations: {bad_ops}")
    max_age = rule.get("maxAgeSeconds", 0)
    if not isinstance(max_age, int) or isinstance(max_age, bool) or not 0 <= max_age <= 86_400:
        raise bad_request("maxAgeSeconds must be an integer 0..86400")
    checked: dict[str, Any] = {
        "corsRuleName": name,
        "allowedOrigins": origins,
        "allowedOperations": operations,
        "allowedHeaders": _strings(rule, "allowedHeaders", required=False),
        "exposeHeaders": _strings(rule, "exposeHeaders", required=False),
        "maxAgeSeconds": max_age,
    }
    size = len(name.encode()) + sum(
        len(item.encode()) for field in _CORS_FIELDS[1:5] for item in checked[field] or []
    )
    if size >= 1000:
        raise bad_request(f"CORS rule {name} is too large ({size} bytes, limit 1000)")
    return checked


def _strings(rule: dict[str, Any], field: str, required: bool) -> list[str] | None:
    value = rule.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise bad_request(f"{field} must be an array of strings")
    if required and not value:
        raise bad_request(f"{field} must not be empty")
    return list(value)


def lifecycle_rules(rules: list[Any]) -> list[dict[str, Any]]:
    if len(rules) > p.MAX_LIFECYCLE_RULES:
        raise bad_request(f"at most {p.MAX_LIFECYCLE_RULES} lifecycle rules per bucket")
    checked = [_lifecycle_rule(rule) for rule in rules]
    prefixes = sorted(rule["fileNamePrefix"] for rule in checked)
    for first, second in itertools.pairwise(prefixes):
        if second.startswith(first):
            raise bad_request(f"lifecycle rules overlap: prefix {first!r} covers {second!r}")
    return checked


def _lifecycle_rule(rule: Any) -> dict[str, Any]:
    if not isinstance(rule, dict):
        raise bad_request("each lifecycle rule must be an object")
    unknown = set(rule) - {"fileNamePrefix", *LIFECYCLE_DAY_FIELDS}
    if unknown:
        raise bad_request(f"unknown lifecycle rule fields: {sorted(unknown)}")
    prefix = rule.get("fileNamePrefix")
    if not isinstance(prefix, str):
        raise bad_request("fileNamePrefix is required in a lifecycle rule and must be a string")
    checked: dict[str, Any] = {}
    for field in LIFECYCLE_DAY_FIELDS:
        value = rule.get(field)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
            raise bad_request(f"{field} must be a positive integer or null")
        if field in rule:
            checked[field] = value
    if all(rule.get(field) is None for field in LIFECYCLE_DAY_FIELDS):
        raise bad_request("a lifecycle rule needs at least one non-null days field")
    checked["fileNamePrefix"] = prefix
    return checked


def default_sse(value: dict[str, Any]) -> dict[str, str] | None:
    """A bucket default: SSE-B2 or none (None). SSE-C cannot be a bucket default."""
    mode = value.get("mode")
    if mode in (None, "none"):
        return None
    if mode != "SSE-B2":
        raise bad_request(f"bucket default encryption mode must be SSE-B2 or none, not {mode!r}")
    algorithm = value.get("algorithm") or "AES256"
    if algorithm != "AES256":
        raise bad_request("the only supported algorithm is AES256")
    return {"algorithm": algorithm, "mode": mode}


def default_retention(value: dict[str, Any]) -> dict[str, Any] | None:
    """``{"mode", "period": {"duration", "unit"}}`` or None to clear."""
    mode = value.get("mode")
    if mode is None:
        return None
    if mode not in ("governance", "compliance"):
        raise bad_request("defaultRetention mode must be governance, compliance or null")
    period = value.get("period")
    if not isinstance(period, dict):
        raise bad_request("defaultRetention needs a period {duration, unit}")
    duration, unit = period.get("duration"), period.get("unit")
    if not isinstance(duration, int) or isinstance(duration, bool) or duration <= 0:
        raise bad_request("defaultRetention period duration must be a positive integer")
    if unit not in ("days", "years"):
        raise bad_request("defaultRetention period unit must be days or years")
    return {"mode": mode, "period": {"duration": duration, "unit": unit}}


def replication(value: dict[str, Any]) -> dict[str, Any] | None:
    source, destination = value.get("asReplicationSource"), value.get("asReplicationDestination")
    if source is None and destination is None:
        return None
    if source is not None:
        if not isinstance(source, dict) or not isinstance(source.get("replicationRules"), list):
            raise bad_request("asReplicationSource needs replicationRules")
        if not isinstance(source.get("sourceApplicationKeyId"), str):
            raise bad_request("asReplicationSource needs sourceApplicationKeyId")
    if destination is not None and (
        not isinstance(destination, dict)
        or not isinstance(destination.get("sourceToDestinationKeyMapping"), dict)
    ):
        raise bad_request("asReplicationDestination needs sourceToDestinationKeyMapping")
    return {"asReplicationSource": source, "asReplicationDestination": destination}


def _has_control(text: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in text)
