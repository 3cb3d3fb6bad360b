"""Progress listeners for transfers, and the reporter that feeds them from many part threads.

A listener hears ``set_total_bytes`` once, then ``bytes_completed`` with a cumulative count that never
goes backwards, then ``close``. Transfer managers never call a listener directly: they go through a
:class:`ProgressReporter`, which serialises calls from worker threads and keeps the count monotonic even
when a part is retried and its bytes are read a second time.
"""

from __future__ import annotations

import itertools
import sys
import threading
from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self, TextIO


class AbstractProgressListener(ABC):
    """What a transfer reports to: total size, cumulative bytes done, then close."""

    def __init__(self, description: str = "") -> None:
        self.description = description
        self._closed = False

    @abstractmethod
    def set_total_bytes(self, total_byte_count: int) -> None:
        """Announce how many bytes the transfer will move (called before any progress)."""

    @abstractmethod
    def bytes_completed(self, byte_count: int) -> None:
        """Report the cumulative number of bytes done so far (never less than a previous report)."""

    def close(self) -> None:
        """Mark the transfer finished; further calls are ignored by well-behaved listeners."""
        self._closed = True

    @property
    def closed(self) -> bool:
        """Whether ``close`` has been called."""
        return self._closed

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class DoNothingProgressListener(AbstractProgressListener):
    """A listener that ignores everything (the default when the caller passes none)."""

    def set_total_bytes(self, total_byte_count: int) -> None:
        """Ignore the total."""

    def bytes_completed(self, byte_count: int) -> None:
        """Ignore progress."""


class SimpleProgressListener(AbstractProgressListener):
    """Writes a one-line text progress indicator, redrawn when the whole percentage changes."""

    def __init__(self, description: str = "", stream: TextIO | None = None) -> None:
        super().__init__(description)
        self._stream = stream if stream is not None else sys.stdout
        self._total = 0
        self._last_percent = -1
        self._lock = threading.Lock()

    def set_total_bytes(self, total_byte_count: int) -> None:
        """Remember the total and draw 0 %."""
        with self._lock:
            self._total = total_byte_count
            self._draw(0)

    def bytes_completed(self, byte_count: int) -> None:
        """Redraw when the percentage moved."""
        with self._lock:
            self._draw(byte_count)

    def close(self) -> None:
        """End the progress line."""
        with self._lock:
            if not self.closed:
                self._stream.write("\n")
                self._stream.flush()
            super().close()

    def _draw(self, done: int) -> None:
        if self.closed:
            return
        percent = 100 if self._total <= 0 else min(100, done * 100 // self._total)
        if percent == self._last_percent:
            return
        self._last_percent = percent
        label = f"{self.description}: " if self.description else ""
        self._stream.write(f"\r{label}{percent:3d}% {done:,} / {self._total:,} bytes")
        self._stream.flush()


class ProgressListenerForTest(AbstractProgressListener):
    """Records every call, so tests can check totals and that progress never went backwards."""

    def __init__(self, description: str = "") -> None:
        super().__init__(description)
        self.calls: list[str] = []
        self.total_bytes: int | None = None
        self.completed_history: list[int] = []
        self._lock = threading.Lock()

    def set_total_bytes(self, total_byte_count: int) -> None:
        """Record the total."""
        with self._lock:
            self.total_bytes = total_byte_count
            self.calls.append(f"set_total_bytes({total_byte_count})")

    def bytes_completed(self, byte_count: int) -> None:
        """Record one progress report."""
        with self._lock:
            self.completed_history.append(byte_count)
            self.calls.append(f"bytes_completed({byte_count})")

    def close(self) -> None:
        """Record the close."""
        with self._lock:
            self.calls.append("close()")
        super().close()

    def get_calls(self) -> list[str]:
        """The calls in order, as ``name(args)`` strings (the form b2sdk's test listener uses)."""
        with self._lock:
            return list(self.calls)

    @property
    def last_completed(self) -> int:
        """The latest cumulative count reported (0 before any report)."""
        with self._lock:
            return self.completed_history[-1] if self.completed_history else 0

    def is_monotonic(self) -> bool:
        """True when no report was lower than the one before it."""
        with self._lock:
            history = self.completed_history
            return all(a <= b for a, b in itertools.pairwise(history))


class ProgressReporter:
    """Thread-safe, monotonic front of a listener, shared by all the streams of one transfer."""

    def __init__(self, listener: AbstractProgressListener | None, total_bytes: int | None = None) -> None:
        self._listener = listener if listener is not None else DoNothingProgressListener()
        self._lock = threading.Lock()
        self._done = 0
        if total_bytes is not None:
            self._listener.set_total_bytes(total_bytes)

    @property
    def bytes_done(self) -> int:
        """Bytes reported so far."""
        return self._done

    def set_total_bytes(self, total_bytes: int) -> None:
        """Announce the total once it is known (for streams of unknown length: at the end)."""
        with self._lock:
            self._listener.set_total_bytes(total_bytes)

    def add(self, byte_count: int) -> None:
        """Count ``byte_count`` more bytes as done."""
        if byte_count <= 0:
            return
        with self._lock:
            self._done += byte_count
            self._listener.bytes_completed(self._done)

    def stream_progress(self) -> StreamProgress:
        """A tracker for one part/range, which may be read more than once (retries)."""
        return StreamProgress(self)

    def close(self) -> None:
        """Close the listener (once)."""
        with self._lock:
            if not self._listener.closed:
                self._listener.close()


class StreamProgress:
    """Progress of one part: counts each byte once even when the part is re-read after a failed attempt."""

    def __init__(self, reporter: ProgressReporter) -> None:
        self._reporter = reporter
        self._attempt_bytes = 0
        self._reported_bytes = 0

    def restart(self) -> None:
        """A new attempt starts from the beginning of the part."""
        self._attempt_bytes = 0

    def advance(self, byte_count: int) -> None:
        """``byte_count`` more bytes of this attempt went through; report only the ones never seen."""
        self._attempt_bytes += byte_count
        if self._attempt_bytes > self._reported_bytes:
            self._reporter.add(self._attempt_bytes - self._reported_bytes)
            self._reported_bytes = self._attempt_bytes
