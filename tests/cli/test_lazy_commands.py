"""The top-level group loads command modules on demand, so ``b2kit server`` starts without the client SDK."""

import subprocess
import sys

from click.testing import CliRunner

from b2kit.cli import main


def test_server_command_loads_no_client_module() -> None:
    code = (
        "import sys\n"
        "from b2kit.cli import main\n"
        "main.get_command(None, 'server')\n"
        "bad = [m for m in sys.modules if m.startswith('b2kit.') and not "
        "m.startswith(('b2kit.server', 'b2kit.cli')) and m != 'b2kit._protocol']\n"
        "print(','.join(sorted(bad)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == ""


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in ("account", "bucket", "demo", "file", "key", "ls", "rm", "server", "sync"):
        assert f"  {name} " in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["nope"])
    assert result.exit_code == 2
    assert "No such command" in result.output
