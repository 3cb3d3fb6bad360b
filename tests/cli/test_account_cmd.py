"""``b2kit account``: authorize (arguments or environment), get, clear, wrong key."""

import json
import os
import stat


def test_authorize_stores_credentials_in_a_private_file(run_ok, run_json, server, account_file):
    run_ok("account", "authorize", "--realm", server.realm, server.key_id, server.key)
    assert stat.S_IMODE(os.stat(account_file).st_mode) == 0o600
    info = run_json("account", "get")
    assert info["applicationKeyId"] == server.key_id
    assert info["realm"] == server.realm
    assert server.key not in json.dumps(info)


def test_authorize_reads_key_and_realm_from_environment(run_ok, run_json, server, monkeypatch):
    monkeypatch.setenv("B2_APPLICATION_KEY_ID", server.key_id)
    monkeypatch.setenv("B2_APPLICATION_KEY", server.key)
    monkeypatch.setenv("B2_ENVIRONMENT", server.realm)
    run_ok("account", "authorize")
    assert run_json("account", "get")["apiUrl"].startswith("http://127.0.0.1")


def test_environment_key_works_without_authorize(run_ok, server, monkeypatch):
    monkeypatch.setenv("B2_APPLICATION_KEY_ID", server.key_id)
    monkeypatch.setenv("B2_APPLICATION_KEY", server.key)
    monkeypatch.setenv("B2_ENVIRONMENT", server.realm)
    run_ok("bucket", "create", "env-bucket")
    assert "env-bucket" in run_ok("bucket", "list").stdout


def test_wrong_key_fails_with_one_line_error(run, server):
    result = run("account", "authorize", "--realm", server.realm, server.key_id, "not-the-key")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_clear_forgets_the_authorization(run_ok, run, authorized):
    run_ok("account", "clear")
    result = run("account", "get")
    assert result.exit_code == 1
    assert "not authorized" in result.stderr


def test_commands_without_authorization_say_how_to_authorize(run):
    result = run("bucket", "list")
    assert result.exit_code == 1
    assert "b2kit account authorize" in result.stderr
