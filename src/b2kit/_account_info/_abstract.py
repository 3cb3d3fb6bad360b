"""The account-info contract: what ``b2_authorize_account`` told us, plus bucket name↔id and upload URLs.

Subclasses store the authorization data and the bucket name cache (in memory, in SQLite, ...). Upload URLs are
never persisted: they live in per-process pools owned by this base class.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict

from b2kit import _protocol as p
from b2kit._account_info._upload_url_pool import UploadUrlPool
from b2kit._exceptions import MissingAccountData


class AllowedBucket(TypedDict):
    id: str
    name: str | None


class Allowed(TypedDict):
    """The key restrictions from ``b2_authorize_account`` (``apiInfo.storageApi.allowed``)."""

    buckets: list[AllowedBucket] | None
    capabilities: list[str]
    namePrefix: str | None


class NamedBucket(Protocol):
    """Anything with a bucket id and name (a Bucket)."""

    @property
    def id_(self) -> str: ...

    @property
    def name(self) -> str | None: ...


def validate_allowed(allowed: Any) -> Allowed:
    """Return ``allowed`` when it has the three required keys; ValueError otherwise."""
    if not isinstance(allowed, dict) or not {"buckets", "capabilities", "namePrefix"} <= allowed.keys():
        raise ValueError(f"allowed must have keys buckets, capabilities, namePrefix; got {allowed!r}")
    return Allowed(
        buckets=allowed["buckets"],
        capabilities=list(allowed["capabilities"]),
        namePrefix=allowed["namePrefix"],
    )


DEFAULT_ALLOWED = Allowed(buckets=None, capabilities=list(p.ALL_CAPABILITIES), namePrefix=None)


@dataclass(frozen=True)
class AuthData:
    """Everything ``set_auth_data`` stores, as one value handed to the storage of a subclass."""

    account_id: str
    auth_token: str
    api_url: str
    download_url: str
    recommended_part_size: int
    absolute_minimum_part_size: int
    application_key: str
    realm: str
    s3_api_url: str
    allowed: Allowed
    application_key_id: str


class AbstractAccountInfo(ABC):
    """Holds authorization data, the bucket name cache and upload URL pools."""

    DEFAULT_ALLOWED = DEFAULT_ALLOWED

    def __init__(self) -> None:
        self._bucket_upload_urls = UploadUrlPool()
        self._large_file_upload_urls = UploadUrlPool()

    @classmethod
    def all_capabilities(cls) -> list[str]:
        return list(p.ALL_CAPABILITIES)

    # --- authorization data --------------------------------------------------------------------------------

    def set_auth_data(
        self,
        account_id: str,
        auth_token: str,
        api_url: str,
        download_url: str,
        recommended_part_size: int,
        absolute_minimum_part_size: int,
        application_key: str,
        realm: str,
        s3_api_url: str,
        allowed: Allowed | None,
        application_key_id: str,
    ) -> None:
        """Store what ``b2_authorize_account`` returned (``allowed`` None means no restrictions)."""
        checked = validate_allowed(allowed if allowed is not None else DEFAULT_ALLOWED)
        self._set_auth_data(
            AuthData(
                account_id,
                auth_token,
                api_url,
                download_url,
                recommended_part_size,
                absolute_minimum_part_size,
                application_key,
                realm,
                s3_api_url,
                checked,
                application_key_id,
            )
        )

    @abstractmethod
    def _set_auth_data(self, auth: AuthData) -> None:
        """Store ``auth`` (already validated), replacing what was there."""

    @abstractmethod
    def clear(self) -> None:
        """Forget everything: authorization, bucket names, upload URLs."""

    @abstractmethod
    def get_account_id(self) -> str: ...

    @abstractmethod
    def get_application_key_id(self) -> str: ...

    @abstractmethod
    def get_application_key(self) -> str: ...

    @abstractmethod
    def get_account_auth_token(self) -> str: ...

    @abstractmethod
    def get_api_url(self) -> str: ...

    @abstractmethod
    def get_download_url(self) -> str: ...

    @abstractmethod
    def get_s3_api_url(self) -> str: ...

    @abstractmethod
    def get_realm(self) -> str: ...

    @abstractmethod
    def get_recommended_part_size(self) -> int: ...

    @abstractmethod
    def get_absolute_minimum_part_size(self) -> int: ...

    @abstractmethod
    def get_allowed(self) -> Allowed: ...

    def is_same_account(self, account_id: str, realm: str) -> bool:
        """True when the stored authorization is for this account in this realm."""
        try:
            return self.get_account_id() == account_id and self.get_realm() == realm
        except MissingAccountData:
            return False

    def is_same_key(self, application_key_id: str, realm: str) -> bool:
        try:
            return self.get_application_key_id() == application_key_id and self.get_realm() == realm
        except MissingAccountData:
            return False

    def is_master_key(self) -> bool:
        """True when the stored key is the account's master key (its id is or contains the account id)."""
        key_id = self.get_application_key_id()
        account_id = self.get_account_id()
        return key_id == account_id or (len(key_id) == 25 and key_id[3:15] == account_id)

    # --- bucket name cache ---------------------------------------------------------------------------------

    @abstractmethod
    def save_bucket(self, bucket: NamedBucket) -> None: ...

    @abstractmethod
    def remove_bucket_name(self, bucket_name: str) -> None: ...

    @abstractmethod
    def refresh_entire_bucket_name_cache(self, name_id_iterable: Iterable[tuple[str, str]]) -> None: ...

    @abstractmethod
    def get_bucket_id_or_none_from_bucket_name(self, bucket_name: str) -> str | None: ...

    @abstractmethod
    def get_bucket_name_or_none_from_bucket_id(self, bucket_id: str) -> str | None: ...

    @abstractmethod
    def list_bucket_names_ids(self) -> list[tuple[str, str]]: ...

    # --- upload URL pools (per process, never persisted) ---------------------------------------------------

    def take_bucket_upload_url(self, bucket_id: str) -> tuple[str, str] | None:
        return self._bucket_upload_urls.take(bucket_id)

    def put_bucket_upload_url(self, bucket_id: str, upload_url: str, upload_auth_token: str) -> None:
        self._bucket_upload_urls.put(bucket_id, upload_url, upload_auth_token)

    def clear_bucket_upload_data(self, bucket_id: str) -> None:
        self._bucket_upload_urls.clear_for_key(bucket_id)

    def take_large_file_upload_url(self, file_id: str) -> tuple[str, str] | None:
        return self._large_file_upload_urls.take(file_id)

    def put_large_file_upload_url(self, file_id: str, upload_url: str, upload_auth_token: str) -> None:
        self._large_file_upload_urls.put(file_id, upload_url, upload_auth_token)

    def clear_large_file_upload_urls(self, file_id: str) -> None:
        self._large_file_upload_urls.clear_for_key(file_id)

    def _reset_upload_pools(self) -> None:
        self._bucket_upload_urls.clear()
        self._large_file_upload_urls.clear()
