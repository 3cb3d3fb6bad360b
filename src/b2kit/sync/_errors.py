"""Exceptions raised by sync."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from b2kit._exceptions import B2Error

if TYPE_CHECKING:
    from b2kit.sync._report import SyncReport


class SyncError(B2Error):
    """Base of every sync failure (a B2Error, so callers can catch all b2kit errors at once)."""


class InvalidSyncOptions(SyncError, ValueError):
    """The options of a sync contradict each other or are malformed."""


class EmptySourceError(SyncError):
    """The source folder has no files and the sync was not allowed to run from an empty source."""

    def __init__(self, source: str) -> None:
        super().__init__(
            f"source {source} is empty; refusing to sync (SyncOptions(allow_empty_source=True) allows it)"
        )
        self.source = source


class MissingSourceError(SyncError):
    """The local source directory does not exist or is a file (a typo must not turn into "delete all")."""

    def __init__(self, source: str, is_file: bool = False) -> None:
        what = "is a file, not a directory" if is_file else "does not exist"
        super().__init__(f"source directory {source} {what}")
        self.source = source
        self.is_file = is_file


def utc_text(millis: int) -> str:
    """A modification time as people read it: ``2026-12-07 05:01:02 UTC``."""
    return f"{dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC):%Y-%m-%d %H:%M:%S} UTC"


class DestinationNewerError(SyncError):
    """A destination file is newer than its source and the options say to refuse."""

    def __init__(self, name: str, source_millis: int, dest_millis: int) -> None:
        super().__init__(
            f"destination file {name!r} (modified {utc_text(dest_millis)}) is newer than its source "
            f"(modified {utc_text(source_millis)})"
        )
        self.name = name
        self.source_millis = source_millis
        self.dest_millis = dest_millis


class UnsupportedFolderPair(SyncError):
    """Sync runs local→B2, B2→local and B2→B2 only."""


class SyncActionsFailed(SyncError):
    """Some file actions failed; the others ran to completion."""

    def __init__(self, report: SyncReport) -> None:
        failures = report.failures
        first_name, first_error = failures[0] if failures else ("", "")
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        super().__init__(f"{len(failures)} file(s) failed; {first_name}: {first_error}{more}")
        self.report = report


class SyncCancelled(SyncError):
    """The sync was interrupted; running transfers stopped and left no partial files."""
