"""Account info kept in process memory only (nothing written to disk)."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from b2kit._account_info._abstract import AbstractAccountInfo, Allowed, AuthData, NamedBucket
from b2kit._exceptions import MissingAccountData


class InMemoryAccountInfo(AbstractAccountInfo):
    """Authorization and bucket names in memory; safe to share between threads."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._auth: AuthData | None = None
        self._buckets: dict[str, str] = {}

    def clear(self) -> None:
        with self._lock:
            self._auth = None
            self._buckets.clear()
        self._reset_upload_pools()

    def _set_auth_data(self, auth: AuthData) -> None:
        with self._lock:
            self._auth = auth

    def _data(self, what: str) -> AuthData:
        auth = self._auth
        if auth is None:
            raise MissingAccountData(what)
        return auth

    def get_account_id(self) -> str:
        return self._data("account id").account_id

    def get_application_key_id(self) -> str:
        return self._data("application key id").application_key_id

    def get_application_key(self) -> str:
        return self._data("application key").application_key

    def get_account_auth_token(self) -> str:
        return self._data("auth token").auth_token

    def get_api_url(self) -> str:
        return self._data("api url").api_url

    def get_download_url(self) -> str:
        return self._data("download url").download_url

    def get_s3_api_url(self) -> str:
        return self._data("s3 api url").s3_api_url

    def get_realm(self) -> str:
        return self._data("realm").realm

    def get_recommended_part_size(self) -> int:
        return self._data("recommended part size").recommended_part_size

    def get_absolute_minimum_part_size(self) -> int:
        return self._data("absolute minimum part size").absolute_minimum_part_size

    def get_allowed(self) -> Allowed:
        return self._data("allowed").allowed

    def save_bucket(self, bucket: NamedBucket) -> None:
        if bucket.name is None:
            return
        with self._lock:
            self._buckets[bucket.name] = bucket.id_

    def remove_bucket_name(self, bucket_name: str) -> None:
        with self._lock:
            self._buckets.pop(bucket_name, None)

    def refresh_entire_bucket_name_cache(self, name_id_iterable: Iterable[tuple[str, str]]) -> None:
        with self._lock:
            self._buckets = dict(name_id_iterable)

    def get_bucket_id_or_none_from_bucket_name(self, bucket_name: str) -> str | None:
        with self._lock:
            return self._buckets.get(bucket_name)

    def get_bucket_name_or_none_from_bucket_id(self, bucket_id: str) -> str | None:
        with self._lock:
            return next((name for name, id_ in self._buckets.items() if id_ == bucket_id), None)

    def list_bucket_names_ids(self) -> list[tuple[str, str]]:
        with self._lock:
            return sorted(self._buckets.items())
