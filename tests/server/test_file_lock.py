"""Object Lock over HTTP: lock buckets, retention and legal hold at upload/start/copy and later, deletion
refusals, and what keys without the read capabilities see."""

from __future__ import annotations

import time

import pytest

from b2kit.server._errors import B2Error
from b2kit.server._rules._capabilities import Principal
from b2kit.server._rules._file_lock import COMPLIANCE, GOVERNANCE, check_retention_change, parse_retention
from b2kit.server._state import Retention

DAY_MS = 86_400_000


def _later(days: float) -> int:
    return int(time.time() * 1000 + days * DAY_MS)


@pytest.fixture
def locked(wire):
    return wire.create_bucket("locked-bucket", fileLockEnabled=True)


def _retention_headers(mode: str, until: int) -> dict[str, str]:
    return {"X-Bz-File-Retention-Mode": mode, "X-Bz-File-Retention-Retain-Until-Timestamp": str(until)}


def _delete(wire, version: dict, bypass: bool = False, token: str | None = None):
    params = {"fileName": version["fileName"], "fileId": version["fileId"], "bypassGovernance": bypass}
    return wire.call("b2_delete_file_version", params, token=token)


def _set_retention(wire, version: dict, mode, until, bypass: bool = False, token: str | None = None):
    params = {
        "fileName": version["fileName"],
        "fileId": version["fileId"],
        "fileRetention": {"mode": mode, "retainUntilTimestamp": until},
        "bypassGovernance": bypass,
    }
    return wire.call("b2_update_file_retention", params, token=token)


def test_upload_headers_set_retention_and_legal_hold(wire, locked):
    until = _later(1)
    version = wire.uploaded(
        locked["bucketId"],
        "a.txt",
        headers={**_retention_headers("governance", until), "X-Bz-File-Legal-Hold": "on"},
    )
    assert version["fileRetention"] == {
        "isClientAuthorizedToRead": True,
        "value": {"mode": "governance", "retainUntilTimestamp": until},
    }
    assert version["legalHold"] == {"isClientAuthorizedToRead": True, "value": "on"}
    download = wire.download_by_name("locked-bucket", "a.txt", token=wire.token)
    assert download.header("X-Bz-File-Retention-Mode") == "governance"
    assert download.header("X-Bz-File-Legal-Hold") == "on"


def test_bucket_default_retention_applies_to_new_files(wire, locked):
    wire.ok(
        "b2_update_bucket",
        {
            "accountId": wire.server.account_id,
            "bucketId": locked["bucketId"],
            "defaultRetention": {"mode": "compliance", "period": {"duration": 2, "unit": "days"}},
        },
    )
    version = wire.uploaded(locked["bucketId"], "d.txt")
    value = version["fileRetention"]["value"]
    assert value["mode"] == "compliance"
    assert _later(1.9) < value["retainUntilTimestamp"] < _later(2.1)
    started = wire.ok(
        "b2_start_large_file",
        {"bucketId": locked["bucketId"], "fileName": "big", "contentType": "text/plain"},
    )
    assert started["fileRetention"]["value"]["mode"] == "compliance"


def test_start_and_copy_take_json_settings(wire, locked):
    until = _later(1)
    started = wire.ok(
        "b2_start_large_file",
        {
            "bucketId": locked["bucketId"],
            "fileName": "big",
            "contentType": "text/plain",
            "fileRetention": {"mode": "governance", "retainUntilTimestamp": until},
            "legalHold": "on",
        },
    )
    assert started["fileRetention"]["value"] == {"mode": "governance", "retainUntilTimestamp": until}
    assert started["legalHold"]["value"] == "on"
    source = wire.uploaded(locked["bucketId"], "src.txt")
    copied = wire.ok(
        "b2_copy_file", {"sourceFileId": source["fileId"], "fileName": "copy.txt", "legalHold": "on"}
    )
    assert copied["legalHold"]["value"] == "on"


