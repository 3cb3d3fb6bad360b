"""Which file names a listing keeps: shell-style include/exclude patterns and wildcard paths.

The rules are b2sdk 2.x's, so code written for it keeps its meaning: the last pattern that matches a name
decides; a name no pattern matches is kept, unless every pattern is an include (then it is dropped). b2sdk's
own ``Filter`` objects are accepted as they are (anything with ``type`` include/exclude and ``pattern``).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

WILDCARD_CHARACTERS = "*?["


class FilterLike(Protocol):
    """b2kit's ``Filter`` or b2sdk's: an include or exclude ``type`` and a shell ``pattern``."""

    @property
    def pattern(self) -> str: ...

    @property
    def type(self) -> Any: ...


@dataclass(frozen=True)
class Filter:
    """An include or exclude pattern for ``Bucket.ls(filters=...)``: ``*``, ``?``, ``[...]`` as in a shell."""

    type: str
    pattern: str

    @classmethod
    def include(cls, pattern: str) -> Filter:
        return cls("include", pattern)

    @classmethod
    def exclude(cls, pattern: str) -> Filter:
        return cls("exclude", pattern)


def _is_include(item: FilterLike) -> bool:
    kind = getattr(item.type, "value", item.type)
    if kind not in ("include", "exclude"):
        raise ValueError(f"a filter's type is include or exclude, not {kind!r}")
    return bool(kind == "include")


class NameMatcher:
    """Decides whether a file name passes a sequence of filters."""

    def __init__(self, filters: Sequence[FilterLike] = ()) -> None:
        self._rules = [(_is_include(item), item.pattern) for item in filters]
        self._default = not self._rules or not all(include for include, _ in self._rules)

    def keeps(self, name: str) -> bool:
        kept = self._default
        for include, pattern in self._rules:
            if fnmatch.fnmatchcase(name, pattern):
                kept = include
        return kept


def wildcard_prefix(pattern: str) -> str:
    """The folder part of ``pattern`` before its first wildcard (``a/b*/c.txt`` -> ``a/``)."""
    cut = min((i for i in (pattern.find(ch) for ch in WILDCARD_CHARACTERS) if i >= 0), default=len(pattern))
    head = pattern[:cut]
    return head[: head.rfind("/") + 1]
