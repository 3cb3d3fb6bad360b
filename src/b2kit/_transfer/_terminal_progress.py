"""Progress bars on a terminal (rich), for scripts and for the ``b2kit`` CLI alike; no tqdm needed.

``TerminalProgressListener`` draws one bar per transfer::

    with TerminalProgressListener("upload cat.jpg") as progress:
        bucket.upload_local_file("cat.jpg", "pets/cat.jpg", progress_listener=progress)

The rate and time left come from the bytes moved in the last few seconds, so when the server stalls the
rate falls towards zero instead of showing the last speed forever.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import deque
from collections.abc import Callable

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.text import Text

from b2kit._transfer._progress import AbstractProgressListener

RATE_WINDOW_SECONDS = 5.0


class RecentRateColumn(ProgressColumn):
    """``1.2 MB/s, 0:00:12 left``: the rate over the last ``window`` seconds, and the time left at it.

    rich's own speed only changes when bytes arrive, so a stalled transfer kept its last rate; this column
    samples each task whenever it is drawn (rich redraws ten times a second), so a stall shows as a
    falling rate and then ``stalled``.
    """

    def __init__(
        self, window: float = RATE_WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self._window = window
        self._clock = clock
        self._samples: dict[TaskID, deque[tuple[float, float]]] = {}
        self._lock = threading.Lock()

    def rate(self, task: Task) -> float | None:
        """Bytes per second over the recent window (None until two samples exist)."""
        now = self._clock()
        with self._lock:
            samples = self._samples.setdefault(task.id, deque())
            samples.append((now, task.completed))
            while len(samples) > 2 and samples[1][0] <= now - self._window:
                samples.popleft()
            if len(samples) < 2:
                return None
            (first_time, first_done), (last_time, last_done) = samples[0], samples[-1]
        if last_time <= first_time:
            return None
        return max(0.0, last_done - first_done) / (last_time - first_time)

    def render(self, task: Task) -> Text:
        rate = self.rate(task)
        if task.finished:
            return Text("")
        if rate is None:
            return Text("?", style="progress.data.speed")
        if rate < 1:
            return Text("stalled", style="progress.remaining")
        speed = Text(f"{_decimal(rate)}/s", style="progress.data.speed")
        if task.total is not None:
            left = max(0.0, task.total - task.completed) / rate
            speed.append(f", {_duration(left)} left", style="progress.remaining")
        return speed


def _decimal(count: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if count < 1000 or unit == "TB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} TB"


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:d}:{minutes:02d}:{secs:02d}"


def transfer_bar(console: Console | None = None, *, transient: bool = False) -> Progress:
    """A rich Progress with b2kit's columns: name, bar, bytes done/total, recent rate and time left.

    Lines printed to stdout while it is drawn appear above the bar when stdout is a terminal too; piped
    stdout is left alone, so data never ends up in the bar's stream.
    """
    return Progress(
        TextColumn("[bold]{task.description}", justify="left"),
        BarColumn(),
        DownloadColumn(),
        RecentRateColumn(),
        console=console if console is not None else Console(stderr=True),
        transient=transient,
        redirect_stdout=sys.stdout.isatty(),
    )


class RichProgressListener(AbstractProgressListener):
    """A transfer listener that drives one task of an existing rich ``Progress``."""

    def __init__(self, progress: Progress, description: str = "") -> None:
        super().__init__(description)
        self._progress = progress
        self._task: TaskID = progress.add_task(description, total=None)

    def set_total_bytes(self, total_byte_count: int) -> None:
        self._progress.update(self._task, total=total_byte_count)

    def bytes_completed(self, byte_count: int) -> None:
        self._progress.update(self._task, completed=byte_count)


class TerminalProgressListener(RichProgressListener):
    """A progress bar for one transfer on the terminal (stderr by default), drawn until closed.

    Use it as a context manager, or call ``close()``; on a stream that is not a terminal rich draws
    nothing live, so scripts can pass it unconditionally.
    """

    def __init__(self, description: str = "", console: Console | None = None) -> None:
        self._bar = transfer_bar(console)
        self._bar.start()
        super().__init__(self._bar, description)

    def close(self) -> None:
        if not self.closed:
            self._bar.stop()
        super().close()
