"""What one bucket holds under a path, as fsspec entries: a folder's children, a whole tree, one name.

Functions of a :class:`b2kit.Bucket` and a parsed path, raising the SDK's B2 errors (the filesystem turns
them into OSErrors). Folders are emulated from ``/`` the way ``Bucket.ls`` does it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from b2kit import Bucket, FileVersion
from b2kit.fs._entries import Entry, bucket_entry, file_entry, folder_entry
from b2kit.fs._paths import B2Path, depth_below, parents_between, with_version

VERSION_PAGE: Final = 100
"""Versions asked for per request when listing the versions of one name."""


def children(bucket: Bucket, parsed: B2Path, versions: bool) -> list[Entry]:
    """Files and folders directly in the folder ``parsed`` (every version of the files with ``versions``)."""
    entries = []
    for version, folder in bucket.ls(parsed.key, show_versions=versions):
        if folder is not None:
            entries.append(folder_entry(f"{parsed.bucket}/{folder.rstrip('/')}"))
        elif version.action == "upload":
            name = f"{parsed.bucket}/{version.file_name}"
            entries.append(file_entry(with_version(name, version.id_) if versions else name, version))
    return entries


def entry_at(bucket: Bucket, parsed: B2Path) -> Entry | None:
    """The current file called ``parsed.key``, else the folder of that name, else None (two requests)."""
    for version in bucket.list_file_names(parsed.key, 1, parsed.key):
        if version.file_name == parsed.key:
            return file_entry(parsed.name, version)
    for _ in bucket.list_file_names(None, 1, parsed.folder_prefix):
        return folder_entry(parsed.name)
    return None


def tree(bucket: Bucket, parsed: B2Path, maxdepth: int | None, withdirs: bool) -> dict[str, Entry]:
    """Every file below ``parsed`` from one flat listing, with the folders between when ``withdirs``."""
    top = parsed.name
    found: dict[str, Entry] = {}
    for version, _ in bucket.ls(parsed.key, recursive=True):
        name = f"{parsed.bucket}/{version.file_name}"
        if maxdepth is None or depth_below(top, name) <= maxdepth:
            found[name] = file_entry(name, version)
        if withdirs:
            for folder in parents_between(top, name)[:maxdepth]:
                found.setdefault(folder, folder_entry(folder))
    if withdirs and found:
        found[top] = bucket_entry(bucket) if not parsed.key else folder_entry(top)
    return found


def versions_of(bucket: Bucket, key: str) -> Iterator[FileVersion]:
    """Every version (uploads and hide markers) of exactly ``key``, newest first.

    Listed in pages of ``VERSION_PAGE`` from ``(key, last id seen)``, so the name of a folder does not pull
    in a full page of the files below it.
    """
    start_id: str | None = None
    seen: set[str] = set()
    while True:
        page = list(bucket.list_file_versions(key, start_id, VERSION_PAGE, key))
        fresh = [version for version in page if version.id_ not in seen]
        for version in fresh:
            if version.file_name != key:
                return
            seen.add(version.id_)
            yield version
        if len(page) < VERSION_PAGE or not fresh:
            return
        start_id = page[-1].id_


def remove(bucket: Bucket, parsed: B2Path, mode: str) -> bool:
    """Remove one name: the version named, every version (``delete``) or by a hide marker (``hide``).

    Returns False when there was nothing to remove.
    """
    if parsed.version_id is not None:
        bucket.delete_file_version(parsed.version_id, parsed.key)
        return True
    if mode == "hide":
        current = entry_at(bucket, parsed)
        if current is None or current["type"] != "file":
            return False
        bucket.hide_file(parsed.key)
        return True
    found = list(versions_of(bucket, parsed.key))
    for version in found:
        if version.action in ("upload", "hide"):
            bucket.delete_file_version(version.id_, version.file_name)
    return bool(found)