def test_lock_settings_on_a_plain_bucket_are_refused(wire, bucket):
    reply = wire.upload(bucket["bucketId"], "x.txt", headers={"X-Bz-File-Legal-Hold": "on"})
    assert (reply.status, reply.code) == (400, "bucket_missing_file_lock")
    version = wire.uploaded(bucket["bucketId"], "y.txt")
    hold = wire.call(
        "b2_update_file_legal_hold",
        {"fileName": "y.txt", "fileId": version["fileId"], "legalHold": "on"},
    )
    assert (hold.status, hold.code) == (400, "bucket_missing_file_lock")
    retention = _set_retention(wire, version, "governance", _later(1))
    assert (retention.status, retention.code) == (400, "bucket_missing_file_lock")


def test_governance_retention_blocks_delete_until_bypassed(wire, locked):
    version = wire.uploaded(locked["bucketId"], "g.txt", headers=_retention_headers("governance", _later(1)))
    refused = _delete(wire, version)
    assert (refused.status, refused.code) == (403, "access_denied")
    key_id, key = wire.create_key(["deleteFiles", "listFiles"])
    no_capability = _delete(wire, version, bypass=True, token=wire.login(key_id, key))
    assert (no_capability.status, no_capability.code) == (403, "access_denied")
    assert _delete(wire, version, bypass=True).status == 200


def test_compliance_retention_can_only_be_extended(wire, locked):
    until = _later(2)
    version = wire.uploaded(locked["bucketId"], "c.txt", headers=_retention_headers("compliance", until))
    shorter = _set_retention(wire, version, "compliance", _later(1), bypass=True)
    assert (shorter.status, shorter.code) == (403, "access_denied")
    removed = _set_retention(wire, version, None, None, bypass=True)
    assert removed.status == 403
    downgraded = _set_retention(wire, version, "governance", _later(3), bypass=True)
    assert downgraded.status == 403
    longer = _set_retention(wire, version, "compliance", _later(3))
    assert longer.status == 200, longer.body
    assert longer.json["fileRetention"]["mode"] == "compliance"
    assert _delete(wire, version, bypass=True).status == 403


def test_governance_can_be_shortened_only_with_bypass(wire, locked):
    version = wire.uploaded(locked["bucketId"], "s.txt", headers=_retention_headers("governance", _later(2)))
    assert _set_retention(wire, version, "governance", _later(1)).status == 403
    assert _set_retention(wire, version, "governance", _later(3)).status == 200
    assert _set_retention(wire, version, "compliance", _later(3)).status == 200  # upgrade is fine
    other = wire.uploaded(locked["bucketId"], "t.txt", headers=_retention_headers("governance", _later(2)))
    cleared = _set_retention(wire, other, None, None, bypass=True)
    assert cleared.status == 200
    assert cleared.json == {
        "fileId": other["fileId"],
        "fileName": "t.txt",
        "fileRetention": {"mode": None, "retainUntilTimestamp": None},
    }
    assert _delete(wire, other).status == 200


def test_legal_hold_blocks_delete_until_released(wire, locked):
    version = wire.uploaded(locked["bucketId"], "l.txt")
    set_on = wire.ok(
        "b2_update_file_legal_hold", {"fileName": "l.txt", "fileId": version["fileId"], "legalHold": "on"}
    )
    assert set_on == {"fileId": version["fileId"], "fileName": "l.txt", "legalHold": "on"}
    assert _delete(wire, version, bypass=True).status == 403
    wire.ok(
        "b2_update_file_legal_hold", {"fileName": "l.txt", "fileId": version["fileId"], "legalHold": "off"}
    )
    assert _delete(wire, version).status == 200


@pytest.mark.parametrize(
    "params",
    [
        {"legalHold": "maybe"},
        {"legalHold": "on", "fileName": "wrong-name.txt"},
    ],
)
def test_bad_legal_hold_requests(wire, locked, params):
    version = wire.uploaded(locked["bucketId"], "b.txt")
    reply = wire.call(
        "b2_update_file_legal_hold", {"fileName": "b.txt", "fileId": version["fileId"], **params}
    )
    assert reply.status == 400


