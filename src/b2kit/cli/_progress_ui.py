"""Progress bars: one per transferred file, and a summary bar for sync (drawn only on a terminal)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from b2kit import AbstractProgressListener, DoNothingProgressListener
from b2kit.cli._output import Output, stderr_console
from b2kit.sync import SyncAction, SyncListener, describe


def _bar(transient: bool = False) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}", justify="left"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=stderr_console(),
        transient=transient,
    )


class RichFileProgress(AbstractProgressListener):
    """A transfer listener drawing one rich bar."""

    def __init__(self, progress: Progress, description: str) -> None:
        super().__init__(description)
        self._progress = progress
        self._task: TaskID = progress.add_task(description, total=None)

    def set_total_bytes(self, total_byte_count: int) -> None:
        self._progress.update(self._task, total=total_byte_count)

    def bytes_completed(self, byte_count: int) -> None:
        self._progress.update(self._task, completed=byte_count)


@contextmanager
def file_progress(output: Output, description: str) -> Iterator[AbstractProgressListener]:
    """A listener for one file transfer: a rich bar on a terminal, nothing otherwise."""
    if not output.show_progress:
        yield DoNothingProgressListener(description)
        return
    with _bar() as progress:
        yield RichFileProgress(progress, description)


class CliSyncListener(SyncListener):
    """Prints each sync action as a line (unless quiet) and keeps one summary bar up to date."""

    def __init__(self, output: Output, progress: Progress | None) -> None:
        self._output = output
        self._progress = progress
        self._task: TaskID | None = progress.add_task("sync", total=None) if progress else None
        self._lock = threading.Lock()
        self._files = 0
        self._bytes = 0
        self._failed = 0

    def action_started(self, action: SyncAction) -> None:
        """Nothing to show until it is done."""

    def bytes_transferred(self, byte_count: int) -> None:
        with self._lock:
            self._bytes += byte_count
            self._redraw()

    def action_finished(self, action: SyncAction, error: str | None) -> None:
        with self._lock:
            self._files += 1
            self._failed += error is not None
            self._redraw()
        if error is not None:
            self._print_error(f"Error: {describe(action)}: {error}")
        else:
            self._print(describe(action))

    def finish(self) -> None:
        """Close the bar at 100 %: the total is known once every file is done."""
        if self._progress is not None and self._task is not None:
            with self._lock:
                self._progress.update(self._task, total=max(self._bytes, 1), completed=max(self._bytes, 1))

    def warning(self, message: str) -> None:
        self._print_error(f"Warning: {message}")

    def _redraw(self) -> None:
        if self._progress is not None and self._task is not None:
            failed = f", {self._failed} failed" if self._failed else ""
            self._progress.update(
                self._task, completed=self._bytes, description=f"sync: {self._files} files{failed}"
            )

    def _print(self, text: str) -> None:
        """A line on stdout (rich keeps it above the live bar while one is drawn)."""
        if not self._output.quiet and not self._output.json_mode:
            print(text, file=sys.stdout, flush=True)

    def _print_error(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)


@contextmanager
def sync_listener(output: Output) -> Iterator[CliSyncListener]:
    """A sync listener with a summary bar on a terminal."""
    if not output.show_progress:
        yield CliSyncListener(output, None)
        return
    with _bar() as progress:
        listener = CliSyncListener(output, progress)
        try:
            yield listener
        finally:
            listener.finish()
