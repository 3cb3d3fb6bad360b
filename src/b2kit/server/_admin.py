"""Test helpers under ``/_b2kit/``: health (open), and, behind the master key (Basic auth), reset, state
dump, expire-tokens, lifecycle (run a pass, optionally at a simulated time) and faults (arm, list, clear)."""

from __future__ import annotations

import hmac
import json
from typing import Any

from b2kit.server import _auth
from b2kit.server._authorize import basic_credentials
from b2kit.server._errors import bad_request, unauthorized
from b2kit.server._exchange import Request
from b2kit.server._faults import FaultRule
from b2kit.server._file_lock import MAX_TIMESTAMP_MS
from b2kit.server._lifecycle import run_pass

_JSON_COLUMNS = frozenset(
    {
        "bucket_info",
        "cors_rules",
        "lifecycle_rules",
        "default_sse",
        "default_retention",
        "replication",
        "options",
    }
    | {"file_info", "sse", "capabilities", "bucket_ids", "rule"}
)


def _require_master(request: Request) -> None:
    key_id, key = basic_credentials(request.authorization)
    account = request.app.account
    ok_id = key_id in (account.master_key_id, account.account_id)
    if not (ok_id and hmac.compare_digest(key.encode(), account.master_key.encode())):
        raise unauthorized("the /_b2kit/ helpers need the master key (Basic auth)")


def health(request: Request) -> dict[str, Any]:
    return {"status": "ok", "accountId": request.app.account.account_id}


def reset(request: Request) -> dict[str, Any]:
    """Wipe buckets, files, parts, keys and tokens; only the master key survives."""
    _require_master(request)
    app = request.app
    with app.store.write() as conn:
        for table in ("large_file_parts", "notification_rules", "files", "buckets", "tokens"):
            conn.execute(f"DELETE FROM {table}")
        conn.execute("DELETE FROM keys WHERE is_master = 0")
    app.blobs.remove_all()
    return {"status": "reset"}


def state(request: Request) -> dict[str, Any]:
    """A JSON dump of buckets, file versions (with parts) and keys (without secrets)."""
    _require_master(request)
    with request.app.store.read() as conn:
        buckets = [dict(row) for row in conn.execute("SELECT * FROM buckets ORDER BY bucket_name")]
        files = [dict(row) for row in conn.execute("SELECT * FROM files ORDER BY bucket_id, file_name, seq")]
        parts = [
            dict(row) for row in conn.execute("SELECT * FROM large_file_parts ORDER BY file_id, part_number")
        ]
        keys = [dict(row) for row in conn.execute("SELECT * FROM keys ORDER BY key_id")]
        rules = [
            dict(row) for row in conn.execute("SELECT * FROM notification_rules ORDER BY bucket_id, name")
        ]
    for key in keys:
        key.pop("secret")
    for row in (*buckets, *files, *keys, *rules):
        for column in _JSON_COLUMNS & row.keys():
            if row[column] is not None:
                row[column] = json.loads(row[column])
    return {
        "accountId": request.app.account.account_id,
        "buckets": buckets,
        "files": files,
        "largeFileParts": parts,
        "keys": keys,
        "notificationRules": rules,
    }


def expire_tokens(request: Request) -> dict[str, Any]:
    _require_master(request)
    return {"expired": _auth.expire_account_tokens(request.app)}


def lifecycle(request: Request) -> dict[str, Any]:
    """Run one lifecycle pass now, or as of ``now`` (ms since the epoch) to simulate days passing."""
    _require_master(request)
    asked = request.params.opt_int("now")
    now = request.app.now_ms() if asked is None else asked
    if not 0 <= now <= MAX_TIMESTAMP_MS:
        raise bad_request("now must be milliseconds since the epoch")
    return {"now": now, **run_pass(request.app, now).to_json()}


def faults(request: Request) -> dict[str, Any]:
    """``GET`` lists the armed rules, ``POST`` arms the rule in the JSON body, ``DELETE`` disarms all."""
    _require_master(request)
    injector = request.app.faults
    if request.method == "DELETE":
        return {"cleared": injector.clear()}
    if request.method == "POST":
        params = request.params
        rule = FaultRule.from_json({name: params.raw(name) for name in params.names()})
        try:
            rule_id = injector.add(rule)
        except ValueError as exc:
            raise bad_request(str(exc)) from exc
        return {"ruleId": rule_id, **rule.to_json()}
    return {"rules": injector.rules(), "injected": injector.injected}
