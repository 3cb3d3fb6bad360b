"""The README's "first five commands", run as written against ``b2kit server --ephemeral``."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLE_REALM = "http://127.0.0.1:41234"


def first_five_commands() -> list[str]:
    """The shell lines of the README block that follows "the first five commands", comments removed."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"the first five commands:\n\n```bash\n(.*?)```", text, flags=re.S)
    assert block is not None, "README has no first-five-commands block"
    return [line.split("  #", 1)[0].strip() for line in block[1].splitlines() if line.strip()]


def test_readme_first_steps_work_as_written(account_file, tmp_path):
    commands = first_five_commands()
    assert len(commands) == 5
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [str(bin_dir / "b2kit"), "server", "--ephemeral"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        printed: dict[str, str] = {}
        while "use it" not in printed and len(printed) < 20:  # the server's banner ends with "use it:"
            key, _sep, value = server.stdout.readline().rstrip("\n").partition(": ")
            printed[key] = value
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
        output = ""
        for command in commands:
            line = command.replace(EXAMPLE_REALM, printed["realm"]).replace(
                "KEY_ID KEY", f"{printed['key id']} {printed['key']}"
            )
            done = subprocess.run(
                ["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
            )
            assert done.returncode == 0, (line, done.stderr)
            output = done.stdout
        assert output == "hello\n"
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=30)
