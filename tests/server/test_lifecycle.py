"""Lifecycle rules over HTTP: the admin trigger runs a pass at a simulated time."""

from __future__ import annotations

import base64
import json
import time

from b2kit.server import LocalServer
from b2kit.server._lifecycle import Rule, plan_name
from b2kit.server._state import Encryption, FileLock, FileVersion

DAY_MS = 86_400_000


def _run(wire, now_ms: int | None = None, auth: str | None = None):
    if auth is None:
        auth = "Basic " + base64.b64encode(f"{wire.server.key_id}:{wire.server.key}".encode()).decode()
    body = json.dumps({} if now_ms is None else {"now": now_ms}).encode()
    return wire.request("POST", f"{wire.realm}/_b2kit/lifecycle", body=body, headers={"Authorization": auth})


def _bucket_with_rules(wire, rules: list[dict]) -> dict:
    return wire.create_bucket("life-bucket", lifecycleRules=rules)


def _versions(wire, bucket_id: str) -> list[tuple[str, str]]:
    listed = wire.ok("b2_list_file_versions", {"bucketId": bucket_id})
    return [(f["fileName"], f["action"]) for f in listed["files"]]


def _now() -> int:
    return int(time.time() * 1000)


def test_files_are_hidden_after_the_rule_days(wire):
    bucket = _bucket_with_rules(wire, [{"fileNamePrefix": "logs/", "daysFromUploadingToHiding": 2}])
    wire.uploaded(bucket["bucketId"], "logs/a.txt", b"a")
    wire.uploaded(bucket["bucketId"], "keep/b.txt", b"b")

    early = _run(wire, _now() + 1 * DAY_MS)
    assert early.json["hidden"] == 0
    later = _run(wire, _now() + 3 * DAY_MS)
    assert later.status == 200, later.body
    assert later.json["hidden"] == 1
    names = wire.ok("b2_list_file_names", {"bucketId": bucket["bucketId"]})
    assert [f["fileName"] for f in names["files"]] == ["keep/b.txt"]
    assert ("logs/a.txt", "hide") in _versions(wire, bucket["bucketId"])
    assert _run(wire, _now() + 4 * DAY_MS).json["hidden"] == 0  # already hidden


def test_hidden_versions_are_deleted_after_the_rule_days(wire):
    bucket = _bucket_with_rules(wire, [{"fileNamePrefix": "", "daysFromHidingToDeleting": 1}])
    wire.uploaded(bucket["bucketId"], "v.txt", b"old")
    wire.uploaded(bucket["bucketId"], "v.txt", b"new")
    wire.uploaded(bucket["bucketId"], "gone.txt", b"x")
    wire.ok("b2_hide_file", {"bucketId": bucket["bucketId"], "fileName": "gone.txt"})

    assert _run(wire, _now() + DAY_MS // 2).json["deleted"] == 0
    report = _run(wire, _now() + 2 * DAY_MS).json
    assert report["deleted"] == 3  # the old v.txt, gone.txt and then its lone hide marker
    assert _versions(wire, bucket["bucketId"]) == [("v.txt", "upload")]
    got = wire.download_by_name("life-bucket", "v.txt", token=wire.token)
    assert got.body == b"new"


def test_unfinished_large_files_are_cancelled(wire):
    bucket = _bucket_with_rules(
        wire, [{"fileNamePrefix": "", "daysFromStartingToCancelingUnfinishedLargeFiles": 1}]
    )
    started = wire.ok(
        "b2_start_large_file",
        {"bucketId": bucket["bucketId"], "fileName": "big", "contentType": "text/plain"},
    )
    assert _run(wire).json["cancelled"] == 0
    assert _run(wire, _now() + 2 * DAY_MS).json["cancelled"] == 1
    left = wire.ok("b2_list_unfinished_large_files", {"bucketId": bucket["bucketId"]})
    assert left["files"] == []
    assert wire.call("b2_get_upload_part_url", {"fileId": started["fileId"]}).status == 400


def test_locked_versions_survive_deletion(wire):
    bucket = wire.create_bucket(
        "life-locked",
        fileLockEnabled=True,
        lifecycleRules=[{"fileNamePrefix": "", "daysFromHidingToDeleting": 1}],
    )
    held = wire.uploaded(bucket["bucketId"], "held.txt", b"x", headers={"X-Bz-File-Legal-Hold": "on"})
    wire.uploaded(bucket["bucketId"], "held.txt", b"y")
    assert _run(wire, _now() + 5 * DAY_MS).json["deleted"] == 0
    versions = wire.ok("b2_list_file_versions", {"bucketId": bucket["bucketId"]})
    assert held["fileId"] in [f["fileId"] for f in versions["files"]]


def test_trigger_needs_the_master_key(wire):
    refused = _run(wire, auth="Basic " + base64.b64encode(b"nobody:nothing").decode())
    assert (refused.status, refused.code) == (401, "unauthorized")


def test_rule_days_become_milliseconds():
    rule = Rule.from_json(
        {"fileNamePrefix": "a/", "daysFromUploadingToHiding": 2, "daysFromHidingToDeleting": None}
    )
    assert rule == Rule("a/", 2 * DAY_MS, None, None)


def _version(upload_ms: int, seq: int) -> FileVersion:
    """An unlocked upload of ``a`` (only action, time and lock matter to the planner)."""
    return FileVersion(
        file_id=f"id{seq}",
        bucket_id="b",
        file_name="a",
        action="upload",
        upload_ms=upload_ms,
        seq=seq,
        content_type="text/plain",
        content_length=0,
        content_sha1=None,
        content_md5=None,
        file_info={},
        blob=None,
        encryption=Encryption(),
        lock=FileLock(),
        replication_status=None,
    )


def test_plan_keeps_the_newest_upload_and_spares_young_versions():
    rule = Rule("", None, DAY_MS, None)
    newest = _version(upload_ms=10 * DAY_MS, seq=2)
    older = _version(upload_ms=1, seq=1)
    assert plan_name([newest, older], rule, 10 * DAY_MS).delete == ()
    assert plan_name([newest, older], rule, 11 * DAY_MS).delete == (older,)
    assert plan_name([newest], rule, 100 * DAY_MS).delete == ()


def test_a_pass_runs_when_the_server_starts(server, server_config, wire, wire_for):
    bucket = _bucket_with_rules(wire, [{"fileNamePrefix": "", "daysFromUploadingToHiding": 1}])
    old = str(_now() - 3 * DAY_MS)
    wire.uploaded(bucket["bucketId"], "old.txt", b"o", headers={"X-Bz-Custom-Upload-Timestamp": old})
    wire.uploaded(bucket["bucketId"], "new.txt", b"n")
    server.stop()

    with LocalServer(server_config) as restarted:
        again = wire_for(restarted)
        names = again.ok("b2_list_file_names", {"bucketId": bucket["bucketId"]})
        assert [f["fileName"] for f in names["files"]] == ["new.txt"]


def test_trigger_refuses_a_bad_time(wire):
    for bad in (-1, 10**30):
        refused = _run(wire, bad)
        assert (refused.status, refused.code) == (400, "bad_request")
    auth = "Basic " + base64.b64encode(f"{wire.server.key_id}:{wire.server.key}".encode()).decode()
    text = wire.request(
        "POST", f"{wire.realm}/_b2kit/lifecycle", body=b'{"now": "soon"}', headers={"Authorization": auth}
    )
    assert (text.status, text.code) == (400, "bad_request")
