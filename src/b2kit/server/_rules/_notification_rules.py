"""Bucket event-notification rules: what a valid rule set is.

The server only keeps the rules (it sends no webhooks). Validation follows protocol §6.26: event types come
from a fixed catalogue (``b2:<Category>:<Event>`` or ``b2:<Category>:*``); a rule's event types must not
overlap (a wildcard covers its category); two rules whose prefixes overlap must not share an event.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from b2kit import _protocol as p
from b2kit.server._errors import bad_request

EVENTS_BY_CATEGORY: dict[str, frozenset[str]] = {
    "ObjectCreated": frozenset({"Upload", "MultipartUpload", "Copy", "Replica", "MultipartReplica"}),
    "ObjectDeleted": frozenset({"Delete", "LifecycleRule"}),
    "HideMarkerCreated": frozenset({"Hide", "LifecycleRule"}),
}
WILDCARD = "*"
MAX_RULES_PER_BUCKET = 25
MAX_EVENTS_PER_BATCH = 50
_RULE_NAME = re.compile(r"[A-Za-z0-9-]{6,63}")
_SIGNING_SECRET = re.compile(r"[A-Za-z0-9]{32}")


@dataclass(frozen=True)
class EventType:
    """One parsed ``b2:<category>:<event>`` string (``event`` may be the wildcard)."""

    category: str
    event: str

    def covers(self, other: EventType) -> bool:
        return self.category == other.category and (WILDCARD in (self.event, other.event) or self == other)


def parse_event_type(text: Any) -> EventType:
    """400 ``event_type_categories`` for an unknown category, ``event_type_invalid`` for the rest."""
    if not isinstance(text, str):
        raise bad_request("event types must be strings", p.EVENT_TYPE_INVALID)
    parts = text.split(":")
    if len(parts) != 3 or parts[0] != "b2":
        raise bad_request(f"Invalid event type: {text}", p.EVENT_TYPE_INVALID)
    _, category, event = parts
    if category not in EVENTS_BY_CATEGORY:
        raise bad_request(f"Unknown event type category in {text}", p.EVENT_TYPE_CATEGORIES)
    if event != WILDCARD and event not in EVENTS_BY_CATEGORY[category]:
        raise bad_request(f"Invalid event type: {text}", p.EVENT_TYPE_INVALID)
    return EventType(category, event)


def _event_types(raw: Any) -> list[EventType]:
    if raw is None or (isinstance(raw, list) and not raw):
        raise bad_request("eventTypes must not be empty", p.EVENT_TYPES_EMPTY)
    if not isinstance(raw, list):
        raise bad_request("eventTypes must be an array", p.EVENT_TYPE_INVALID)
    parsed = [parse_event_type(item) for item in raw]
    for index, first in enumerate(parsed):
        for later in range(index + 1, len(parsed)):
            if first.covers(parsed[later]):
                raise bad_request(
                    f"Overlapping event types: {raw[index]} and {raw[later]}", p.EVENT_TYPE_OVERLAP
                )
    return parsed


def _target(raw: Any, rule: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise bad_request("targetConfiguration must be an object")
    if raw.get("targetType") != "webhook":
        raise bad_request("targetConfiguration.targetType must be 'webhook'")
    url = raw.get("url")
    if not isinstance(url, str) or not url.startswith("https://") or len(url) <= len("https://"):
        raise bad_request("targetConfiguration.url must be an https:// URL")
    target: dict[str, Any] = {"targetType": "webhook", "url": url}
    headers = raw.get("customHeaders")
    if headers is not None:
        target["customHeaders"] = _custom_headers(headers)
    secret = raw.get("hmacSha256SigningSecret")
    if secret is not None:
        if not isinstance(secret, str) or not _SIGNING_SECRET.fullmatch(secret):
            raise bad_request("hmacSha256SigningSecret must be 32 alphanumeric characters")
        target["hmacSha256SigningSecret"] = secret
    batch = raw.get("maxEventsPerBatch", rule.get("maxEventsPerBatch"))
    if batch is not None:
        if not isinstance(batch, int) or isinstance(batch, bool) or not 1 <= batch <= MAX_EVENTS_PER_BATCH:
            raise bad_request(f"maxEventsPerBatch must be 1..{MAX_EVENTS_PER_BATCH}")
        target["maxEventsPerBatch"] = batch
    return target


def _custom_headers(raw: Any) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        raise bad_request("customHeaders must be an array")
    headers: list[dict[str, str]] = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise bad_request("each custom header must be an object with name and value")
        name, value = item.get("name"), item.get("value")
        if not isinstance(name, str) or not name or not isinstance(value, str):
            raise bad_request("each custom header needs a string name and value")
        if name.lower().startswith("x-bz-"):
            raise bad_request(f"custom header {name} must not start with X-Bz-")
        headers.append({"name": name, "value": value})
    return headers


def parse_rule(raw: Any) -> tuple[dict[str, Any], list[EventType]]:
    """One rule as stored (output-only fields dropped) and its parsed event types."""
    if not isinstance(raw, Mapping):
        raise bad_request("each event notification rule must be an object")
    name = raw.get("name")
    if not isinstance(name, str) or not _RULE_NAME.fullmatch(name):
        raise bad_request("rule name must be 6..63 letters, digits or hyphens")
    events = _event_types(raw.get("eventTypes"))
    prefix = raw.get("objectNamePrefix", "")
    if prefix is None:
        prefix = ""
    if not isinstance(prefix, str):
        raise bad_request("objectNamePrefix must be a string")
    enabled = raw.get("isEnabled", True)
    if not isinstance(enabled, bool):
        raise bad_request("isEnabled must be a boolean")
    rule = {
        "eventTypes": list(raw["eventTypes"]),
        "isEnabled": enabled,
        "name": name,
        "objectNamePrefix": prefix,
        "targetConfiguration": _target(raw.get("targetConfiguration"), raw),
    }
    return rule, events


def validate_rules(raw: Any) -> list[dict[str, Any]]:
    """The whole ``eventNotificationRules`` array, checked across rules; returned sorted by name."""
    if not isinstance(raw, list):
        raise bad_request("eventNotificationRules must be an array")
    if len(raw) > MAX_RULES_PER_BUCKET:
        raise bad_request(f"a bucket can have at most {MAX_RULES_PER_BUCKET} event notification rules")
    parsed = [parse_rule(item) for item in raw]
    names = [rule["name"] for rule, _ in parsed]
    if len(set(names)) != len(names):
        raise bad_request("event notification rule names must be unique")
    for index, (rule, events) in enumerate(parsed):
        for other, other_events in parsed[index + 1 :]:
            if _prefixes_overlap(rule["objectNamePrefix"], other["objectNamePrefix"]) and any(
                mine.covers(theirs) for mine in events for theirs in other_events
            ):
                raise bad_request(
                    f"rules {rule['name']} and {other['name']} overlap in event types and prefixes",
                    p.EVENT_TYPE_OVERLAP,
                )
    return sorted((rule for rule, _ in parsed), key=lambda rule: str(rule["name"]))


def _prefixes_overlap(first: str, second: str) -> bool:
    return first.startswith(second) or second.startswith(first)


def rule_json(rule: Mapping[str, Any]) -> dict[str, Any]:
    """A stored rule as answered: the output-only suspension fields filled in."""
    return {**rule, "isSuspended": False, "suspensionReason": ""}
