"""Progress bars: one per transferred file, and a summary bar for sync (drawn only on a terminal).

Per-file lines of a sync come from worker threads; each is written whole under one lock, so piped output
stays one clean line per file.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.progress import Progress, TaskID

from b2kit import AbstractProgressListener, DoNothingProgressListener, RichProgressListener, transfer_bar
from b2kit.cli._output import Output, stderr_console
from b2kit.sync import CopyAction, DownloadAction, SyncAction, SyncListener, UploadAction, describe

_PRINT_LOCK = threading.Lock()


def write_line(text: str, stream: TextIO) -> None:
    """Write ``text`` and its newline in one call, under a lock shared by every thread."""
    with _PRINT_LOCK:
        stream.write(text + "\n")
        stream.flush()


@contextmanager
def file_progress(output: Output, description: str) -> Iterator[AbstractProgressListener]:
    """A listener for one file transfer: a rich bar on a terminal, nothing otherwise."""
    if not output.show_progress:
        yield DoNothingProgressListener(description)
        return
    with transfer_bar(stderr_console()) as progress:
        yield RichProgressListener(progress, description)


class CliSyncListener(SyncListener):
    """Prints each sync action as a line (unless quiet) and keeps one summary bar up to date.

    With a bar, the sync first counts what it will move (``planned``), so the bar shows a total, the
    time left and "N of M files".
    """

    def __init__(self, output: Output, progress: Progress | None) -> None:
        self._output = output
        self._progress = progress
        self._task: TaskID | None = progress.add_task("sync: counting", total=None) if progress else None
        self.wants_totals = progress is not None
        self._lock = threading.Lock()
        self._files = 0
        self._bytes = 0
        self._failed = 0
        self._planned_files: int | None = None

    def planned(self, files: int, byte_count: int) -> None:
        with self._lock:
            self._planned_files = files
            if self._progress is not None and self._task is not None:
                # nothing to move: hide the bar now, or a refresh could draw "0/0 bytes" before finish()
                self._progress.update(self._task, total=byte_count, visible=byte_count > 0)
            self._redraw()

    def action_started(self, action: SyncAction) -> None:
        """Nothing to show until it is done."""

    def bytes_transferred(self, byte_count: int) -> None:
        with self._lock:
            self._bytes += byte_count
            self._redraw()

    def action_finished(self, action: SyncAction, error: str | None) -> None:
        with self._lock:
            self._files += isinstance(action, UploadAction | DownloadAction | CopyAction)
            self._failed += error is not None
            self._redraw()
        if error is not None:
            self._print_error(f"Error: {describe(action)}: {error}")
        else:
            self._print(describe(action))

    def finish(self) -> None:
        """Close the bar at 100 %, or take it away when nothing moved (no ``0/0 bytes`` left behind)."""
        if self._progress is None or self._task is None:
            return
        with self._lock:
            if self._bytes == 0:
                self._progress.remove_task(self._task)
            else:
                self._progress.update(self._task, total=self._bytes, completed=self._bytes)
                self._redraw()

    def warning(self, message: str) -> None:
        self._print_error(f"Warning: {message}")

    def _redraw(self) -> None:
        if self._progress is not None and self._task is not None:
            failed = f", {self._failed} failed" if self._failed else ""
            of = f" of {self._planned_files}" if self._planned_files is not None else ""
            self._progress.update(
                self._task, completed=self._bytes, description=f"sync: {self._files}{of} files{failed}"
            )

    def _print(self, text: str) -> None:
        """A line on stdout (rich keeps it above the live bar while one is drawn)."""
        if not self._output.quiet and not self._output.json_mode:
            write_line(text, sys.stdout)

    def _print_error(self, text: str) -> None:
        write_line(text, sys.stderr)


@contextmanager
def sync_listener(output: Output) -> Iterator[CliSyncListener]:
    """A sync listener with a summary bar on a terminal."""
    if not output.show_progress:
        yield CliSyncListener(output, None)
        return
    with transfer_bar(stderr_console()) as progress:
        listener = CliSyncListener(output, progress)
        try:
            yield listener
        finally:
            listener.finish()
