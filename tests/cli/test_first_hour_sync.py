"""A newcomer's first hour, sync side: clean piped lines, a bar with a total, nothing drawn when idle."""

from __future__ import annotations

import os
import re

import pytest

TERMINAL_STDERR = {"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1", "COLUMNS": "120"}


@pytest.fixture
def many_files(tmp_path):
    src = tmp_path / "many"
    for d in range(4):
        (src / f"dir{d}").mkdir(parents=True)
        for f in range(50):
            (src / f"dir{d}" / f"file{f}.txt").write_text(f"{d}/{f}")
    return src


@pytest.mark.parametrize("stderr_is_terminal", [False, True])
def test_piped_sync_prints_one_clean_line_per_file(b2kit_process, server, many_files, stderr_is_terminal):
    b2kit_process("account", "authorize", "--realm", server.realm, server.key_id, server.key)
    assert b2kit_process("bucket", "create", "piped-bucket").returncode == 0
    env = TERMINAL_STDERR if stderr_is_terminal else {}
    up = b2kit_process("sync", "--threads", "16", many_files, "b2://piped-bucket/p", env=env)
    assert up.returncode == 0, up.stderr
    lines = up.stdout.splitlines()
    expected = {f"upload dir{d}/file{f}.txt" for d in range(4) for f in range(50)}
    assert sorted(lines) == sorted(expected)


def test_sync_bar_shows_files_of_total_and_disappears_when_nothing_moves(b2kit_process, server, tmp_path):
    b2kit_process("account", "authorize", "--realm", server.realm, server.key_id, server.key)
    assert b2kit_process("bucket", "create", "bar-bucket").returncode == 0
    src = tmp_path / "src"
    src.mkdir()
    for i in range(5):
        (src / f"f{i}").write_bytes(os.urandom(200_000))
    first = b2kit_process("sync", src, "b2://bar-bucket/p", env=TERMINAL_STDERR)
    assert first.returncode == 0, first.stderr
    assert "sync: 5 of 5 files" in first.stderr
    assert "1.0/1.0 MB" in first.stderr
    again = b2kit_process("sync", src, "b2://bar-bucket/p", env=TERMINAL_STDERR)
    assert again.returncode == 0, again.stderr
    assert not re.search(r"\b1/1 bytes|0/0 bytes", again.stderr)
    assert "sync done: nothing to do" in again.stderr
