"""Caches of bucket name → id, so that ``get_bucket_by_name`` does not list buckets every time.

:class:`DummyCache` remembers nothing, :class:`InMemoryCache` lives as long as the process,
:class:`AuthInfoCache` stores the mapping in the account info (persisted with SqliteAccountInfo).
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable

from b2kit._account_info import AbstractAccountInfo
from b2kit._account_info._abstract import NamedBucket


class AbstractCache(ABC):
    """Bucket name ↔ id mapping."""

    @abstractmethod
    def clear(self) -> None: ...

    @abstractmethod
    def get_bucket_id_or_none_from_bucket_name(self, name: str) -> str | None: ...

    @abstractmethod
    def get_bucket_name_or_none_from_bucket_id(self, bucket_id: str) -> str | None: ...

    @abstractmethod
    def list_bucket_names_ids(self) -> list[tuple[str, str]]: ...

    @abstractmethod
    def save_bucket(self, bucket: NamedBucket) -> None: ...

    @abstractmethod
    def set_bucket_name_cache(self, buckets: Iterable[NamedBucket]) -> None:
        """Replace the whole mapping with ``buckets``."""

    @abstractmethod
    def remove_bucket_name(self, bucket_name: str) -> None: ...


class DummyCache(AbstractCache):
    """Caches nothing."""

    def clear(self) -> None:
        return None

    def get_bucket_id_or_none_from_bucket_name(self, name: str) -> str | None:
        return None

    def get_bucket_name_or_none_from_bucket_id(self, bucket_id: str) -> str | None:
        return None

    def list_bucket_names_ids(self) -> list[tuple[str, str]]:
        return []

    def save_bucket(self, bucket: NamedBucket) -> None:
        return None

    def set_bucket_name_cache(self, buckets: Iterable[NamedBucket]) -> None:
        return None

    def remove_bucket_name(self, bucket_name: str) -> None:
        return None


class InMemoryCache(AbstractCache):
    """Caches in a dict for the life of the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._name_to_id: dict[str, str] = {}

    def clear(self) -> None:
        with self._lock:
            self._name_to_id.clear()

    def get_bucket_id_or_none_from_bucket_name(self, name: str) -> str | None:
        with self._lock:
            return self._name_to_id.get(name)

    def get_bucket_name_or_none_from_bucket_id(self, bucket_id: str) -> str | None:
        with self._lock:
            return next((n for n, i in self._name_to_id.items() if i == bucket_id), None)

    def list_bucket_names_ids(self) -> list[tuple[str, str]]:
        with self._lock:
            return sorted(self._name_to_id.items())

    def save_bucket(self, bucket: NamedBucket) -> None:
        with self._lock:
            if bucket.name is not None:
                self._name_to_id[bucket.name] = bucket.id_

    def set_bucket_name_cache(self, buckets: Iterable[NamedBucket]) -> None:
        with self._lock:
            self._name_to_id = {b.name: b.id_ for b in buckets if b.name is not None}

    def remove_bucket_name(self, bucket_name: str) -> None:
        with self._lock:
            self._name_to_id.pop(bucket_name, None)


class AuthInfoCache(AbstractCache):
    """Caches in the account info, so the mapping survives as long as the account info does."""

    def __init__(self, info: AbstractAccountInfo) -> None:
        self.info = info

    def clear(self) -> None:
        self.info.refresh_entire_bucket_name_cache([])

    def get_bucket_id_or_none_from_bucket_name(self, name: str) -> str | None:
        return self.info.get_bucket_id_or_none_from_bucket_name(name)

    def get_bucket_name_or_none_from_bucket_id(self, bucket_id: str) -> str | None:
        return self.info.get_bucket_name_or_none_from_bucket_id(bucket_id)

    def list_bucket_names_ids(self) -> list[tuple[str, str]]:
        return self.info.list_bucket_names_ids()

    def save_bucket(self, bucket: NamedBucket) -> None:
        self.info.save_bucket(bucket)

    def set_bucket_name_cache(self, buckets: Iterable[NamedBucket]) -> None:
        self.info.refresh_entire_bucket_name_cache((b.name, b.id_) for b in buckets if b.name is not None)

    def remove_bucket_name(self, bucket_name: str) -> None:
        self.info.remove_bucket_name(bucket_name)
