"""Fresh opaque identifiers and secrets in the shapes real B2 uses (clients treat them as opaque)."""

from __future__ import annotations

import secrets
import time


def account_id() -> str:
    return secrets.token_hex(6)


def master_key_id(account: str) -> str:
    return f"000{account}0000000000"


def application_key_id(account: str) -> str:
    return f"004{account}{secrets.token_hex(5)}"


def application_key_secret() -> str:
    return "K004" + secrets.token_urlsafe(20)[:27]


def bucket_id() -> str:
    return secrets.token_hex(12)


def file_id(bucket: str, upload_ms: int) -> str:
    stamp = time.strftime("d%Y%m%d_m%H%M%S", time.gmtime(upload_ms / 1000))
    return f"4_z{bucket}_f1{secrets.token_hex(8)[:15]}_{stamp}_c000_v0001000_t{secrets.randbelow(10_000):04d}"


def token(kind: str) -> str:
    """An auth token; the kind tag only helps humans reading logs."""
    return f"4_{kind}_{secrets.token_urlsafe(24)}"


def blob_name() -> str:
    return secrets.token_hex(16)
