"""Buckets over HTTP: create, list, update, delete, their settings and the key restrictions on them."""

import pytest

LIFECYCLE = [{"fileNamePrefix": "logs/", "daysFromUploadingToHiding": 3, "daysFromHidingToDeleting": 1}]
CORS = [
    {
        "corsRuleName": "downloadFromAnyOrigin",
        "allowedOrigins": ["https://example.com"],
        "allowedOperations": ["b2_download_file_by_name"],
        "allowedHeaders": ["range"],
        "exposeHeaders": ["x-bz-content-sha1"],
        "maxAgeSeconds": 3600,
    }
]


def test_created_bucket_has_every_documented_field(wire):
    created = wire.create_bucket(
        "full-bucket",
        "allPublic",
        bucketInfo={"Cache-Control": "max-age=60"},
        corsRules=CORS,
        lifecycleRules=LIFECYCLE,
    )
    assert set(created) >= {
        "accountId",
        "bucketId",
        "bucketName",
        "bucketType",
        "bucketInfo",
        "corsRules",
        "lifecycleRules",
        "revision",
        "options",
        "defaultServerSideEncryption",
        "fileLockConfiguration",
        "replicationConfiguration",
    }
    assert created["corsRules"] == CORS
    assert created["lifecycleRules"] == LIFECYCLE
    assert created["bucketInfo"] == {"Cache-Control": "max-age=60"}
    assert created["defaultServerSideEncryption"] == {
        "isClientAuthorizedToRead": True,
        "value": {"algorithm": None, "mode": None},
    }
    assert created["fileLockConfiguration"]["value"] == {
        "defaultRetention": {"mode": None, "period": None},
        "isFileLockEnabled": False,
    }
    listed = wire.ok("b2_list_buckets", {"accountId": wire.server.account_id, "bucketName": "full-bucket"})
    assert listed["buckets"] == [created]


def test_list_buckets_filters_by_id_name_and_type_sorted_by_name(wire):
    b = wire.create_bucket("bucket-bbb", "allPublic")
    a = wire.create_bucket("bucket-aaa", "allPrivate")
    account = wire.server.account_id
    names = [x["bucketName"] for x in wire.ok("b2_list_buckets", {"accountId": account})["buckets"]]
    assert names == ["bucket-aaa", "bucket-bbb"]
    by_id = wire.ok("b2_list_buckets", {"accountId": account, "bucketId": b["bucketId"]})["buckets"]
    assert [x["bucketId"] for x in by_id] == [b["bucketId"]]
    public = wire.ok("b2_list_buckets", {"accountId": account, "bucketTypes": ["allPublic"]})["buckets"]
    assert [x["bucketId"] for x in public] == [b["bucketId"]]
    every = wire.ok("b2_list_buckets", {"accountId": account, "bucketTypes": ["all"]})["buckets"]
    assert {x["bucketId"] for x in every} == {a["bucketId"], b["bucketId"]}
    assert wire.ok("b2_list_buckets", {"accountId": account, "bucketName": "nope-nope"})["buckets"] == []


def test_list_buckets_by_get_with_query_string(wire, bucket):
    reply = wire.call(
        "b2_list_buckets", {"accountId": wire.server.account_id, "bucketTypes": "all"}, method="GET"
    )
    assert reply.status == 200
    assert [x["bucketId"] for x in reply.json["buckets"]] == [bucket["bucketId"]]


@pytest.mark.parametrize("types", [[], ["all", "allPublic"], ["nonsense"]])
def test_bad_bucket_types_are_refused(wire, types):
    reply = wire.call("b2_list_buckets", {"accountId": wire.server.account_id, "bucketTypes": types})
    assert (reply.status, reply.code) == (400, "bad_request")


@pytest.mark.parametrize(
    "extra",
    [
        {"bucketName": "short"},
        {"bucketName": "b2-reserved-name"},
        {"bucketName": "has_underscore"},
        {"bucketName": "x" * 64},
        {"bucketType": "snapshot"},
        {"bucketType": 5},
        {"bucketInfo": {"k": 5}},
        {"bucketInfo": {f"k{i}": "v" for i in range(11)}},
        {"corsRules": [{"corsRuleName": "abc"}]},
        {"corsRules": [{**CORS[0], "allowedOperations": ["fly"]}]},
        {"corsRules": [{**CORS[0], "maxAgeSeconds": 86401}]},
        {"corsRules": [CORS[0], CORS[0]]},
        {"lifecycleRules": [{"fileNamePrefix": "a/"}]},
        {"lifecycleRules": [{"fileNamePrefix": "a/", "daysFromHidingToDeleting": 0}]},
        {"lifecycleRules": [{"daysFromHidingToDeleting": 1}]},
        {"lifecycleRules": [LIFECYCLE[0], {"fileNamePrefix": "logs/x", "daysFromHidingToDeleting": 1}]},
        {"defaultServerSideEncryption": {"mode": "SSE-C", "algorithm": "AES256"}},
        {"defaultRetention": {"mode": "governance", "period": {"duration": 1, "unit": "days"}}},
    ],
)
def test_invalid_bucket_settings_are_400(wire, extra):
    params = {
        "accountId": wire.server.account_id,
        "bucketName": "valid-name",
        "bucketType": "allPrivate",
        **extra,
    }
    reply = wire.call("b2_create_bucket", params)
    assert (reply.status, reply.code) == (400, "bad_request"), reply.body


