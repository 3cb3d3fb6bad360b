"""Account and key endpoints (protocol §5): authorize, create / delete / list keys."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from b2kit._models import JSON, ApplicationKey, FullApplicationKey
from b2kit._wire._answers import AccountAuthorization
from b2kit._wire._call import ApiCall, PagedCall


@dataclass(frozen=True)
class AuthorizeAccount(ApiCall[AccountAuthorization]):
    """b2_authorize_account: Basic auth with the key, no parameters (a 401 here is never retried)."""

    endpoint = "b2_authorize_account"
    application_key_id: str
    application_key: str = field(repr=False)

    def basic_authorization(self) -> str:
        """The ``Authorization`` value to send with this call."""
        pair = f"{self.application_key_id}:{self.application_key}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")

    def params(self) -> JSON:
        return {}

    def parse(self, answer: JSON) -> AccountAuthorization:
        return AccountAuthorization.from_json(answer)


@dataclass(frozen=True)
class CreateKey(ApiCall[FullApplicationKey]):
    endpoint = "b2_create_key"
    account_id: str
    capabilities: Sequence[str]
    key_name: str
    valid_duration_in_seconds: int | None = None
    bucket_ids: Sequence[str] | None = None
    name_prefix: str | None = None

    def parse(self, answer: JSON) -> FullApplicationKey:
        return FullApplicationKey.from_create_response(answer)


@dataclass(frozen=True)
class DeleteKey(ApiCall[ApplicationKey]):
    endpoint = "b2_delete_key"
    application_key_id: str

    def parse(self, answer: JSON) -> ApplicationKey:
        return ApplicationKey.from_api_response(answer)


@dataclass(frozen=True)
class ListKeys(PagedCall[ApplicationKey]):
    """One page of keys; ``nextApplicationKeyId`` in the answer starts the next."""

    endpoint = "b2_list_keys"
    items_key = "keys"
    page_size_field = "max_key_count"
    account_id: str
    max_key_count: int | None = None
    start_application_key_id: str | None = None

    def parse_item(self, item: JSON) -> ApplicationKey:
        return ApplicationKey.from_api_response(item)

    def cursor(self, answer: JSON) -> dict[str, Any] | None:
        start = answer.get("nextApplicationKeyId")
        return {"start_application_key_id": start} if start else None
