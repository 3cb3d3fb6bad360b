"""``b2://bucket/key?versionId=<file id>`` paths: buckets at the top, keys below, an optional version.

Pure functions, so the filesystem and its tests agree on one parsing. A path inside the filesystem has no
protocol and no trailing slash (``bucket/dir/file``); the empty path is the root (the list of buckets).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

PROTOCOL: Final = "b2"
VERSION_QUERY: Final = "?versionId="


@dataclass(frozen=True)
class B2Path:
    """One parsed path: ``bucket`` ("" for the root), ``key`` ("" for a bucket), optional ``version_id``."""

    bucket: str
    key: str = ""
    version_id: str | None = None

    @property
    def name(self) -> str:
        """The path without protocol or version: ``bucket/key``, ``bucket`` or ``""``."""
        return f"{self.bucket}/{self.key}" if self.key else self.bucket

    @property
    def folder_prefix(self) -> str:
        """The name prefix of everything inside this path taken as a folder (``""`` for a bucket)."""
        return f"{self.key}/" if self.key else ""


def strip_protocol(path: str) -> str:
    """``b2://bucket/key/`` or ``b2::bucket/key`` or ``/bucket/key`` -> ``bucket/key`` (a query is kept)."""
    for marker in (f"{PROTOCOL}://", f"{PROTOCOL}::"):
        if path.startswith(marker):
            path = path[len(marker) :]
            break
    name, query, version = path.partition(VERSION_QUERY)
    name = name.strip("/")
    return f"{name}{query}{version}" if query else name


def split_path(path: str) -> B2Path:
    """Parse a path (with or without protocol) into bucket, key and version id."""
    name, query, version = strip_protocol(path).partition(VERSION_QUERY)
    if query and not version:
        raise ValueError(f"empty versionId in {path!r}")
    bucket, _, key = name.partition("/")
    if version and not key:
        raise ValueError(f"a versionId needs a file name, not a bucket: {path!r}")
    return B2Path(bucket, key, version or None)


def with_version(name: str, version_id: str) -> str:
    """``bucket/key`` + file id -> ``bucket/key?versionId=<file id>``."""
    return f"{name}{VERSION_QUERY}{version_id}"


def parents_between(top: str, name: str) -> list[str]:
    """The folders strictly between ``top`` and the file ``name`` (``a``, ``a/b/c`` -> ``[a/b]``)."""
    start = len(top) + 1 if top else 0
    parts = name[start:].split("/")[:-1]
    found = []
    current = top
    for part in parts:
        current = f"{current}/{part}" if current else part
        found.append(current)
    return found


def depth_below(top: str, name: str) -> int:
    """How many levels ``name`` lies below ``top`` (a direct child is 1)."""
    start = len(top) + 1 if top else 0
    return name[start:].count("/") + 1
