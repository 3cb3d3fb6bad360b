"""b2kit: a Python toolkit for Backblaze B2 (SDK, local B2 server, CLI).

Public names are loaded lazily so that ``import b2kit.server`` never pulls in client code.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> private module that defines it. Keep sorted; tests/test_public_api.py pins it.
_EXPORTS: dict[str, str] = {}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    pass


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'b2kit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
