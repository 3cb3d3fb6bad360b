"""Typed access to request parameters from a JSON body or a query string (values then coerced).

B2 accepts every JSON endpoint as POST with a JSON object or GET with query parameters; clients send explicit
``null`` for unset options, so null counts as absent. Wrong types are the caller's fault: 400 bad_request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from b2kit.server._errors import bad_request


class Params:
    """Request parameters with typed getters; ``from_query`` turns on string coercion."""

    def __init__(self, values: Mapping[str, Any], from_query: bool = False) -> None:
        self._values = dict(values)
        self._from_query = from_query

    def names(self) -> set[str]:
        return {name for name, value in self._values.items() if value is not None}

    def raw(self, name: str) -> Any:
        return self._values.get(name)

    def has(self, name: str) -> bool:
        return self._values.get(name) is not None

    def text(self, name: str) -> str:
        value = self.opt_text(name)
        if value is None:
            raise bad_request(f"required field {name} is missing")
        return value

    def opt_text(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None or isinstance(value, str):
            return value
        raise bad_request(f"{name} must be a string")

    def integer(self, name: str) -> int:
        value = self.opt_int(name)
        if value is None:
            raise bad_request(f"required field {name} is missing")
        return value

    def opt_int(self, name: str, numeric_string: bool = False) -> int | None:
        value = self._values.get(name)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and (self._from_query or numeric_string):
            stripped = value.strip()
            digits = stripped[1:] if stripped[:1] == "-" else stripped
            if digits.isascii() and digits.isdigit() and len(digits) <= 19:
                return int(stripped)
        raise bad_request(f"{name} must be an integer")

    def opt_bool(self, name: str) -> bool | None:
        value = self._values.get(name)
        if value is None or isinstance(value, bool):
            return value
        if self._from_query and isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise bad_request(f"{name} must be a boolean")

    def opt_list(self, name: str) -> list[Any] | None:
        value = self._coerced(name, list)
        if value is None or isinstance(value, list):
            return value
        raise bad_request(f"{name} must be an array")

    def opt_text_list(self, name: str) -> list[str] | None:
        value = self.opt_list(name)
        if value is not None and not all(isinstance(item, str) for item in value):
            raise bad_request(f"{name} must be an array of strings")
        return value

    def opt_object(self, name: str) -> dict[str, Any] | None:
        value = self._coerced(name, dict)
        if value is None or isinstance(value, dict):
            return value
        raise bad_request(f"{name} must be an object")

    def _coerced(self, name: str, kind: type) -> Any:
        value = self._values.get(name)
        if not (self._from_query and isinstance(value, str)):
            return value
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):
            parsed = None
        if isinstance(parsed, kind):
            return parsed
        if kind is list:
            return [item for item in value.split(",") if item]
        return value
