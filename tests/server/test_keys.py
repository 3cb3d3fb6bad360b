"""Application keys: create, list (paged), delete, version shapes and validation."""

import pytest


def test_create_key_returns_secret_once_and_v4_bucket_ids(wire, bucket):
    created = wire.ok(
        "b2_create_key",
        {
            "accountId": wire.server.account_id,
            "capabilities": ["listFiles", "readFiles"],
            "keyName": "reader-1",
            "bucketIds": [bucket["bucketId"]],
            "namePrefix": "docs/",
            "validDurationInSeconds": 3600,
        },
    )
    assert created["applicationKey"].startswith("K")
    assert created["bucketIds"] == [bucket["bucketId"]]
    assert "bucketId" not in created
    assert created["namePrefix"] == "docs/"
    assert created["expirationTimestamp"] > 0
    listed = wire.ok("b2_list_keys", {"accountId": wire.server.account_id})["keys"]
    assert [k["applicationKeyId"] for k in listed] == [created["applicationKeyId"]]
    assert "applicationKey" not in listed[0]


def test_v2_keys_use_bucket_id(wire, bucket):
    created = wire.ok(
        "b2_create_key",
        {
            "accountId": wire.server.account_id,
            "capabilities": ["listFiles"],
            "keyName": "k",
            "bucketId": bucket["bucketId"],
        },
        version="v2",
    )
    assert created["bucketId"] == bucket["bucketId"]
    assert "bucketIds" not in created
    listed = wire.ok("b2_list_keys", {"accountId": wire.server.account_id}, version="v3")["keys"]
    assert listed[0]["bucketId"] == bucket["bucketId"]


def test_list_keys_pages_with_next_application_key_id(wire):
    ids = sorted(wire.create_key(["listFiles"])[0] for _ in range(5))
    seen, start = [], None
    while True:
        page = wire.ok("b2_list_keys", {"maxKeyCount": 2, "startApplicationKeyId": start})
        seen += [k["applicationKeyId"] for k in page["keys"]]
        start = page["nextApplicationKeyId"]
        if start is None:
            break
    assert seen == ids


def test_delete_key_returns_it_and_unknown_key_is_400(wire):
    key_id, _ = wire.create_key(["listFiles"])
    deleted = wire.ok("b2_delete_key", {"applicationKeyId": key_id})
    assert deleted["applicationKeyId"] == key_id
    again = wire.call("b2_delete_key", {"applicationKeyId": key_id})
    assert (again.status, again.code) == (400, "bad_request")


def test_master_key_cannot_be_deleted(wire):
    reply = wire.call("b2_delete_key", {"applicationKeyId": wire.server.key_id})
    assert reply.status == 400


@pytest.mark.parametrize(
    "extra",
    [
        {"capabilities": []},
        {"capabilities": ["fly"]},
        {"capabilities": "listFiles"},
        {"keyName": "bad name!"},
        {"keyName": "x" * 101},
        {"validDurationInSeconds": 0},
        {"validDurationInSeconds": 1000 * 86400},
        {"bucketIds": []},
        {"capabilities": ["writeKeys"], "bucketIds": ["BUCKET"]},
        {"bucketIds": ["BUCKET"], "bucketId": "BUCKET"},
    ],
)
def test_invalid_key_requests_are_400(wire, bucket, extra):
    params = {"accountId": wire.server.account_id, "capabilities": ["listFiles"], "keyName": "good-name"}
    for name, value in extra.items():
        params[name] = (
            [bucket["bucketId"]]
            if value == ["BUCKET"]
            else (bucket["bucketId"] if value == "BUCKET" else value)
        )
    reply = wire.call("b2_create_key", params)
    assert (reply.status, reply.code) == (400, "bad_request"), reply.body


def test_key_for_unknown_bucket_is_bad_bucket_id(wire):
    reply = wire.call(
        "b2_create_key", {"capabilities": ["listFiles"], "keyName": "k", "bucketIds": ["0" * 24]}
    )
    assert (reply.status, reply.code) == (400, "bad_bucket_id")


@pytest.mark.parametrize(
    ("name", "capability", "params"),
    [
        ("b2_create_key", "writeKeys", {"capabilities": ["listFiles"], "keyName": "k"}),
        ("b2_list_keys", "listKeys", {}),
        ("b2_delete_key", "deleteKeys", {"applicationKeyId": "KEY"}),
    ],
)
def test_key_calls_need_their_capability(wire, name, capability, params):
    victim, _ = wire.create_key(["listFiles"])
    params = {k: (victim if v == "KEY" else v) for k, v in params.items()}
    refused = wire.call(name, params, token=wire.login(*wire.create_key(["listBuckets"])))
    assert (refused.status, refused.code) == (401, "unauthorized")
    assert wire.call(name, params, token=wire.login(*wire.create_key([capability]))).status == 200
