"""Bucket endpoints (protocol §6): create, delete, list, update, event notification rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from b2kit._models import JSON, EncryptionMode, EncryptionSetting
from b2kit._wire._answered import AnswersBucket
from b2kit._wire._answers import BucketRecord, buckets_from_json
from b2kit._wire._call import ApiCall, wire


def _bucket_default_encryption(setting: EncryptionSetting) -> JSON:
    if setting.mode is EncryptionMode.SSE_C:
        raise ValueError("SSE-C cannot be a bucket's default encryption")
    return setting.to_request_json()


_DEFAULT_SSE = wire(convert=_bucket_default_encryption)


@dataclass(frozen=True)
class CreateBucket(AnswersBucket):
    endpoint = "b2_create_bucket"
    account_id: str
    bucket_name: str
    bucket_type: str
    bucket_info: Mapping[str, str] | None = None
    cors_rules: Sequence[Mapping[str, Any]] | None = None
    lifecycle_rules: Sequence[Mapping[str, Any]] | None = None
    default_server_side_encryption: EncryptionSetting | None = field(default=None, metadata=_DEFAULT_SSE)
    file_lock_enabled: bool | None = None
    replication_configuration: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class DeleteBucket(AnswersBucket):
    endpoint = "b2_delete_bucket"
    account_id: str
    bucket_id: str


@dataclass(frozen=True)
class ListBuckets(ApiCall[tuple[BucketRecord, ...]]):
    """Every bucket of the account, or the one with this id or name."""

    endpoint = "b2_list_buckets"
    account_id: str
    bucket_id: str | None = None
    bucket_name: str | None = None
    bucket_types: Sequence[str] = ("all",)

    def parse(self, answer: JSON) -> tuple[BucketRecord, ...]:
        return buckets_from_json(answer)


@dataclass(frozen=True)
class UpdateBucket(AnswersBucket):
    """Change the given settings of a bucket (at least one); ``if_revision_is`` guards against races."""

    endpoint = "b2_update_bucket"
    account_id: str
    bucket_id: str
    bucket_type: str | None = None
    bucket_info: Mapping[str, str] | None = None
    cors_rules: Sequence[Mapping[str, Any]] | None = None
    lifecycle_rules: Sequence[Mapping[str, Any]] | None = None
    if_revision_is: int | None = None
    default_server_side_encryption: EncryptionSetting | None = field(default=None, metadata=_DEFAULT_SSE)
    default_retention: Mapping[str, Any] | None = None
    replication_configuration: Mapping[str, Any] | None = None
    file_lock_enabled: bool | None = None

    def params(self) -> JSON:
        params = super().params()
        if params.keys() <= {"accountId", "bucketId"}:
            raise ValueError("update_bucket needs at least one setting to change")
        return params


@dataclass(frozen=True)
class GetBucketNotificationRules(ApiCall[list[JSON]]):
    endpoint = "b2_get_bucket_notification_rules"
    http_method = "GET"
    bucket_id: str

    def parse(self, answer: JSON) -> list[JSON]:
        return list(answer["eventNotificationRules"])


@dataclass(frozen=True)
class SetBucketNotificationRules(ApiCall[list[JSON]]):
    endpoint = "b2_set_bucket_notification_rules"
    bucket_id: str
    event_notification_rules: Sequence[Mapping[str, Any]]

    def parse(self, answer: JSON) -> list[JSON]:
        return list(answer["eventNotificationRules"])
