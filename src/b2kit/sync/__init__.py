"""Sync: make a B2 folder match a local one, a local folder match B2, or one bucket folder another."""

from __future__ import annotations

from b2kit.sync._actions import (
    CopyAction,
    DeleteLocalAction,
    DeleteVersionAction,
    DownloadAction,
    HideAction,
    SyncAction,
    UploadAction,
    describe,
)
from b2kit.sync._b2_folder import B2Folder
from b2kit.sync._entries import SyncEntry, VersionEntry
from b2kit.sync._errors import (
    DestinationNewerError,
    EmptySourceError,
    InvalidSyncOptions,
    MissingSourceError,
    SyncActionsFailed,
    SyncCancelled,
    SyncError,
    UnsupportedFolderPair,
)
from b2kit.sync._execution import SyncFolder
from b2kit.sync._filters import NameFilter, ScanPolicy
from b2kit.sync._local_folder import LocalFolder
from b2kit.sync._options import CompareMode, NewerMode, SyncOptions
from b2kit.sync._planning import Direction, merge_sorted, plan_file
from b2kit.sync._report import SyncListener, SyncReport
from b2kit.sync._synchronizer import Synchronizer

__all__ = [
    "B2Folder",
    "CompareMode",
    "CopyAction",
    "DeleteLocalAction",
    "DeleteVersionAction",
    "DestinationNewerError",
    "Direction",
    "DownloadAction",
    "EmptySourceError",
    "HideAction",
    "InvalidSyncOptions",
    "LocalFolder",
    "MissingSourceError",
    "NameFilter",
    "NewerMode",
    "ScanPolicy",
    "SyncAction",
    "SyncActionsFailed",
    "SyncCancelled",
    "SyncEntry",
    "SyncError",
    "SyncFolder",
    "SyncListener",
    "SyncOptions",
    "SyncReport",
    "Synchronizer",
    "UnsupportedFolderPair",
    "UploadAction",
    "VersionEntry",
    "describe",
    "merge_sorted",
    "plan_file",
]
