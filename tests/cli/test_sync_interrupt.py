"""An interrupted ``b2kit sync`` (Ctrl-C) stops cleanly: exit 130, complete files only, no partial files."""

import signal
import subprocess
import sys
import time
from pathlib import Path

from b2kit import B2Api, InMemoryAccountInfo
from b2kit.server._faults import FaultRule


def complete_files(dest):
    return dest.exists() and [p for p in dest.iterdir() if not p.name.endswith(".b2kit-partial")]


def test_ctrl_c_during_download_sync_leaves_no_partial_file(server, account_file, tmp_path, b2kit_process):
    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(server.realm, server.key_id, server.key)
    bucket = api.create_bucket("interrupt-me", "allPrivate")
    for i in range(6):
        bucket.upload_bytes(bytes([i]) * 300_000, f"f{i}.bin")
    assert (
        b2kit_process("account", "authorize", "--realm", server.realm, server.key_id, server.key).returncode
        == 0
    )
    # Every download waits on the server, so the sync is surely mid-way when Ctrl-C arrives.
    server.faults.add(FaultRule("b2_download_file_by_id", fault="latency", delay_seconds=0.3, times=100))
    dest = tmp_path / "dest"
    script = Path(sys.executable).with_name("b2kit")
    proc = subprocess.Popen(
        [str(script), "sync", "--threads", "1", "--no-progress", "b2://interrupt-me", str(dest)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while not complete_files(dest) and proc.poll() is None:
        time.sleep(0.01)  # wait for the first complete file, not for a duration
    proc.send_signal(signal.SIGINT)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    left = sorted(p.name for p in dest.iterdir())
    assert not [name for name in left if "partial" in name]
    assert 1 <= len(left) < 6
    for name in left:
        index = int(name[1])
        assert (dest / name).read_bytes() == bytes([index]) * 300_000
