"""``b2kit server`` as a user runs it."""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import urllib3

from b2kit.server import LocalServer, ServerStartError

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
    while "use it" not in facts:  # the banner's last line
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


def test_busy_port_names_the_port_and_removes_the_ephemeral_dir(tmp_path):
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [str(B2KIT), "server", "--ephemeral", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "TMPDIR": str(temp_root)},
        )
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(temp_root.iterdir()) == []


def test_second_server_on_a_data_dir_refuses_with_a_clear_error(tmp_path):
    proc, _ = _run_server("--data-dir", str(tmp_path / "d"))
    try:
        result = subprocess.run(
            [str(B2KIT), "server", "--data-dir", str(tmp_path / "d")],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 1
        assert (
            f"data dir {tmp_path / 'd'} is in use by another b2kit server (pid {proc.pid})" in result.stderr
        )
    finally:
        _stop(proc)


def test_data_dir_is_locked_per_local_server_and_released_at_stop(tmp_path):
    with LocalServer(data_dir=tmp_path / "d"), pytest.raises(ServerStartError, match="in use"):
        LocalServer(data_dir=tmp_path / "d").start()
    with LocalServer(data_dir=tmp_path / "d") as again:
        assert again.realm.startswith("http://127.0.0.1:")


def test_local_server_busy_port_raises_and_cleans_up(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    tempfile.tempdir = None
    try:
        with LocalServer() as first:
            second = LocalServer(port=first.port)
            with pytest.raises(ServerStartError, match=f"port {first.port} "):
                second.start()
            assert not second.data_dir.exists()
    finally:
        tempfile.tempdir = None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("module", ["b2kit", "b2kit.server"])
def test_python_dash_m_runs_the_server(tmp_path, module):
    args = [sys.executable, "-m", module] + (["server"] if module == "b2kit" else [])
    proc = subprocess.Popen(
        [*args, "--data-dir", str(tmp_path / "d"), "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    realm = proc.stdout.readline().strip().removeprefix("realm: ")
    try:
        assert urllib3.request("GET", f"{realm}/_b2kit/health", retries=False).status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
    assert proc.returncode == 0


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_log_requests_prints_one_line_per_request_without_credentials(tmp_path, log_format):
    proc, facts = _run_server("--data-dir", str(tmp_path / "d"), "--log-requests", "--log-format", log_format)
    try:
        auth = urllib3.request(
            "GET",
            f"{facts['realm']}/b2api/v4/b2_authorize_account",
            headers=urllib3.make_headers(basic_auth=f"{facts['key id']}:{facts['key']}"),
        ).json()
        urllib3.request(
            "POST",
            f"{facts['realm']}/b2api/v4/b2_list_file_names",
            json={"bucketId": "nope"},
            headers={"Authorization": auth["authorizationToken"]},
        )
    finally:
        out = _stop(proc)
    lines = out.splitlines()[:2]
    if log_format == "json":
        first, second = (json.loads(line) for line in lines)
        assert (first["endpoint"], first["status"], first["code"]) == ("b2_authorize_account", 200, None)
        assert (second["endpoint"], second["status"], second["code"]) == (
            "b2_list_file_names",
            400,
            "bad_bucket_id",
        )
    else:
        assert lines[0].split()[1:3] == ["GET", "b2_authorize_account"]
        assert lines[1].split()[1:6] == ["POST", "b2_list_file_names", "nope/", "400", "bad_bucket_id"]
    assert facts["key"] not in out and auth["authorizationToken"] not in out
