"""``b2kit demo``: the README's first command, run in-process with a smaller large file."""

import re
from pathlib import Path


def test_demo_round_trip_verifies_and_reports_speed(run_ok):
    result = run_ok("demo", "--large-mb", "11", "--small-copies", "1")
    out = result.stdout
    assert re.search(r"all \d+ files identical", out)
    assert re.search(r"upload +\d+ files .* MB/s .* files/s", out)
    assert re.search(r"download +\d+ files .* MB/s .* files/s", out)
    assert "large  sample/videos/big-file.bin" in out
    assert "sync done: nothing to do" in out
    workdir = Path(re.search(r"removed (\S+)", out).group(1))
    assert not workdir.exists()


def test_demo_keep_leaves_data_and_explains_how_to_use_it(run_ok):
    result = run_ok("demo", "--keep", "--large-mb", "11", "--small-copies", "1")
    workdir = Path(re.search(r"kept everything in (\S+)\.", result.stdout).group(1))
    try:
        assert (workdir / "server-data").is_dir()
        assert "b2kit server --data-dir" in result.stdout
        assert "b2kit account authorize --realm http://127.0.0.1:" in result.stdout
    finally:
        import shutil

        shutil.rmtree(workdir)
