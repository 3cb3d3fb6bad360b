"""docs/ci-recipe.sh, run as CI would: server in the background, health wait, tests pointed at it."""

import os
import subprocess
import sys
from pathlib import Path

RECIPE = Path(__file__).resolve().parents[1] / "docs" / "ci-recipe.sh"
CLIENT = """
import os
from b2kit import B2Api, InMemoryAccountInfo
api = B2Api(InMemoryAccountInfo())
env = os.environ
api.authorize_account(env["B2KIT_TEST_REALM"], env["B2KIT_TEST_KEY_ID"], env["B2KIT_TEST_KEY"])
bucket = api.create_bucket("ci-bucket", "allPrivate")
bucket.upload_bytes(b"from ci", "ci.txt")
print("realm", os.environ["B2KIT_TEST_REALM"])
print("read", bucket.download_file_by_name("ci.txt").read().decode())
"""


def _run(tmp_path, *command):
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHON": sys.executable,
        "TMPDIR": str(tmp_path),
        "B2KIT_SERVER_LOG": str(tmp_path / "server.log"),
    }
    return subprocess.run(
        ["bash", str(RECIPE), *command], capture_output=True, text=True, env=env, timeout=120
    )


def test_recipe_runs_the_command_against_a_fresh_server_and_stops_it(tmp_path):
    result = _run(tmp_path, sys.executable, "-c", CLIENT)
    assert result.returncode == 0, result.stderr
    assert "read from ci" in result.stdout
    log = (tmp_path / "server.log").read_text()
    assert "b2_upload_file ci-bucket/ci.txt 200" in log
    assert log.rstrip().endswith("stopped")  # SIGTERM stopped the server before the script returned
    assert [p.name for p in tmp_path.iterdir()] == ["server.log"]  # the ephemeral data dir is gone


def test_recipe_exits_with_the_command_status(tmp_path):
    result = _run(tmp_path, sys.executable, "-c", "raise SystemExit(3)")
    assert result.returncode == 3
    assert (tmp_path / "server.log").read_text().rstrip().endswith("stopped")
