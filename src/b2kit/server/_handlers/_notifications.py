"""``b2_set_bucket_notification_rules`` and ``b2_get_bucket_notification_rules``: a bucket's event
notification rules, validated (``_rules._notification_rules``), stored whole, returned sorted by name."""

from __future__ import annotations

from typing import Any

from b2kit import _protocol as p
from b2kit.server._errors import bad_request
from b2kit.server._handlers import _auth
from b2kit.server._http._exchange import Request
from b2kit.server._rules._notification_rules import rule_json, validate_rules


def _bucket_id(request: Request, capability: str) -> str:
    principal = _auth.account(request)
    bucket_id = request.params.text("bucketId")
    _auth.require(principal, capability, bucket_id=bucket_id)
    with request.app.state.read() as tx:
        tx.buckets.require(bucket_id)
    return bucket_id


def _answer(request: Request, bucket_id: str) -> dict[str, Any]:
    with request.app.state.read() as tx:
        rules = tx.notification_rules.of_bucket(bucket_id)
    return {"bucketId": bucket_id, "eventNotificationRules": [rule_json(rule) for rule in rules]}


def set_bucket_notification_rules(request: Request) -> dict[str, Any]:
    bucket_id = _bucket_id(request, p.WRITE_BUCKET_NOTIFICATIONS)
    if not request.params.has("eventNotificationRules"):
        raise bad_request("required field eventNotificationRules is missing")
    rules = validate_rules(request.params.raw("eventNotificationRules"))
    with request.app.state.write() as tx:
        tx.buckets.require(bucket_id)
        tx.notification_rules.replace(bucket_id, rules)
    return _answer(request, bucket_id)


def get_bucket_notification_rules(request: Request) -> dict[str, Any]:
    return _answer(request, _bucket_id(request, p.READ_BUCKET_NOTIFICATIONS))
