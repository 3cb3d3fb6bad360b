"""Progress output: per-file bars, the sync listener's lines, quiet and JSON modes."""

import io

from rich.console import Console
from rich.progress import Progress

from b2kit import DoNothingProgressListener, RichProgressListener
from b2kit.cli._output import Output
from b2kit.cli._progress_ui import CliSyncListener, file_progress
from b2kit.sync import DeleteLocalAction, UploadAction


def test_sync_listener_prints_done_actions_and_errors(capsys):
    listener = CliSyncListener(Output(show_progress=False), None)
    listener.action_finished(UploadAction("a/b.txt", 3, 0), None)
    listener.action_finished(DeleteLocalAction("gone.txt"), "permission denied")
    listener.warning("skipped x")
    out, err = capsys.readouterr()
    assert out == "upload a/b.txt\n"
    assert err == "Error: delete gone.txt: permission denied\nWarning: skipped x\n"


def test_sync_listener_is_silent_in_quiet_and_json_modes_except_errors(capsys):
    for output in (Output(quiet=True, show_progress=False), Output(json_mode=True, show_progress=False)):
        listener = CliSyncListener(output, None)
        listener.action_finished(UploadAction("a", 1, 0), None)
        listener.action_finished(UploadAction("b", 1, 0), "boom")
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("Error: upload b: boom") == 2


def test_sync_listener_bar_counts_files_and_bytes():
    progress = Progress(console=Console(file=io.StringIO()))
    listener = CliSyncListener(Output(quiet=True), progress)
    listener.bytes_transferred(100)
    listener.action_finished(UploadAction("a", 100, 0), None)
    listener.finish()
    (task,) = progress.tasks
    assert (task.completed, task.total, task.description) == (100, 100, "sync: 1 files")


def test_sync_listener_bar_shows_planned_totals_and_goes_away_when_nothing_moved():
    progress = Progress(console=Console(file=io.StringIO()))
    listener = CliSyncListener(Output(quiet=True), progress)
    assert listener.wants_totals
    listener.planned(3, 300)
    listener.bytes_transferred(100)
    listener.action_finished(UploadAction("a", 100, 0), None)
    (task,) = progress.tasks
    assert (task.completed, task.total, task.description) == (100, 300, "sync: 1 of 3 files")
    idle = Progress(console=Console(file=io.StringIO()))
    nothing = CliSyncListener(Output(quiet=True), idle)
    nothing.planned(0, 0)
    nothing.finish()
    assert idle.tasks == []


def test_file_bar_follows_the_transfer():
    progress = Progress(console=Console(file=io.StringIO()))
    bar = RichProgressListener(progress, "upload x")
    bar.set_total_bytes(1000)
    bar.bytes_completed(400)
    (task,) = progress.tasks
    assert (task.total, task.completed) == (1000, 400)


def test_no_bar_without_a_terminal():
    with file_progress(Output(show_progress=False), "x") as listener:
        assert isinstance(listener, DoNothingProgressListener)
