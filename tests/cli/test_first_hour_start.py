"""A newcomer's first hour, getting started: the server prints the command that uses it, b2's spellings."""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys
from pathlib import Path


def test_server_prints_the_authorize_command_and_it_works(b2kit_process, tmp_path):
    script = Path(sys.executable).with_name("b2kit")
    server = subprocess.Popen(
        [str(script), "server", "--ephemeral"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(5)]
        command = next(line for line in lines if line.startswith("use it: ")).removeprefix("use it: ")
        argv = shlex.split(command)
        assert argv[:3] == ["b2kit", "account", "authorize"]
        auth = b2kit_process(*argv[1:])
        assert auth.returncode == 0, auth.stderr
        assert b2kit_process("bucket", "create", "first-bucket").returncode == 0
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=30)


def test_authorize_accepts_b2s_environment_spelling(run_ok, run_json, server):
    run_ok("account", "authorize", "--environment", server.realm, server.key_id, server.key)
    assert run_json("account", "get")["realm"] == server.realm


def test_a_missing_key_is_asked_for_without_echo(run_ok, run_json, server):
    result = run_ok("account", "authorize", "--realm", server.realm, server.key_id, input=f"{server.key}\n")
    assert server.key not in result.output
    assert "Application key:" in result.output
    assert run_json("account", "get")["applicationKeyId"] == server.key_id


def test_no_key_id_in_a_script_is_an_error_not_a_prompt(run, server):
    result = run("account", "authorize", "--realm", server.realm)
    assert result.exit_code == 1
    assert (
        result.stderr == "Error: give KEY_ID and KEY, or set B2_APPLICATION_KEY_ID and B2_APPLICATION_KEY\n"
    )
