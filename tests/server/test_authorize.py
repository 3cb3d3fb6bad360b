"""b2_authorize_account: credentials, version-specific shapes, and token expiry on later calls."""

import base64
import sqlite3
import time

import pytest

from b2kit import _protocol as p
from b2kit.server import LocalServer


def test_v1_and_v2_answers_are_flat_with_allowed(wire):
    v1 = wire.authorize(version="v1").json
    v2 = wire.authorize(version="v2").json
    assert v1["minimumPartSize"] == v1["recommendedPartSize"] == 1_000_000
    assert "bucketName" not in v1["allowed"]
    assert v2["allowed"] == {
        "bucketId": None,
        "bucketName": None,
        "capabilities": list(p.ALL_CAPABILITIES),
        "namePrefix": None,
    }
    for answer in (v1, v2):
        assert answer["apiUrl"] == answer["downloadUrl"] == wire.realm
        assert answer["absoluteMinimumPartSize"] == 100_000
        assert answer["accountId"] == wire.server.account_id
        assert answer["s3ApiUrl"]


def test_v3_answer_is_grouped_with_flat_restrictions(wire):
    answer = wire.authorize(version="v3").json
    storage = answer["apiInfo"]["storageApi"]
    assert storage["infoType"] == "storageApi"
    assert storage["bucketId"] is None and storage["bucketName"] is None
    assert storage["recommendedPartSize"] == 1_000_000
    assert answer["applicationKeyExpirationTimestamp"] is None


def test_v4_answer_has_allowed_buckets(wire, bucket):
    key_id, key = wire.create_key(["listFiles"], bucketIds=[bucket["bucketId"]], namePrefix="a/")
    storage = wire.authorize(key_id, key, version="v4").json["apiInfo"]["storageApi"]
    assert "bucketId" not in storage and "infoType" not in storage
    assert storage["allowed"] == {
        "buckets": [{"id": bucket["bucketId"], "name": "test-bucket"}],
        "capabilities": ["listFiles"],
        "namePrefix": "a/",
    }


def test_single_bucket_key_reports_bucket_on_v2(wire, bucket):
    key_id, key = wire.create_key(["listFiles"], bucketIds=[bucket["bucketId"]])
    allowed = wire.authorize(key_id, key, version="v2").json["allowed"]
    assert (allowed["bucketId"], allowed["bucketName"]) == (bucket["bucketId"], "test-bucket")


def test_multi_bucket_key_is_unsupported_before_v4(wire, bucket):
    other = wire.create_bucket("other-bucket")
    key_id, key = wire.create_key(["listFiles"], bucketIds=[bucket["bucketId"], other["bucketId"]])
    for version in ("v1", "v2", "v3"):
        reply = wire.authorize(key_id, key, version=version)
        assert (reply.status, reply.code) == (401, "unsupported")
    assert wire.authorize(key_id, key, version="v4").status == 200


def test_account_id_works_as_master_key_id(wire):
    assert wire.authorize(wire.server.account_id, wire.server.key).status == 200


def test_post_with_json_body_is_accepted(wire):
    creds = base64.b64encode(f"{wire.server.key_id}:{wire.server.key}".encode()).decode()
    reply = wire.request(
        "POST",
        f"{wire.realm}/b2api/v4/b2_authorize_account",
        body=b"{}",
        headers={"Authorization": f"Basic {creds}"},
    )
    assert reply.status == 200


@pytest.mark.parametrize(
    "header",
    ["", "Basic", "Basic !!!", "Bearer abc", "Basic " + base64.b64encode(b"no-colon").decode()],
)
def test_malformed_basic_auth_is_401(wire, header):
    reply = wire.request(
        "GET", f"{wire.realm}/b2api/v4/b2_authorize_account", headers={"Authorization": header}
    )
    assert (reply.status, reply.code) == (401, "unauthorized")


def test_wrong_secret_is_401(wire):
    reply = wire.authorize(wire.server.key_id, "K004wrong")
    assert (reply.status, reply.code) == (401, "unauthorized")


def test_expired_key_cannot_authorize(wire, server):
    key_id, key = wire.create_key(["listFiles"], validDurationInSeconds=1)
    with sqlite3.connect(server.data_dir / "b2kit.sqlite3") as conn:
        conn.execute("UPDATE keys SET expiration_ms = 1 WHERE key_id = ?", (key_id,))
    assert wire.authorize(key_id, key).status == 401


def test_expired_token_is_refused_with_expired_auth_token(wire, server):
    token = wire.token
    assert wire.call("b2_list_buckets", {"accountId": server.account_id}).status == 200
    server.expire_tokens()
    reply = wire.call("b2_list_buckets", {"accountId": server.account_id}, token=token)
    assert (reply.status, reply.code) == (401, "expired_auth_token")


def test_token_lifetime_follows_config(tmp_path, wire_for):
    with LocalServer(data_dir=tmp_path / "d", token_ttl_seconds=1) as short:
        wire = wire_for(short)
        token = wire.token
        time.sleep(1.1)
        reply = wire.call("b2_list_buckets", {"accountId": short.account_id}, token=token)
        assert reply.code == "expired_auth_token"


@pytest.mark.parametrize(("token", "code"), [("garbage", "bad_auth_token"), ("", "missing_auth_token")])
def test_bad_or_missing_token_is_401(wire, server, token, code):
    reply = wire.call("b2_list_buckets", {"accountId": server.account_id}, token=token)
    assert (reply.status, reply.code) == (401, code)


def test_deleted_key_tokens_stop_working(wire, server):
    key_id, key = wire.create_key(["listBuckets"])
    token = wire.login(key_id, key)
    wire.ok("b2_delete_key", {"applicationKeyId": key_id})
    reply = wire.call("b2_list_buckets", {"accountId": server.account_id}, token=token)
    assert (reply.status, reply.code) == (401, "bad_auth_token")


def test_key_of_a_deleted_bucket_reports_no_bucket_name(wire, bucket):
    key_id, key = wire.create_key(["listFiles"], bucketIds=[bucket["bucketId"]])
    wire.ok("b2_delete_bucket", {"bucketId": bucket["bucketId"]})
    v4 = wire.authorize(key_id, key).json["apiInfo"]["storageApi"]["allowed"]
    assert v4["buckets"] == [{"id": bucket["bucketId"], "name": None}]
    v3 = wire.authorize(key_id, key, version="v3").json["apiInfo"]["storageApi"]
    assert (v3["bucketId"], v3["bucketName"]) == (bucket["bucketId"], None)
