"""A bucket (optionally under a prefix) as a sync side: its versions grouped into one entry per name."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from b2kit.sync._entries import HIDE, UPLOAD, SyncEntry, VersionEntry
from b2kit.sync._filters import SCAN_EVERYTHING, NameFilter, ScanPolicy
from b2kit.sync._local_folder import WarningSink

if TYPE_CHECKING:
    from b2kit._api._bucket import Bucket
    from b2kit._models import FileVersion


def _ignore(_message: str) -> None:
    """Default warning sink: drop the message."""


def local_name_problem(name: str) -> str | None:
    """Why B2 name ``name`` cannot become a local relative path (None when it can)."""
    parts = name.split("/")
    if name.startswith("/") or any(part in ("", ".", "..") for part in parts):
        return "it has an empty, '.' or '..' path segment"
    if "\\" in name or "\x00" in name:
        return "it contains a backslash or NUL"
    return None


@dataclass(frozen=True)
class B2Folder:
    """Files of ``bucket`` whose names start with ``prefix`` + ``/`` (the whole bucket for ``""``)."""

    bucket: Bucket
    folder: str = ""

    def __str__(self) -> str:
        return f"b2://{self.bucket.name}/{self.folder}"

    @property
    def prefix(self) -> str:
        """The name prefix every file of this folder has."""
        folder = self.folder.strip("/")
        return f"{folder}/" if folder else ""

    def full_name(self, name: str) -> str:
        """The B2 file name for relative name ``name``."""
        return self.prefix + name

    def walk(self, policy: ScanPolicy = SCAN_EVERYTHING, warn: WarningSink = _ignore) -> Iterator[SyncEntry]:
        """Yield one entry per file name (all its versions, newest first), sorted by name.

        Unfinished large files are ignored; names that could not be a local path are reported and skipped.
        """
        name: str | None = None
        versions: list[FileVersion] = []
        for version, _folder in self.bucket.ls(self.prefix, show_versions=True, recursive=True):
            if version.action not in (UPLOAD, HIDE) or not version.file_name.startswith(self.prefix):
                continue
            if version.file_name != name:
                if name is not None and versions:
                    yield from self._entry(name, versions, policy.name_filter, warn)
                name, versions = version.file_name, []
            versions.append(version)
        if name is not None and versions:
            yield from self._entry(name, versions, policy.name_filter, warn)

    def _entry(
        self, full_name: str, versions: list[FileVersion], name_filter: NameFilter, warn: WarningSink
    ) -> Iterator[SyncEntry]:
        name = full_name[len(self.prefix) :]
        if name_filter.excludes_any_parent(name) or name_filter.excludes_file(name):
            return
        problem = local_name_problem(name)
        if problem is not None:
            warn(f"skipping b2://{self.bucket.name}/{full_name}: {problem}")
            return
        newest = versions[0]
        yield SyncEntry(
            name=name,
            size=newest.size,
            mod_time_millis=newest.mod_time_millis,
            versions=tuple(
                VersionEntry(v.id_, v.action, v.size, v.mod_time_millis, v.upload_timestamp) for v in versions
            ),
        )
