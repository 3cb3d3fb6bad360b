"""What a sync run tells its caller: live events to a listener, and a final SyncReport."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass

from b2kit.sync._actions import TRANSFER_ACTIONS, SyncAction


class SyncListener:
    """Receives live events of a sync; every method may be called from worker threads.

    The base class ignores everything; a CLI subclasses it to draw progress. A listener whose
    ``wants_totals`` is true is told, before anything moves, how many files and bytes will move: the sync
    then walks both sides twice (once to count, once to act).
    """

    wants_totals: bool = False

    def planned(self, files: int, byte_count: int) -> None:
        """``files`` transfers of ``byte_count`` bytes in all are about to run (only if ``wants_totals``)."""

    def action_started(self, action: SyncAction) -> None:
        """A file action is about to run (or, in a dry run, would run)."""

    def bytes_transferred(self, byte_count: int) -> None:
        """``byte_count`` more bytes moved (a delta, summed over all files)."""

    def action_finished(self, action: SyncAction, error: str | None) -> None:
        """A file action ended; ``error`` says why when it failed."""

    def warning(self, message: str) -> None:
        """Something was skipped (unreadable file, name B2 cannot store, ...)."""


@dataclass(frozen=True)
class SyncReport:
    """Totals of one sync run."""

    dry_run: bool
    source_files: int
    counts: dict[str, int]
    bytes_transferred: int
    elapsed_seconds: float
    failures: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...]

    @property
    def files_transferred(self) -> int:
        """Uploads + downloads + copies."""
        return sum(self.counts.get(kind, 0) for kind in ("upload", "download", "copy"))

    @property
    def ok(self) -> bool:
        """True when no file action failed."""
        return not self.failures

    def summary(self) -> str:
        """One line: what was done, how many bytes, how fast."""
        verb = "would do" if self.dry_run else "done"
        parts = [f"{self.counts[kind]} {kind}" for kind in sorted(self.counts) if self.counts[kind]]
        what = ", ".join(parts) if parts else "nothing to do"
        rate = self.bytes_transferred / self.elapsed_seconds / 1e6 if self.elapsed_seconds > 0 else 0.0
        failed = f", {len(self.failures)} failed" if self.failures else ""
        return (
            f"sync {verb}: {what}{failed}; {self.source_files} source files, "
            f"{self.bytes_transferred:,} bytes in {self.elapsed_seconds:.2f} s ({rate:.1f} MB/s)"
        )


class ReportBuilder:
    """Thread-safe accumulator that becomes a SyncReport at the end."""

    def __init__(self, dry_run: bool) -> None:
        self._dry_run = dry_run
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._bytes = 0
        self._failures: list[tuple[str, str]] = []
        self._warnings: list[str] = []
        self.source_files = 0

    def succeeded(self, action: SyncAction) -> None:
        with self._lock:
            self._counts[action.kind] += 1
            if isinstance(action, TRANSFER_ACTIONS):
                self._bytes += action.size

    def failed(self, action: SyncAction, error: str) -> None:
        with self._lock:
            self._failures.append((action.name, error))

    def warn(self, message: str) -> None:
        with self._lock:
            self._warnings.append(message)

    def build(self, elapsed_seconds: float) -> SyncReport:
        with self._lock:
            return SyncReport(
                dry_run=self._dry_run,
                source_files=self.source_files,
                counts=dict(self._counts),
                bytes_transferred=self._bytes,
                elapsed_seconds=elapsed_seconds,
                failures=tuple(self._failures),
                warnings=tuple(self._warnings),
            )
