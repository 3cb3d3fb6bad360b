"""The file actions a sync plan is made of: small immutable values, executed elsewhere."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UploadAction:
    """Upload local file ``name`` to the B2 destination, recording its modification time."""

    name: str
    size: int
    mod_time_millis: int
    kind = "upload"


@dataclass(frozen=True)
class DownloadAction:
    """Download B2 version ``file_id`` to local file ``name`` (through a temporary name)."""

    name: str
    size: int
    mod_time_millis: int
    file_id: str
    kind = "download"


@dataclass(frozen=True)
class CopyAction:
    """Copy B2 version ``file_id`` server-side to ``name`` in the destination bucket."""

    name: str
    size: int
    mod_time_millis: int
    file_id: str
    kind = "copy"


@dataclass(frozen=True)
class HideAction:
    """Hide B2 file ``name`` in the destination (a hide marker becomes its newest version)."""

    name: str
    size: int = 0
    kind = "hide"


@dataclass(frozen=True)
class DeleteVersionAction:
    """Delete one B2 version of ``name`` in the destination; ``note`` says which kind of version."""

    name: str
    file_id: str
    note: str = ""
    size: int = 0
    kind = "delete"


@dataclass(frozen=True)
class DeleteLocalAction:
    """Delete local file ``name`` in the destination folder."""

    name: str
    size: int = 0
    kind = "delete"


SyncAction = UploadAction | DownloadAction | CopyAction | HideAction | DeleteVersionAction | DeleteLocalAction
TRANSFER_ACTIONS = (UploadAction, DownloadAction, CopyAction)


def describe(action: SyncAction) -> str:
    """A one-line human description, as printed by ``--dry-run`` and the sync log."""
    note = f" {action.note}" if isinstance(action, DeleteVersionAction) and action.note else ""
    return f"{action.kind} {action.name}{note}"
