"""Typed records of B2's JSON answers that have no public model (protocol §5, §6).

File versions, parts, unfinished large files and keys are parsed into the public models of
:mod:`b2kit._models`; the answers below are parsed here. Each record is frozen and built by ``from_json``,
which reads only the fields it knows: fields B2 adds later are ignored, optional fields may be missing.
Records whose JSON is also part of a public result keep the object they were parsed from as ``raw``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from b2kit._models import FileRetentionSetting, LegalHold


@dataclass(frozen=True)
class AccountAuthorization:
    """The answer of b2_authorize_account: the account, its token, and where its storage API lives."""

    account_id: str
    authorization_token: str = field(repr=False)
    api_url: str
    download_url: str
    recommended_part_size: int
    absolute_minimum_part_size: int
    s3_api_url: str
    allowed: Mapping[str, Any] | None
    """The key's restrictions (``capabilities``, ``buckets``, ``namePrefix``) as B2 sends them; None: none."""

    @classmethod
    def from_json(cls, answer: Mapping[str, Any]) -> AccountAuthorization:
        storage = answer["apiInfo"]["storageApi"]
        return cls(
            account_id=answer["accountId"],
            authorization_token=answer["authorizationToken"],
            api_url=storage["apiUrl"],
            download_url=storage["downloadUrl"],
            recommended_part_size=int(storage["recommendedPartSize"]),
            absolute_minimum_part_size=int(storage["absoluteMinimumPartSize"]),
            s3_api_url=storage.get("s3ApiUrl") or "",
            allowed=storage.get("allowed"),
        )


@dataclass(frozen=True)
class BucketRecord:
    """A bucket as B2 describes it (protocol §4.5): the answer of create / update / delete, a listed one."""

    bucket_id: str
    bucket_name: str
    account_id: str | None = None
    bucket_type: str | None = None
    bucket_info: Mapping[str, str] = field(default_factory=dict)
    cors_rules: Sequence[Mapping[str, Any]] = ()
    lifecycle_rules: Sequence[Mapping[str, Any]] = ()
    revision: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The JSON object this record was parsed from (the public ``bucket_dict``)."""

    @classmethod
    def from_json(cls, bucket: Mapping[str, Any]) -> BucketRecord:
        revision = bucket.get("revision")
        return cls(
            bucket_id=bucket["bucketId"],
            bucket_name=bucket["bucketName"],
            account_id=bucket.get("accountId"),
            bucket_type=bucket.get("bucketType"),
            bucket_info=dict(bucket.get("bucketInfo") or {}),
            cors_rules=tuple(bucket.get("corsRules") or ()),
            lifecycle_rules=tuple(bucket.get("lifecycleRules") or ()),
            revision=int(revision) if revision is not None else None,
            raw=bucket,
        )


def buckets_from_json(answer: Mapping[str, Any]) -> tuple[BucketRecord, ...]:
    """The buckets of a b2_list_buckets answer."""
    return tuple(BucketRecord.from_json(bucket) for bucket in answer.get("buckets") or ())


@dataclass(frozen=True)
class UploadUrl:
    """The answer of b2_get_upload_url / b2_get_upload_part_url: where to POST, with which token."""

    upload_url: str
    authorization_token: str = field(repr=False)
    bucket_id: str | None = None
    file_id: str | None = None
    """The large file the URL uploads parts of (part upload URLs only)."""

    @classmethod
    def from_json(cls, answer: Mapping[str, Any]) -> UploadUrl:
        return cls(
            upload_url=answer["uploadUrl"],
            authorization_token=answer["authorizationToken"],
            bucket_id=answer.get("bucketId"),
            file_id=answer.get("fileId"),
        )


@dataclass(frozen=True)
class DownloadAuthorization:
    """The answer of b2_get_download_authorization: a token for names starting with a prefix."""

    authorization_token: str = field(repr=False)
    bucket_id: str | None = None
    file_name_prefix: str = ""

    @classmethod
    def from_json(cls, answer: Mapping[str, Any]) -> DownloadAuthorization:
        return cls(
            authorization_token=answer["authorizationToken"],
            bucket_id=answer.get("bucketId"),
            file_name_prefix=answer.get("fileNamePrefix") or "",
        )


@dataclass(frozen=True)
class RetentionUpdate:
    """The answer of b2_update_file_retention: the version and its retention now."""

    file_id: str
    file_name: str
    file_retention: FileRetentionSetting

    @classmethod
    def from_json(cls, answer: Mapping[str, Any]) -> RetentionUpdate:
        return cls(
            file_id=answer.get("fileId") or "",
            file_name=answer.get("fileName") or "",
            file_retention=FileRetentionSetting.from_response(answer.get("fileRetention")),
        )


@dataclass(frozen=True)
class LegalHoldUpdate:
    """The answer of b2_update_file_legal_hold: the version and its legal hold now."""

    file_id: str
    file_name: str
    legal_hold: LegalHold | None

    @classmethod
    def from_json(cls, answer: Mapping[str, Any]) -> LegalHoldUpdate:
        return cls(
            file_id=answer.get("fileId") or "",
            file_name=answer.get("fileName") or "",
            legal_hold=LegalHold.from_response(answer.get("legalHold")),
        )
