"""The /_b2kit/ test helpers: health (open), reset, state, expire-tokens (master key only)."""

import base64

import pytest


def _basic(key_id, key):
    return {"Authorization": "Basic " + base64.b64encode(f"{key_id}:{key}".encode()).decode()}


@pytest.fixture
def master(server):
    return _basic(server.key_id, server.key)


def test_health_needs_no_auth(wire):
    reply = wire.request("GET", f"{wire.realm}/_b2kit/health")
    assert reply.status == 200
    assert reply.json["status"] == "ok"


@pytest.mark.parametrize(("method", "name"), [("POST", "reset"), ("GET", "state"), ("POST", "expire-tokens")])
def test_helpers_other_than_health_need_the_master_key(wire, method, name):
    assert wire.request(method, f"{wire.realm}/_b2kit/{name}").status == 401
    key_id, key = wire.create_key(["listKeys", "writeKeys"])
    assert wire.request(method, f"{wire.realm}/_b2kit/{name}", headers=_basic(key_id, key)).status == 401


def test_reset_wipes_everything_but_the_master_key(wire, server, bucket, master):
    wire.uploaded(bucket["bucketId"], "a.txt")
    key_id, key = wire.create_key(["listFiles"])
    assert wire.request("POST", f"{wire.realm}/_b2kit/reset", headers=master).status == 200
    assert wire.authorize(key_id, key).status == 401
    fresh = wire.login(server.key_id, server.key)
    assert wire.ok("b2_list_buckets", {}, token=fresh)["buckets"] == []
    assert not list((server.data_dir / "blobs").glob("*/*"))
    assert wire.call("b2_list_buckets", {}).code == "bad_auth_token"


def test_expire_tokens_expires_issued_account_tokens(wire, master):
    token = wire.token
    reply = wire.request("POST", f"{wire.realm}/_b2kit/expire-tokens", headers=master)
    assert reply.json["expired"] >= 1
    assert wire.call("b2_list_buckets", {}, token=token).code == "expired_auth_token"
    assert (
        wire.call("b2_list_buckets", {}, token=wire.login(wire.server.key_id, wire.server.key)).status == 200
    )
