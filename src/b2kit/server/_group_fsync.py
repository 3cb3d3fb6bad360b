"""Group commit for fsync: concurrent callers that each need a path durable share one ``fsync`` of it.

A caller whose change is written (a rename into a folder, a committed WAL transaction) calls
:meth:`GroupFsync.sync`. While an fsync of the path runs, later callers wait for it to end; the first of
them then syncs once for all of them. Every caller returns only after an fsync that started after its
change, so nothing it acknowledges afterwards can be lost to a power cut, yet under load one fsync covers
many changes instead of one each.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


class GroupFsync:
    """Shared fsyncs of one file or folder (opened read-only for each sync, so a replaced file is found)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._changed = threading.Condition()
        self._requested = 0
        self._synced = 0
        self._running = False

    def sync(self) -> None:
        """Return once an fsync of the path that started after this call has finished."""
        with self._changed:
            self._requested += 1
            ticket = self._requested
            while self._running:
                self._changed.wait()
            if self._synced >= ticket:
                return
            self._running = True
            covered = self._requested
        synced = False
        try:
            _fsync(self._path)
            synced = True
        finally:
            with self._changed:
                self._running = False
                if synced:
                    self._synced = max(self._synced, covered)
                self._changed.notify_all()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
