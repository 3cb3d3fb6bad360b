"""The account side of one B2FileSystem: its B2Api, authorized on first use, and its buckets by name.

Every call that needs B2 goes through :attr:`Connection.api` (made from the credentials, or the ``api=``
given) and :meth:`Connection.bucket` (looked up once per name, then cached), so the filesystem never
authorizes twice and never asks B2 for the same bucket twice. B2 errors come out as OSErrors.
"""

from __future__ import annotations

import threading

from b2kit import B2Api, Bucket
from b2kit.fs._credentials import Credentials, connect, credentials_of
from b2kit.fs._errors import translated


class Connection:
    """A lazily authorized B2Api (``workers`` transfer threads) and a cache of its buckets by name."""

    def __init__(self, credentials: Credentials | None, api: B2Api | None, workers: int) -> None:
        self.credentials = credentials
        self._api = api
        self._workers = workers
        self._lock = threading.Lock()
        self._buckets: dict[str, Bucket] = {}

    def describe(self) -> str:
        """Who this connection is, for a repr: realm and key id, or the api given (never the key)."""
        creds = self.credentials
        if creds is None:
            return f"api={self._api!r}"
        return f"realm={creds.realm!r}, application_key_id={creds.application_key_id!r}"

    @property
    def api(self) -> B2Api:
        """The authorized B2Api (authorized on first use)."""
        with self._lock:
            if self._api is None:
                with translated(""):
                    self._api = connect(self.credentials, self._workers)
            return self._api

    def portable_credentials(self) -> Credentials | None:
        """The key another process can authorize with: the one given, else the one the api= used."""
        return self.credentials or credentials_of(self.api)

    def bucket(self, name: str) -> Bucket:
        """The bucket called ``name`` (FileNotFoundError when there is none)."""
        bucket = self._buckets.get(name)
        if bucket is None:
            with translated(name):
                bucket = self.api.get_bucket_by_name(name)
            self._buckets[name] = bucket
        return bucket

    def has_bucket(self, name: str) -> bool:
        try:
            self.bucket(name)
        except FileNotFoundError:
            return False
        return True

    def buckets(self) -> list[Bucket]:
        """Every bucket of the account; for a key restricted to buckets, those (B2 lists no others)."""
        with translated(""):
            allowed = self.api.account_info.get_allowed()["buckets"] or []
            if allowed:
                buckets = [self.bucket(str(item["name"])) for item in allowed if item["name"]]
            else:
                buckets = self.api.list_buckets()
        for bucket in buckets:
            if bucket.name is not None:
                self._buckets[bucket.name] = bucket
        return buckets

    def create_bucket(self, name: str, bucket_type: str) -> None:
        with translated(name):
            self._buckets[name] = self.api.create_bucket(name, bucket_type)

    def delete_bucket(self, name: str) -> None:
        bucket = self.bucket(name)
        with translated(name):
            self.api.delete_bucket(bucket)
        self._buckets.pop(name, None)