def test_duplicate_name_is_refused_case_insensitively(wire, bucket):
    reply = wire.call(
        "b2_create_bucket",
        {"accountId": wire.server.account_id, "bucketName": "TEST-bucket", "bucketType": "allPrivate"},
    )
    assert (reply.status, reply.code) == (400, "duplicate_bucket_name")


def test_more_than_100_buckets_are_refused(wire):
    for i in range(100):
        wire.create_bucket(f"bucket-{i:03d}")
    reply = wire.call(
        "b2_create_bucket",
        {"accountId": wire.server.account_id, "bucketName": "one-too-many", "bucketType": "allPrivate"},
    )
    assert (reply.status, reply.code) == (400, "too_many_buckets")


def test_update_changes_settings_and_bumps_revision(wire, bucket):
    updated = wire.ok(
        "b2_update_bucket",
        {
            "accountId": wire.server.account_id,
            "bucketId": bucket["bucketId"],
            "bucketType": "allPublic",
            "bucketInfo": {"a": "1"},
            "lifecycleRules": LIFECYCLE,
            "corsRules": CORS,
            "defaultServerSideEncryption": {"mode": "SSE-B2", "algorithm": "AES256"},
            "ifRevisionIs": bucket["revision"],
        },
    )
    assert updated["revision"] == bucket["revision"] + 1
    assert updated["bucketType"] == "allPublic"
    assert updated["bucketInfo"] == {"a": "1"}
    assert updated["lifecycleRules"] == LIFECYCLE
    assert updated["defaultServerSideEncryption"]["value"] == {"algorithm": "AES256", "mode": "SSE-B2"}


def test_update_with_stale_revision_is_409(wire, bucket):
    wire.ok("b2_update_bucket", {"bucketId": bucket["bucketId"], "bucketInfo": {"a": "1"}})
    reply = wire.call(
        "b2_update_bucket",
        {"bucketId": bucket["bucketId"], "bucketInfo": {"a": "2"}, "ifRevisionIs": bucket["revision"]},
    )
    assert (reply.status, reply.code) == (409, "conflict")


def test_file_lock_can_be_enabled_but_never_disabled(wire, bucket):
    locked = wire.ok(
        "b2_update_bucket",
        {
            "bucketId": bucket["bucketId"],
            "fileLockEnabled": True,
            "defaultRetention": {"mode": "governance", "period": {"duration": 2, "unit": "days"}},
        },
    )
    assert locked["fileLockConfiguration"]["value"] == {
        "defaultRetention": {"mode": "governance", "period": {"duration": 2, "unit": "days"}},
        "isFileLockEnabled": True,
    }
    reply = wire.call("b2_update_bucket", {"bucketId": bucket["bucketId"], "fileLockEnabled": False})
    assert (reply.status, reply.code) == (400, "file_lock_conflict")


def test_update_unknown_bucket_is_bad_bucket_id(wire):
    reply = wire.call("b2_update_bucket", {"bucketId": "0" * 24, "bucketType": "allPublic"})
    assert (reply.status, reply.code) == (400, "bad_bucket_id")


def test_delete_refuses_non_empty_bucket_then_deletes_empty_one(wire, bucket):
    created = wire.uploaded(bucket["bucketId"], "a.txt")
    reply = wire.call(
        "b2_delete_bucket", {"accountId": wire.server.account_id, "bucketId": bucket["bucketId"]}
    )
    assert (reply.status, reply.code) == (400, "cannot_delete_non_empty_bucket")
    wire.ok("b2_delete_file_version", {"fileName": "a.txt", "fileId": created["fileId"]})
    deleted = wire.ok(
        "b2_delete_bucket", {"accountId": wire.server.account_id, "bucketId": bucket["bucketId"]}
    )
    assert deleted["bucketId"] == bucket["bucketId"]
    assert wire.ok("b2_list_buckets", {"accountId": wire.server.account_id})["buckets"] == []


