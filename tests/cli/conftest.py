"""CLI test fixtures: an isolated account-info file; ``b2kit`` run in-process or as a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from b2kit.cli import main
from b2kit.server import LocalServer

B2_ENV_VARS = (
    "B2_APPLICATION_KEY_ID",
    "B2_APPLICATION_KEY",
    "B2_ENVIRONMENT",
    "B2KIT_DEBUG",
    "B2_ACCOUNT_INFO",
)


@pytest.fixture
def account_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """B2_ACCOUNT_INFO pointing into the test's temp dir; no other B2_* variables."""
    for var in B2_ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    path = tmp_path / "cli-account" / "account_info.sqlite"
    monkeypatch.setenv("B2_ACCOUNT_INFO", str(path))
    return path


@pytest.fixture
def run(account_file: Path) -> Callable[..., Result]:
    """Run ``b2kit ARGS...`` in-process with click's CliRunner."""
    runner = CliRunner()

    def invoke(*args: Any, input: str | bytes | None = None) -> Result:
        return runner.invoke(main, [str(a) for a in args], input=input)

    return invoke


@pytest.fixture
def run_ok(run: Callable[..., Result]) -> Callable[..., Result]:
    """Like ``run`` but fails the test (showing the output) unless the command exits 0."""

    def invoke(*args: Any, input: str | bytes | None = None) -> Result:
        result = run(*args, input=input)
        assert result.exit_code == 0, (
            f"b2kit {args} -> {result.exit_code}\n{result.output}\n{result.exception!r}"
        )
        return result

    return invoke


@pytest.fixture
def run_json(run_ok: Callable[..., Result]) -> Callable[..., Any]:
    """Run a command and parse its stdout as JSON."""

    def invoke(*args: Any) -> Any:
        return json.loads(run_ok(*args).stdout)

    return invoke


@pytest.fixture
def authorized(run_ok: Callable[..., Result], server: LocalServer) -> LocalServer:
    """The CLI authorized against the test server (stored in the temp account-info file)."""
    run_ok("account", "authorize", "--realm", server.realm, server.key_id, server.key)
    return server


@pytest.fixture
def bucket_name(run_ok: Callable[..., Result], authorized: LocalServer) -> str:
    run_ok("bucket", "create", "cli-bucket", "allPrivate")
    return "cli-bucket"


@pytest.fixture
def b2kit_process(account_file: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed ``b2kit`` console script as a subprocess (same environment as the test)."""
    script = Path(sys.executable).with_name("b2kit")

    def run_process(*args: Any, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        command = (
            [str(script)] if script.exists() else [sys.executable, "-c", "from b2kit.cli import main; main()"]
        )
        return subprocess.run(
            [*command, *map(str, args)],
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=120,
            check=False,
        )

    return run_process


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    """A 2.5 MB file: more than the test server's 1 MB recommended part size, so it goes up in parts."""
    path = tmp_path / "sample.bin"
    path.write_bytes(os.urandom(2_500_000))
    return path
