"""Bucket event-notification rules over HTTP: stored, validated, returned sorted, capability-checked."""

from __future__ import annotations

import pytest

from b2kit.server._rules._notification_rules import EventType, parse_event_type, validate_rules


def _rule(name: str = "my-rule", events: list | None = None, prefix: str = "", **target) -> dict:
    return {
        "name": name,
        "eventTypes": events if events is not None else ["b2:ObjectCreated:*"],
        "isEnabled": True,
        "objectNamePrefix": prefix,
        "targetConfiguration": {"targetType": "webhook", "url": "https://example.com/hook", **target},
    }


def _set(wire, bucket_id: str, rules: list, token: str | None = None):
    return wire.call(
        "b2_set_bucket_notification_rules",
        {"bucketId": bucket_id, "eventNotificationRules": rules},
        token=token,
    )


def test_rules_round_trip_sorted_by_name(wire, bucket):
    rules = [
        _rule("second-rule", ["b2:ObjectDeleted:Delete"], "b/"),
        _rule("first-rule", ["b2:ObjectCreated:Upload", "b2:ObjectCreated:Copy"], "a/", maxEventsPerBatch=10),
    ]
    reply = _set(wire, bucket["bucketId"], rules)
    assert reply.status == 200, reply.body
    assert [r["name"] for r in reply.json["eventNotificationRules"]] == ["first-rule", "second-rule"]
    assert reply.json["eventNotificationRules"][0]["isSuspended"] is False
    assert reply.json["eventNotificationRules"][0]["suspensionReason"] == ""

    fetched = wire.call("b2_get_bucket_notification_rules", {"bucketId": bucket["bucketId"]}, method="GET")
    assert fetched.status == 200
    assert fetched.json == reply.json
    assert fetched.json["eventNotificationRules"][0]["targetConfiguration"]["maxEventsPerBatch"] == 10


def test_setting_an_empty_list_clears_rules(wire, bucket):
    assert _set(wire, bucket["bucketId"], [_rule()]).status == 200
    assert _set(wire, bucket["bucketId"], []).json["eventNotificationRules"] == []
    got = wire.ok("b2_get_bucket_notification_rules", {"bucketId": bucket["bucketId"]})
    assert got == {"bucketId": bucket["bucketId"], "eventNotificationRules": []}


@pytest.mark.parametrize(
    ("rules", "code"),
    [
        ([_rule(events=[])], "event_types_empty"),
        ([_rule(events=["b2:ObjectCreated:Teleport"])], "event_type_invalid"),
        ([_rule(events=["s3:ObjectCreated:*"])], "event_type_invalid"),
        ([_rule(events=["b2:ObjectExploded:*"])], "event_type_categories"),
        ([_rule(events=["b2:ObjectCreated:*", "b2:ObjectCreated:Upload"])], "event_type_overlap"),
        ([_rule(events=["b2:HideMarkerCreated:Hide", "b2:HideMarkerCreated:Hide"])], "event_type_overlap"),
        (
            [
                _rule("rule-one", ["b2:ObjectCreated:Upload"], "a/"),
                _rule("rule-two", ["b2:ObjectCreated:*"], "a/b"),
            ],
            "event_type_overlap",
        ),
    ],
)
def test_event_type_errors(wire, bucket, rules, code):
    reply = _set(wire, bucket["bucketId"], rules)
    assert (reply.status, reply.code) == (400, code)


@pytest.mark.parametrize(
    "rule",
    [
        _rule(name="short"),
        _rule(name="bad name!"),
        {**_rule(), "targetConfiguration": {"targetType": "email", "url": "https://example.com"}},
        {**_rule(), "targetConfiguration": {"targetType": "webhook", "url": "http://example.com"}},
        _rule(hmacSha256SigningSecret="too-short"),
        _rule(customHeaders=[{"name": "X-Bz-Evil", "value": "1"}]),
        _rule(maxEventsPerBatch=51),
        {**_rule(), "isEnabled": "yes"},
    ],
)
def test_malformed_rules_are_bad_requests(wire, bucket, rule):
    reply = _set(wire, bucket["bucketId"], [rule])
    assert (reply.status, reply.code) == (400, "bad_request")


def test_duplicate_names_and_too_many_rules(wire, bucket):
    twice = [
        _rule("same-name", ["b2:ObjectCreated:*"], "a/"),
        _rule("same-name", ["b2:ObjectDeleted:*"], "b/"),
    ]
    assert _set(wire, bucket["bucketId"], twice).status == 400
    many = [_rule(f"rule-{i:03d}", ["b2:ObjectCreated:*"], f"p{i}/") for i in range(26)]
    assert _set(wire, bucket["bucketId"], many).status == 400


def test_unknown_bucket_and_capabilities(wire, bucket):
    missing = _set(wire, "0" * 24, [_rule()])
    assert (missing.status, missing.code) == (400, "bad_bucket_id")
    key_id, key = wire.create_key(["readBucketNotifications"])
    reader = wire.login(key_id, key)
    assert _set(wire, bucket["bucketId"], [_rule()], token=reader).status == 401
    assert (
        wire.call("b2_get_bucket_notification_rules", {"bucketId": bucket["bucketId"]}, token=reader).status
        == 200
    )
    other = wire.create_bucket("other-bucket")
    key_id, key = wire.create_key(
        ["readBucketNotifications", "writeBucketNotifications"], bucketIds=[other["bucketId"]]
    )
    restricted = wire.login(key_id, key)
    assert _set(wire, bucket["bucketId"], [_rule()], token=restricted).status == 401
    assert _set(wire, other["bucketId"], [_rule()], token=restricted).status == 200


def test_rules_are_removed_with_their_bucket(wire, bucket):
    assert _set(wire, bucket["bucketId"], [_rule()]).status == 200
    wire.ok("b2_delete_bucket", {"accountId": wire.server.account_id, "bucketId": bucket["bucketId"]})
    again = wire.create_bucket("test-bucket")
    assert (
        wire.ok("b2_get_bucket_notification_rules", {"bucketId": again["bucketId"]})["eventNotificationRules"]
        == []
    )


def test_event_type_parsing_and_wildcards():
    assert parse_event_type("b2:ObjectCreated:*") == EventType("ObjectCreated", "*")
    assert EventType("ObjectCreated", "*").covers(EventType("ObjectCreated", "Copy"))
    assert not EventType("ObjectCreated", "Copy").covers(EventType("ObjectCreated", "Upload"))
    assert not EventType("ObjectDeleted", "*").covers(EventType("ObjectCreated", "Upload"))
    disjoint = [
        _rule("rule-one", ["b2:ObjectCreated:*"], "a/"),
        _rule("rule-two", ["b2:ObjectCreated:*"], "b/"),
    ]
    assert [r["name"] for r in validate_rules(disjoint)] == ["rule-one", "rule-two"]
