"""Account and key endpoints (protocol §5): authorize, create / delete / list keys."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from b2kit._models import JSON
from b2kit._wire._call import JsonCall, PagedCall


@dataclass(frozen=True)
class AuthorizeAccount(JsonCall):
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


@dataclass(frozen=True)
class CreateKey(JsonCall):
    endpoint = "b2_create_key"
    account_id: str
    capabilities: Sequence[str]
    key_name: str
    valid_duration_in_seconds: int | None = None
    bucket_ids: Sequence[str] | None = None
    name_prefix: str | None = None


@dataclass(frozen=True)
class DeleteKey(JsonCall):
    endpoint = "b2_delete_key"
    application_key_id: str


@dataclass(frozen=True)
class ListKeys(PagedCall):
    """One page of keys; ``nextApplicationKeyId`` in the answer starts the next."""

    endpoint = "b2_list_keys"
    items_key = "keys"
    page_size_field = "max_key_count"
    account_id: str
    max_key_count: int | None = None
    start_application_key_id: str | None = None

    def next_page(self, answer: JSON) -> ListKeys | None:
        start = answer.get("nextApplicationKeyId")
        return dataclasses.replace(self, start_application_key_id=start) if start else None