def test_retention_beyond_the_year_33658_is_refused(wire, locked):
    reply = wire.upload(locked["bucketId"], "far.txt", headers=_retention_headers("governance", 10**20))
    assert (reply.status, reply.code) == (400, "bad_request")


def test_retention_in_the_past_is_refused(wire, locked):
    reply = wire.upload(locked["bucketId"], "p.txt", headers=_retention_headers("governance", _later(-1)))
    assert (reply.status, reply.code) == (400, "bad_request")
    version = wire.uploaded(locked["bucketId"], "q.txt")
    assert _set_retention(wire, version, "governance", _later(-1)).status == 400


def test_write_capabilities_are_needed(wire, locked):
    version = wire.uploaded(locked["bucketId"], "w.txt")
    key_id, key = wire.create_key(["writeFiles", "readFiles", "listFiles"])
    token = wire.login(key_id, key)
    assert _set_retention(wire, version, "governance", _later(1), token=token).status == 401
    hold = wire.call(
        "b2_update_file_legal_hold",
        {"fileName": "w.txt", "fileId": version["fileId"], "legalHold": "on"},
        token=token,
    )
    assert hold.status == 401
    url, upload_token = wire.upload_url(locked["bucketId"], token=token)
    upload = wire.upload(
        locked["bucketId"], "x.txt", headers={"X-Bz-File-Legal-Hold": "on"}, target=(url, upload_token)
    )
    assert (upload.status, upload.code) == (401, "unauthorized")


def test_values_are_hidden_without_read_capabilities(wire, locked):
    version = wire.uploaded(locked["bucketId"], "r.txt", headers={"X-Bz-File-Legal-Hold": "on"})
    key_id, key = wire.create_key(["readFiles", "listFiles"])
    token = wire.login(key_id, key)
    seen = wire.ok("b2_get_file_info", {"fileId": version["fileId"]}, token=token)
    assert seen["fileRetention"] == {"isClientAuthorizedToRead": False, "value": None}
    assert seen["legalHold"] == {"isClientAuthorizedToRead": False, "value": None}
    download = wire.download_by_name("locked-bucket", "r.txt", token=token)
    assert download.header("X-Bz-File-Legal-Hold") is None
    assert "X-Bz-File-Legal-Hold" in download.header("X-Bz-Client-Unauthorized-To-Read")


def test_parse_retention_rules():
    assert parse_retention({"mode": None}) == Retention()
    assert parse_retention({"mode": "governance", "retainUntilTimestamp": 5}) == Retention(GOVERNANCE, 5)
    for bad in (
        {"mode": "forever", "retainUntilTimestamp": 5},
        {"mode": "governance"},
        {"mode": None, "retainUntilTimestamp": 5},
        [],
    ):
        with pytest.raises(B2Error):
            parse_retention(bad)


def _key(*capabilities: str) -> Principal:
    return Principal(key_id="k", capabilities=frozenset(capabilities), bucket_ids=None, name_prefix=None)


def test_retention_change_rules_without_a_server():
    now = 1_000
    compliance = Retention(COMPLIANCE, 5_000)
    check_retention_change(_key(), compliance, Retention(COMPLIANCE, 6_000), False, now)
    with pytest.raises(B2Error):
        check_retention_change(_key("bypassGovernance"), compliance, Retention(COMPLIANCE, 4_000), True, now)
    expired = Retention(COMPLIANCE, 500)
    check_retention_change(_key(), expired, Retention(), False, now)
    governance = Retention(GOVERNANCE, 5_000)
    check_retention_change(_key("bypassGovernance"), governance, Retention(), True, now)
    with pytest.raises(B2Error):
        check_retention_change(_key(), governance, Retention(), True, now)
