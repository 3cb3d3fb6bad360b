"""A newcomer's first hour, account side: environment keys stay in memory, unreachable servers explained."""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Iterator

import pytest

from b2kit import B2ConnectionError
from b2kit.cli._reachability import CLI_RETRY_POLICY, connection_refused, realm_url
from b2kit.server import LocalServer


def _restricted_key(run_json, bucket: str) -> tuple[str, str]:
    created = run_json(
        "key", "create", "reader", "listBuckets,listFiles,readFiles", "--bucket", bucket, "--json"
    )
    return created["applicationKeyId"], created["applicationKey"]


def test_environment_keys_are_used_in_memory_and_leave_the_stored_login(
    run, run_ok, run_json, bucket_name, authorized, monkeypatch
):
    key_id, key = _restricted_key(run_json, bucket_name)
    stored_before = run_json("account", "get")
    monkeypatch.setenv("B2_APPLICATION_KEY_ID", key_id)
    monkeypatch.setenv("B2_APPLICATION_KEY", key)
    monkeypatch.setenv("B2_ENVIRONMENT", authorized.realm)
    run_ok("ls", f"b2://{bucket_name}")
    refused = run("bucket", "create", "not-allowed", "allPrivate")
    assert refused.exit_code == 1
    for var in ("B2_APPLICATION_KEY_ID", "B2_APPLICATION_KEY", "B2_ENVIRONMENT"):
        monkeypatch.delenv(var)
    assert run_json("account", "get") == stored_before
    run_ok("bucket", "create", "master-still-works", "allPrivate")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_refused_connection_is_not_retried_by_the_cli():
    refused = B2ConnectionError("Could not connect")
    refused.__cause__ = ConnectionRefusedError(111, "Connection refused")
    assert connection_refused(refused)
    assert not CLI_RETRY_POLICY.is_retryable(refused)
    assert CLI_RETRY_POLICY.is_retryable(B2ConnectionError("Connection reset"))


_connects: list[object] | None = None
"""Addresses of the socket connections made while a test records them (see ``recorded_connects``)."""


def _record_connects(event: str, args: tuple[object, ...]) -> None:
    if event == "socket.connect" and _connects is not None:
        _connects.append(args[1])


@pytest.fixture(scope="session")
def _audit_hook_installed() -> None:
    sys.addaudithook(_record_connects)  # audit hooks stay for the process; it records only on request


@pytest.fixture
def recorded_connects(_audit_hook_installed: None) -> Iterator[list[object]]:
    """Every ``socket.connect`` of the test's own process, from Python's audit events (no patching)."""
    global _connects
    _connects = []
    try:
        yield _connects
    finally:
        _connects = None


def test_a_refused_realm_fails_after_one_connection_attempt(run, recorded_connects):
    """The 3 s bound of issue 15 without a clock: one connect, refused at once; with a single attempt
    there is no retry pause either (retried, this command took 16 s)."""
    port = _free_port()
    realm = f"http://127.0.0.1:{port}"
    result = run("account", "authorize", "--realm", realm, "id", "key")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: no B2 server answers at {realm}; is it running?\n",
    )
    assert [address for address in recorded_connects if address == ("127.0.0.1", port)] == [
        ("127.0.0.1", port)
    ]


def test_authorize_against_nothing_says_no_server_answers(b2kit_process):
    realm = f"http://127.0.0.1:{_free_port()}"
    result = b2kit_process("account", "authorize", "--realm", realm, "id", "key")
    assert result.returncode == 1
    assert result.stderr == f"Error: no B2 server answers at {realm}; is it running?\n"


def test_a_stopped_server_behind_the_stored_login_is_explained(b2kit_process, tmp_path):
    with LocalServer(data_dir=tmp_path / "gone") as gone:
        realm = gone.realm
        auth = b2kit_process("account", "authorize", "--realm", realm, gone.key_id, gone.key)
        assert auth.returncode == 0, auth.stderr
    result = b2kit_process("bucket", "list")
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: no B2 server answers at {realm}; is it running? "
        "if it moved, run b2kit account authorize again\n"
    )


def test_a_wiped_server_is_explained(b2kit_process, tmp_path):
    port = _free_port()
    with LocalServer(data_dir=tmp_path / "first", port=port) as first:
        assert (
            b2kit_process("account", "authorize", "--realm", first.realm, first.key_id, first.key).returncode
            == 0
        )
        key_id = first.key_id
    with LocalServer(data_dir=tmp_path / "wiped", port=port) as wiped:
        assert wiped.key_id != key_id
        realm = wiped.realm
        result = b2kit_process("bucket", "list")
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: the B2 server at {realm} does not accept the stored key {key_id} (was it wiped, or "
        "restarted with other keys?); run b2kit account authorize again\n"
    )


def test_a_realm_without_scheme_is_taken_as_http(run_ok, server, recwarn):
    bare = server.realm.removeprefix("http://")
    run_ok("account", "authorize", "--realm", bare, server.key_id, server.key)
    assert not [w for w in recwarn if issubclass(w.category, FutureWarning)]
    assert realm_url(bare) == server.realm
    assert realm_url("production") == "production"
    assert json.loads(run_ok("account", "get").stdout)["realm"] == server.realm
