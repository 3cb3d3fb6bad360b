"""``b2kit server`` as a user runs it."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import urllib3

B2KIT = Path(sys.executable).with_name("b2kit")


def _run_server(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, dict[str, str]]:
    proc = subprocess.Popen(
        [str(B2KIT), "server", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    facts = {}
    while len(facts) < 4:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        name, _, value = line.strip().partition(": ")
        facts[name] = value
    return proc, facts


def _stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> str:
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0
    return out


def test_server_prints_realm_and_key_and_answers(tmp_path):
    proc, facts = _run_server("--data-dir", str(tmp_path / "d"))
    try:
        health = urllib3.request("GET", f"{facts['realm']}/_b2kit/health", retries=False)
        assert health.status == 200
        auth = urllib3.request(
            "GET",
            f"{facts['realm']}/b2api/v4/b2_authorize_account",
            headers=urllib3.make_headers(basic_auth=f"{facts['key id']}:{facts['key']}"),
            retries=False,
        )
        assert auth.status == 200
    finally:
        assert "stopped" in _stop(proc)


def test_key_is_stable_per_data_dir_and_stops_on_sigint(tmp_path):
    first, facts1 = _run_server("--data-dir", str(tmp_path / "d"))
    _stop(first, signal.SIGINT)
    second, facts2 = _run_server("--data-dir", str(tmp_path / "d"))
    _stop(second)
    assert (facts1["key id"], facts1["key"]) == (facts2["key id"], facts2["key"])
    assert (tmp_path / "d" / "b2kit.sqlite3").stat().st_mode & 0o777 == 0o600


def test_key_from_environment(tmp_path):
    proc, facts = _run_server(
        "--data-dir", str(tmp_path / "d"), env={"B2KIT_KEY_ID": "env-id", "B2KIT_KEY": "env-key"}
    )
    _stop(proc)
    assert (facts["key id"], facts["key"]) == ("env-id", "env-key")


def test_ephemeral_data_dir_is_removed_at_exit():
    proc, facts = _run_server("--ephemeral")
    data_dir = Path(facts["data dir"].removesuffix(" (ephemeral)"))
    assert data_dir.is_dir()
    _stop(proc)
    assert not data_dir.exists()


def test_part_size_options_reach_the_authorize_answer(tmp_path):
    proc, facts = _run_server(
        "--ephemeral", "--absolute-minimum-part-size", "1000", "--recommended-part-size", "5000"
    )
    try:
        auth = urllib3.request(
            "GET",
            f"{facts['realm']}/b2api/v2/b2_authorize_account",
            headers=urllib3.make_headers(basic_auth=f"{facts['key id']}:{facts['key']}"),
        ).json()
        assert (auth["absoluteMinimumPartSize"], auth["recommendedPartSize"]) == (1000, 5000)
    finally:
        _stop(proc)


def test_inconsistent_options_are_a_usage_error():
    result = subprocess.run(
        [
            str(B2KIT),
            "server",
            "--ephemeral",
            "--recommended-part-size",
            "10",
            "--absolute-minimum-part-size",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "recommended part size" in result.stderr
