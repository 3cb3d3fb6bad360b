"""The installed ``b2kit`` script as a real process: authorize, round trip, JSON output, exit codes."""

import json


def test_round_trip_as_subprocess(b2kit_process, server, tmp_path):
    auth = b2kit_process("account", "authorize", "--realm", server.realm, server.key_id, server.key)
    assert auth.returncode == 0, auth.stderr
    assert b2kit_process("bucket", "create", "proc-bucket").returncode == 0
    src = tmp_path / "src"
    (src / "x" / "y").mkdir(parents=True)
    (src / "x" / "y" / "z.txt").write_text("zed")
    (src / "ä.txt").write_text("umlaut")
    up = b2kit_process("sync", "--no-progress", src, "b2://proc-bucket/s")
    assert up.returncode == 0, up.stderr
    listed = json.loads(b2kit_process("ls", "-r", "--json", "b2://proc-bucket").stdout)
    assert sorted(f["fileName"] for f in listed) == ["s/x/y/z.txt", "s/ä.txt"]
    down = b2kit_process("sync", "--no-progress", "b2://proc-bucket/s", tmp_path / "dst")
    assert down.returncode == 0, down.stderr
    assert (tmp_path / "dst" / "x" / "y" / "z.txt").read_text() == "zed"
    cat = b2kit_process("file", "cat", "b2://proc-bucket/s/ä.txt")
    assert (cat.returncode, cat.stdout) == (0, "umlaut"), cat.stderr


def test_errors_exit_non_zero_with_one_line_and_no_traceback(b2kit_process, server):
    b2kit_process("account", "authorize", "--realm", server.realm, server.key_id, server.key)
    for args, code in [
        (("bucket", "get", "no-such-bucket"), 1),
        (("ls", "not-a-uri"), 2),
        (("file", "upload", "b", "/nonexistent/file", "n"), 2),
    ]:
        result = b2kit_process(*args)
        assert result.returncode == code, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("Error")


def test_debug_shows_the_traceback(b2kit_process, server):
    b2kit_process("account", "authorize", "--realm", server.realm, server.key_id, server.key)
    result = b2kit_process("--debug", "bucket", "get", "no-such-bucket")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_wrong_key_from_environment(b2kit_process, server):
    env = {
        "B2_APPLICATION_KEY_ID": server.key_id,
        "B2_APPLICATION_KEY": "wrong",
        "B2_ENVIRONMENT": server.realm,
    }
    result = b2kit_process("bucket", "list", env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ")