def test_hide_markers_keep_a_bucket_non_empty(wire, bucket):
    created = wire.uploaded(bucket["bucketId"], "a.txt")
    wire.ok("b2_hide_file", {"bucketId": bucket["bucketId"], "fileName": "a.txt"})
    wire.ok("b2_delete_file_version", {"fileName": "a.txt", "fileId": created["fileId"]})
    reply = wire.call("b2_delete_bucket", {"bucketId": bucket["bucketId"]})
    assert reply.code == "cannot_delete_non_empty_bucket"


def test_wrong_account_id_is_refused(wire):
    reply = wire.call("b2_list_buckets", {"accountId": "000000000000"})
    assert (reply.status, reply.code) == (401, "unauthorized")


def test_bucket_restricted_key_sees_only_its_bucket(wire, bucket):
    other = wire.create_bucket("other-bucket")
    key_id, key = wire.create_key(["listBuckets", "writeFiles"], bucketIds=[bucket["bucketId"]])
    token = wire.login(key_id, key)
    account = wire.server.account_id
    assert wire.call("b2_list_buckets", {"accountId": account}, token=token).status == 401
    mine = wire.call("b2_list_buckets", {"accountId": account, "bucketName": "test-bucket"}, token=token)
    assert [x["bucketId"] for x in mine.json["buckets"]] == [bucket["bucketId"]]
    theirs = wire.call("b2_list_buckets", {"accountId": account, "bucketId": other["bucketId"]}, token=token)
    assert (theirs.status, theirs.code) == (401, "unauthorized")


@pytest.mark.parametrize(
    ("name", "capability"),
    [
        ("b2_create_bucket", "writeBuckets"),
        ("b2_update_bucket", "writeBuckets"),
        ("b2_delete_bucket", "deleteBuckets"),
        ("b2_list_buckets", "listBuckets"),
    ],
)
def test_bucket_calls_need_their_capability(wire, bucket, name, capability):
    everything_else = ["listKeys", "readFiles", "writeFiles"]
    token = wire.login(*wire.create_key(everything_else))
    params = {
        "accountId": wire.server.account_id,
        "bucketId": bucket["bucketId"],
        "bucketName": "new-bucket-x",
    }
    reply = wire.call(name, {**params, "bucketType": "allPrivate"}, token=token)
    assert (reply.status, reply.code) == (401, "unauthorized")
    allowed = wire.login(*wire.create_key([capability]))
    assert wire.call(name, {**params, "bucketType": "allPrivate"}, token=allowed).status == 200


def test_encryption_and_retention_values_need_read_capabilities(wire, bucket):
    token = wire.login(*wire.create_key(["listBuckets"]))
    listed = wire.call("b2_list_buckets", {"bucketId": bucket["bucketId"]}, token=token).json["buckets"][0]
    assert listed["defaultServerSideEncryption"] == {"isClientAuthorizedToRead": False}
    assert listed["fileLockConfiguration"] == {"isClientAuthorizedToRead": False, "value": None}


REPLICATION = {
    "asReplicationSource": {
        "replicationRules": [
            {
                "destinationBucketId": "0" * 24,
                "fileNamePrefix": "",
                "includeExistingFiles": False,
                "isEnabled": True,
                "priority": 128,
                "replicationRuleName": "my-rule",
            }
        ],
        "sourceApplicationKeyId": "some-key",
    }
}


def test_replication_configuration_round_trips_and_blocks_file_lock(wire, bucket):
    updated = wire.ok(
        "b2_update_bucket", {"bucketId": bucket["bucketId"], "replicationConfiguration": REPLICATION}
    )
    assert updated["replicationConfiguration"] == {
        "isClientAuthorizedToRead": True,
        "value": {**REPLICATION, "asReplicationDestination": None},
    }
    reply = wire.call("b2_update_bucket", {"bucketId": bucket["bucketId"], "fileLockEnabled": True})
    assert (reply.status, reply.code) == (400, "source_replication_conflict")
    bad = wire.call(
        "b2_update_bucket",
        {"bucketId": bucket["bucketId"], "replicationConfiguration": {"asReplicationSource": 5}},
    )
    assert (bad.status, bad.code) == (400, "bad_request")


def test_setting_encryption_retention_or_replication_needs_the_write_capability(wire, bucket):
    token = wire.login(*wire.create_key(["writeBuckets"]))
    for extra in (
        {"defaultServerSideEncryption": {"mode": "SSE-B2"}},
        {"fileLockEnabled": True},
        {"replicationConfiguration": REPLICATION},
    ):
        reply = wire.call("b2_update_bucket", {"bucketId": bucket["bucketId"], **extra}, token=token)
        assert (reply.status, reply.code) == (401, "unauthorized"), extra
