"""Fixtures that point the official b2sdk and the official ``b2`` CLI at a fresh local server.

Every test gets its own server (the ``server`` fixture from ``tests/conftest.py``), so bucket names only
need to be unique within one test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

B2_CLI = Path(sys.executable).with_name("b2")


@dataclass(frozen=True)
class SdkFlavour:
    """One public b2sdk interface (``b2sdk.v2`` speaks /b2api/v3, ``b2sdk.v3`` speaks /b2api/v4)."""

    name: str
    module: ModuleType

    def bucket_restriction(self, bucket_id: str) -> dict[str, Any]:
        """The keyword ``create_key`` takes for a single-bucket restriction in this interface."""
        if self.name == "v2":
            return {"bucket_id": bucket_id}
        return {"bucket_ids": [bucket_id]}


def _flavour(name: str) -> SdkFlavour:
    if name == "v2":
        import b2sdk.v2 as module
        import b2sdk.v2.exception
    else:
        import b2sdk.v3 as module
        import b2sdk.v3.exception  # noqa: F401  (makes module.exception available)
    return SdkFlavour(name, module)


@pytest.fixture(params=["v2", "v3"])
def flavour(request: pytest.FixtureRequest) -> SdkFlavour:
    """Both public b2sdk interfaces, so every SDK test runs against /b2api/v3 and /b2api/v4."""
    return _flavour(request.param)


def authorize(flavour: SdkFlavour, realm: str, key_id: str, key: str) -> Any:
    """A fresh official ``B2Api`` authorized against ``realm`` with the given key."""
    api = flavour.module.B2Api(flavour.module.InMemoryAccountInfo())
    # b2sdk.v2 orders the arguments (realm, key_id, key), b2sdk.v3 (key_id, key, realm): use keywords.
    api.authorize_account(application_key_id=key_id, application_key=key, realm=realm)
    return api


@pytest.fixture
def b2api(server: Any, flavour: SdkFlavour) -> Any:
    """The official ``B2Api`` authorized with the server's master key."""
    return authorize(flavour, server.realm, server.key_id, server.key)


@dataclass(frozen=True)
class CliResult:
    """What one ``b2`` invocation printed and returned."""

    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """The JSON document the command printed (some commands print URL lines before it)."""
        start = min((i for i in (self.stdout.find("{"), self.stdout.find("[")) if i >= 0), default=0)
        return json.loads(self.stdout[start:])


class B2Cli:
    """Runs the official ``b2`` CLI against the local server with its state kept in a temp dir."""

    def __init__(self, server: Any, home: Path) -> None:
        self._server = server
        self._home = home
        self.key_id: str = server.key_id
        self.key: str = server.key

    def use_key(self, key_id: str, key: str) -> None:
        """Switch to another application key (the CLI re-authorizes on the next call)."""
        self.key_id, self.key = key_id, key

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("B2_")}
        env.update(
            HOME=str(self._home),
            XDG_CONFIG_HOME=str(self._home / ".config"),
            B2_ENVIRONMENT=self._server.realm,
            B2_APPLICATION_KEY_ID=self.key_id,
            B2_APPLICATION_KEY=self.key,
            B2_ACCOUNT_INFO=str(self._home / f"account-{self.key_id}.sqlite"),
            B2_ESCAPE_CONTROL_CHARACTERS="0",
        )
        return env

    def run(self, *args: str, check: bool = True, cwd: Path | None = None) -> CliResult:
        proc = subprocess.run(
            [str(B2_CLI), *args],
            env=self._env(),
            capture_output=True,
            text=True,
            timeout=120,
            cwd=cwd,
            check=False,
        )
        result = CliResult(proc.returncode, proc.stdout, proc.stderr)
        if check and proc.returncode != 0:
            raise AssertionError(
                f"b2 {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
            )
        return result


@pytest.fixture
def cli(server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[B2Cli]:
    """The official ``b2`` CLI, authorized (through environment variables) with the master key."""
    yield B2Cli(server, tmp_path_factory.mktemp("b2home"))


def make_payload(size: int, seed: int = 0) -> bytes:
    """Deterministic test bytes of ``size`` length that differ from seed to seed."""
    block = bytes((i * 31 + seed * 7 + (i >> 8)) % 251 for i in range(65_536))
    whole, rest = divmod(size, len(block))
    return block * whole + block[:rest]


@pytest.fixture
def payload() -> Any:
    """``payload(size, seed=0)`` builds deterministic test bytes."""
    return make_payload


@pytest.fixture
def large_size(server: Any) -> int:
    """A size b2sdk uploads as a large file: with recommendedPartSize=1_000_000 it plans two parts
    (1 MB + 1.5 MB), both above absoluteMinimumPartSize."""
    return 2_500_000


@pytest.fixture
def authorize_as(server: Any, flavour: SdkFlavour) -> Any:
    """``authorize_as(key_id, key)`` returns a new official ``B2Api`` authorized with that key."""

    def _authorize(key_id: str, key: str) -> Any:
        return authorize(flavour, server.realm, key_id, key)

    return _authorize


@pytest.fixture
def b2api_master(server: Any) -> Any:
    """An official ``b2sdk.v3`` ``B2Api`` with the master key, for CLI tests that need a setup step."""
    return authorize(_flavour("v3"), server.realm, server.key_id, server.key)
