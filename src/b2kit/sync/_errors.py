"""Exceptions raised by sync."""

from __future__ import annotations

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
        super().__init__(f"source {source} is empty; refusing to sync (allow it with allow_empty_source)")
        self.source = source


class MissingSourceError(SyncError):
    """The local source directory does not exist (a typo must not turn into "delete everything")."""

    def __init__(self, source: str) -> None:
        super().__init__(f"source directory {source} does not exist")
        self.source = source


class DestinationNewerError(SyncError):
    """A destination file is newer than its source and the options say to refuse."""

    def __init__(self, name: str, source_millis: int, dest_millis: int) -> None:
        super().__init__(
            f"destination file {name!r} is newer than the source "
            f"({dest_millis} > {source_millis} ms); use skip-newer or replace-newer"
        )
        self.name = name


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
