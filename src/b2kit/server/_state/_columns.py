"""How record values sit in SQLite columns: JSON text, encryption settings, booleans."""

from __future__ import annotations

import json
from typing import Any

from b2kit.server._state._records import AES256, Encryption


def dumps(value: Any) -> str:
    return json.dumps(value)


def dumps_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def loads_or_none(text: str | None) -> Any:
    return json.loads(text) if text else None


def encryption(text: str | None, key_md5: str | None = None) -> Encryption:
    """An ``sse`` column (JSON ``{"algorithm", "mode"}`` or NULL) and its ``sse_key_md5`` as a record."""
    stored = loads_or_none(text)
    return Encryption(stored.get("mode"), key_md5) if stored else Encryption()


def encryption_text(value: Encryption) -> str | None:
    """The ``sse`` column for ``value`` (NULL for none)."""
    return None if value.mode is None else json.dumps({"algorithm": AES256, "mode": value.mode})
