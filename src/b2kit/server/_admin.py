"""Test helpers under ``/_b2kit/``: health (open), and, behind the master key (Basic auth), reset, state
dump and expire-tokens."""

from __future__ import annotations

import hmac
import json
from typing import Any

from b2kit.server import _auth
from b2kit.server._authorize import basic_credentials
from b2kit.server._errors import unauthorized
from b2kit.server._exchange import Request
from b2kit.server._routes import ADMIN, endpoint

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


@endpoint("health", methods=("GET",), namespace=ADMIN)
def health(request: Request) -> dict[str, Any]:
    return {"status": "ok", "accountId": request.app.account.account_id}


@endpoint("reset", methods=("POST",), namespace=ADMIN)
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


@endpoint("state", methods=("GET",), namespace=ADMIN)
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


@endpoint("expire-tokens", methods=("POST",), namespace=ADMIN)
def expire_tokens(request: Request) -> dict[str, Any]:
    _require_master(request)
    return {"expired": _auth.expire_account_tokens(request.app)}
