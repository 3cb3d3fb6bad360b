"""SyncOptions: every knob of one sync run in a single immutable value."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from b2kit.sync._errors import InvalidSyncOptions


class CompareMode(enum.Enum):
    """How a source file and an existing destination file are judged different."""

    MODTIME = "modTime"
    SIZE = "size"
    NONE = "none"


class NewerMode(enum.Enum):
    """What to do when the destination file is newer than the source file (modTime compare only)."""

    RAISE = "raise"
    SKIP = "skip"
    REPLACE = "replace"


@dataclass(frozen=True)
class SyncOptions:
    """Options of one sync run.

    ``compare_threshold`` is in milliseconds for ``MODTIME`` and bytes for ``SIZE``; differences up to it
    count as equal. ``delete`` removes destination files missing on the source (and, on B2, every old
    version); ``keep_days`` instead hides them on B2 and deletes versions older than that many days.
    File regexes match from the start of the relative path (``re.match``); an include regex overrides
    the exclude regexes. Directory regexes must match a whole relative directory path.
    ``max_workers`` is how many files move at once; None (the default) fits it to the work: many small
    files at once (they wait on round trips, not bandwidth), a few large ones (each already runs parallel
    streams). See :class:`~b2kit._sync._synchronizer.Synchronizer`.
    """

    compare: CompareMode = CompareMode.MODTIME
    compare_threshold: int = 0
    newer: NewerMode = NewerMode.RAISE
    delete: bool = False
    keep_days: float | None = None
    exclude_regexes: tuple[str, ...] = ()
    include_regexes: tuple[str, ...] = ()
    exclude_dir_regexes: tuple[str, ...] = ()
    follow_symlinks: bool = True
    dry_run: bool = False
    allow_empty_source: bool = False
    max_workers: int | None = None

    def __post_init__(self) -> None:
        if self.delete and self.keep_days is not None:
            raise InvalidSyncOptions("delete and keep_days cannot be used together")
        if self.keep_days is not None and self.keep_days < 0:
            raise InvalidSyncOptions("keep_days must not be negative")
        if self.compare_threshold < 0:
            raise InvalidSyncOptions("compare_threshold must not be negative")
        if self.max_workers is not None and self.max_workers < 1:
            raise InvalidSyncOptions("max_workers must be at least 1")
        for pattern in (*self.exclude_regexes, *self.include_regexes, *self.exclude_dir_regexes):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise InvalidSyncOptions(f"invalid regular expression {pattern!r}: {exc}") from exc
