"""The terminal progress bar for scripts: rate over a recent window (a stall shows), usable as a listener."""

from __future__ import annotations

import io

from rich.console import Console
from rich.progress import Progress

from b2kit import RecentRateColumn, TerminalProgressListener


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_rate_falls_to_stalled_when_no_bytes_arrive():
    clock = FakeClock()
    column = RecentRateColumn(window=5.0, clock=clock)
    progress = Progress(console=Console(file=io.StringIO()))
    task_id = progress.add_task("x", total=10_000_000)
    task = progress.tasks[0]
    for second in range(5):
        clock.now = float(second)
        progress.update(task_id, completed=second * 1_000_000)
        rendered = column.render(task).plain
    assert rendered == "1.0 MB/s, 0:00:06 left"
    clock.now = 7.0
    assert column.render(task).plain.startswith("400.0 kB/s")
    clock.now = 12.0
    column.render(task)
    clock.now = 13.0
    assert column.render(task).plain == "stalled"


def test_terminal_listener_draws_a_bar_for_an_upload(bucket, tmp_path):
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    source = tmp_path / "data.bin"
    source.write_bytes(b"x" * 300_000)
    with TerminalProgressListener("upload data.bin", console=console) as progress:
        bucket.upload_local_file(str(source), "data.bin", progress_listener=progress)
    assert "upload data.bin" in out.getvalue()
    assert "300.0/300.0 kB" in out.getvalue()
