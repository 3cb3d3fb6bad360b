"""Bucket event-notification rules through the official b2sdk."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.compat


def _rule(name: str, event_types: list[str], prefix: str = "") -> dict:
    return {
        "name": name,
        "eventTypes": event_types,
        "isEnabled": True,
        "objectNamePrefix": prefix,
        "targetConfiguration": {"targetType": "webhook", "url": "https://example.com/hook"},
    }


def test_set_and_get_notification_rules(b2api):
    bucket = b2api.create_bucket("compat-notify", "allPrivate")
    assert bucket.get_notification_rules() == []
    stored = bucket.set_notification_rules([_rule("uploads", ["b2:ObjectCreated:*"], "in/")])
    assert stored[0]["name"] == "uploads"
    assert stored[0]["isSuspended"] is False
    fetched = bucket.get_notification_rules()
    assert [r["name"] for r in fetched] == ["uploads"]
    assert fetched[0]["objectNamePrefix"] == "in/"


def test_overlapping_event_types_are_refused(b2api, flavour):
    bucket = b2api.create_bucket("compat-notify2", "allPrivate")
    errors = flavour.module.exception
    with pytest.raises(errors.BadRequest) as refused:
        bucket.set_notification_rules([_rule("overlap", ["b2:ObjectCreated:*", "b2:ObjectCreated:Upload"])])
    assert refused.value.code == "event_type_overlap"
