"""How a B2 JSON endpoint is described once: a frozen dataclass per endpoint, read generically.

Each endpoint is one subclass of :class:`ApiCall` whose dataclass fields ARE the request's parameters: a
field ``bucket_id`` is sent as ``bucketId`` (snake_case to camelCase), values are turned into JSON by
:func:`to_wire` (settings objects by their ``to_request_json``), ``None`` is not sent. A field whose B2
name or JSON form differs says so in its metadata (``field(default=None, metadata=wire(...))``). Adding
a request field is one line in one class.

``call.to_http(base_url, authorization)`` builds the :class:`HttpRequest`; a transport sends it, decodes
the answer (:mod:`._message`) and returns ``call.parse(answer)``, a typed record (a listing's is a
:class:`Page` of records); on an error it raises ``call.translate(error)`` (what a generic 401/403 means on
this endpoint). No I/O here.
"""

from __future__ import annotations

import dataclasses
import json
import urllib.parse
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar, Final, Generic, Protocol, Self, TypeVar, cast

from b2kit import _protocol as p
from b2kit._exceptions import AccessDenied, B2Error, InvalidJsonResponse
from b2kit._models import JSON
from b2kit._wire._message import Expect, HttpRequest

R = TypeVar("R", covariant=True)

API_VERSION: Final = p.LATEST_API_VERSION

_NAME: Final = "b2_wire_name"
_CONVERT: Final = "b2_wire_convert"


def endpoint_url(base_url: str, endpoint: str) -> str:
    """``{base_url}/b2api/v4/{endpoint}``."""
    return f"{base_url.rstrip('/')}/b2api/{API_VERSION}/{endpoint}"


def wire(name: str | None = None, convert: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    """Field metadata: the B2 name (when not the camelCase of the field's) and the JSON form of the value."""
    metadata: dict[str, Any] = {}
    if name is not None:
        metadata[_NAME] = name
    if convert is not None:
        metadata[_CONVERT] = convert
    return metadata


def camel(name: str) -> str:
    """``start_file_name`` -> ``startFileName``."""
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def to_wire(value: Any) -> Any:
    """The JSON form of a request value: settings objects by ``to_request_json``, enums by value."""
    to_json = getattr(value, "to_request_json", None)
    if to_json is not None:
        return to_json()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, list | tuple):
        return [to_wire(item) for item in value]
    return value


_FieldSpec = tuple[str, str, Callable[[Any], Any] | None]
_FIELD_SPECS: dict[type, tuple[_FieldSpec, ...]] = {}


def _wire_fields(cls: type) -> tuple[_FieldSpec, ...]:
    """(attribute, B2 name, converter) of each field of a request class, worked out once per class."""
    specs = _FIELD_SPECS.get(cls)
    if specs is None:
        specs = tuple(
            (field.name, field.metadata.get(_NAME, camel(field.name)), field.metadata.get(_CONVERT))
            for field in dataclasses.fields(cls)
        )
        _FIELD_SPECS[cls] = specs
    return specs


def wire_params(call: Any) -> JSON:
    """The JSON parameters of a request dataclass: every field not None, by its B2 name."""
    params: JSON = {}
    for attribute, name, convert in _wire_fields(type(call)):
        value = getattr(call, attribute)
        value = convert(value) if convert is not None and value is not None else to_wire(value)
        if value is not None:
            params[name] = value
    return params


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ApiCall(ABC, Generic[R]):
    """One call of a B2 JSON endpoint (protocol §6), described by the fields of a frozen dataclass."""

    endpoint: ClassVar[str]
    http_method: ClassVar[str] = "POST"
    denied_as: ClassVar[type[AccessDenied] | None] = None
    """The error a 401/403 (access_denied) means on this endpoint, when more specific than AccessDenied."""

    def params(self) -> JSON:
        """The request parameters by their B2 names."""
        return wire_params(self)

    def to_http(self, base_url: str, authorization: str) -> HttpRequest:
        """The request: POST with a JSON body, or GET with the parameters in the query string."""
        url = endpoint_url(base_url, self.endpoint)
        headers = {"Authorization": authorization, "Accept": "application/json"}
        params = self.params()
        if self.http_method == "GET":
            query = urllib.parse.urlencode({k: _query_value(v) for k, v in params.items()})
            return HttpRequest(
                "GET", f"{url}?{query}" if query else url, headers, None, Expect.JSON, self.endpoint
            )
        body = json.dumps(params, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json"
        return HttpRequest("POST", url, headers, body, Expect.JSON, self.endpoint)

    @abstractmethod
    def parse(self, answer: JSON) -> R:
        """The typed result of a successful answer."""

    def translate(self, error: B2Error) -> B2Error:
        """``error`` as this endpoint means it (AccessDenied becomes ``denied_as``)."""
        if self.denied_as is not None and isinstance(error, AccessDenied):
            return self.denied_as(error.message, status=error.status, code=error.code)
        return error


T = TypeVar("T")


class Parsing(Protocol[R]):
    """Anything that reads an endpoint's answer: an :class:`ApiCall` or an upload."""

    endpoint: ClassVar[str]

    def parse(self, answer: JSON) -> R: ...


def read_answer(description: Parsing[T], answer: JSON) -> T:
    """``description.parse(answer)``, for a transport: an answer without a field B2 always sends, or with a
    value of an unexpected kind, is InvalidJsonResponse naming the endpoint (never a bare KeyError)."""
    try:
        return description.parse(answer)
    except KeyError as missing:
        raise InvalidJsonResponse(f"{description.endpoint} answered without {missing}") from missing
    except (TypeError, ValueError) as wrong:
        raise InvalidJsonResponse(f"{description.endpoint} answered an unexpected value: {wrong}") from wrong


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing: its items, typed, and where the next page starts."""

    items: tuple[T, ...]
    cursor: Mapping[str, Any] | None
    """The call fields that ask for the next page (``{"start_file_name": ...}``); None on the last page."""


class PagedCall(ApiCall[Page[T]]):
    """A listing endpoint: its answer holds one page of ``items_key`` and the cursor of the next page."""

    items_key: ClassVar[str]
    page_size_field: ClassVar[str]
    """The field holding how many items one page may have."""

    def parse(self, answer: JSON) -> Page[T]:
        items = answer.get(self.items_key) or ()
        return Page(tuple(self.parse_item(item) for item in items), self.cursor(answer))

    @abstractmethod
    def parse_item(self, item: JSON) -> T:
        """One listed item as its record."""

    @abstractmethod
    def cursor(self, answer: JSON) -> dict[str, Any] | None:
        """The fields of this call that ask for the page after ``answer``; None when it was the last."""

    def next_page(self, page: Page[T]) -> Self | None:
        """This call for the page after ``page``, None when ``page`` was the last."""
        if page.cursor is None:
            return None
        following: Self = dataclasses.replace(cast(Any, self), **page.cursor)
        return following

    def page_size(self) -> int | None:
        size: int | None = getattr(self, self.page_size_field)
        return size

    def with_page_size(self, size: int) -> Self:
        """This call asking for at most ``size`` items."""
        changed: Self = dataclasses.replace(cast(Any, self), **{self.page_size_field: size})
        return changed
