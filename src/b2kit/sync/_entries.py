"""Abstract file entries the sync planner works on: one per relative name, from either side."""

from __future__ import annotations

from dataclasses import dataclass

HIDE = "hide"
UPLOAD = "upload"


@dataclass(frozen=True)
class VersionEntry:
    """One stored version of a B2 file (``action`` is ``upload`` or ``hide``)."""

    file_id: str
    action: str
    size: int
    mod_time_millis: int
    upload_timestamp: int


@dataclass(frozen=True)
class SyncEntry:
    """A file under a sync root: its relative name (``/``-separated), size and modification time.

    B2 entries carry their versions, newest first; local entries carry none.
    """

    name: str
    size: int
    mod_time_millis: int
    versions: tuple[VersionEntry, ...] = ()

    @property
    def is_visible(self) -> bool:
        """False when the newest B2 version is a hide marker (the file is "deleted")."""
        return not self.versions or self.versions[0].action != HIDE

    @property
    def latest_file_id(self) -> str:
        """The id of the newest B2 version ("" for a local entry)."""
        return self.versions[0].file_id if self.versions else ""
