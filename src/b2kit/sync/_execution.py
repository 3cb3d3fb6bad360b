"""Runs planned file actions against the SDK and the local disk."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from b2kit._protocol import SRC_LAST_MODIFIED_MILLIS
from b2kit._transfer._progress import AbstractProgressListener
from b2kit.sync._actions import (
    CopyAction,
    DeleteLocalAction,
    DeleteVersionAction,
    DownloadAction,
    HideAction,
    SyncAction,
    UploadAction,
)
from b2kit.sync._b2_folder import B2Folder
from b2kit.sync._errors import SyncCancelled
from b2kit.sync._local_folder import LocalFolder
from b2kit.sync._report import SyncListener

SyncFolder = LocalFolder | B2Folder


class _ActionProgress(AbstractProgressListener):
    """Feeds one transfer's progress to the sync listener as deltas; aborts the transfer on cancel."""

    def __init__(self, listener: SyncListener, cancelled: threading.Event) -> None:
        super().__init__()
        self._listener = listener
        self._cancelled = cancelled
        self._seen = 0

    def set_total_bytes(self, total_byte_count: int) -> None:
        """The sync listener knows sizes from the actions already."""

    def bytes_completed(self, byte_count: int) -> None:
        if self._cancelled.is_set():
            raise SyncCancelled("sync interrupted")
        if byte_count > self._seen:
            self._listener.bytes_transferred(byte_count - self._seen)
            self._seen = byte_count


@dataclass(frozen=True)
class ActionRunner:
    """Executes actions from ``source`` to ``dest``; raising on failure, never leaving partial files."""

    source: SyncFolder
    dest: SyncFolder
    listener: SyncListener
    cancelled: threading.Event

    def run(self, action: SyncAction) -> None:
        if self.cancelled.is_set():
            raise SyncCancelled("sync interrupted")
        progress = _ActionProgress(self.listener, self.cancelled)
        match action:
            case UploadAction():
                self._upload(action, progress)
            case DownloadAction():
                self._download(action, progress)
            case CopyAction():
                self._copy(action, progress)
            case HideAction():
                self._dest_bucket().bucket.hide_file(self._dest_bucket().full_name(action.name))
            case DeleteVersionAction():
                dest = self._dest_bucket()
                dest.bucket.delete_file_version(action.file_id, dest.full_name(action.name))
            case DeleteLocalAction():
                self._dest_local().full_path(action.name).unlink(missing_ok=True)

    def _dest_bucket(self) -> B2Folder:
        if not isinstance(self.dest, B2Folder):
            raise TypeError("this action needs a B2 destination")
        return self.dest

    def _dest_local(self) -> LocalFolder:
        if not isinstance(self.dest, LocalFolder):
            raise TypeError("this action needs a local destination")
        return self.dest

    def _upload(self, action: UploadAction, progress: _ActionProgress) -> None:
        if not isinstance(self.source, LocalFolder):
            raise TypeError("upload needs a local source")
        dest = self._dest_bucket()
        dest.bucket.upload_local_file(
            local_file=str(self.source.full_path(action.name)),
            file_name=dest.full_name(action.name),
            file_info={SRC_LAST_MODIFIED_MILLIS: str(action.mod_time_millis)},
            progress_listener=progress,
        )

    def _copy(self, action: CopyAction, progress: _ActionProgress) -> None:
        if not isinstance(self.source, B2Folder):
            raise TypeError("copy needs a B2 source")
        dest = self._dest_bucket()
        dest.bucket.copy(
            action.file_id,
            dest.full_name(action.name),
            length=action.size,
            progress_listener=progress,
        )

    def _download(self, action: DownloadAction, progress: _ActionProgress) -> None:
        """Download version ``file_id``; the SDK writes a temporary file and renames it when complete."""
        if not isinstance(self.source, B2Folder):
            raise TypeError("download needs a B2 source")
        target = self._dest_local().full_path(action.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        with self.source.bucket.download_file_by_id(action.file_id, progress_listener=progress) as downloaded:
            downloaded.save_to(target)
