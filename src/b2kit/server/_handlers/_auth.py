"""Who is calling: credentials, token lookup and expiry, the key behind a token, the master key.

Every API endpoint starts with ``account(request)`` (or ``upload_caller`` for upload URLs, ``token`` for
download tokens) and then ``require(principal, capability, bucket_id=..., file_name=...)`` (the rule, in
``_rules._capabilities``); a refusal is 401. The ``/_b2kit/`` helpers call ``require_master``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from b2kit import _protocol as p
from b2kit.server._errors import B2Error, unauthorized
from b2kit.server._http._exchange import Request
from b2kit.server._rules._capabilities import Principal, list_prefix, require
from b2kit.server._state import Key, Token

__all__ = [
    "Principal",
    "UploadCaller",
    "account",
    "basic_credentials",
    "check_account",
    "check_key",
    "key_principal",
    "list_prefix",
    "require",
    "require_master",
    "token",
    "upload_caller",
]


@dataclass(frozen=True)
class UploadCaller:
    """Who sends an upload: its token, the key it acts for, and the bucket or large file it is bound to."""

    token: str
    principal: Principal
    bound_to: str


def token(request: Request, value: str | None, kinds: Iterable[str]) -> Token:
    """The stored token, or 401 missing/bad/expired; the key it acts for must still exist."""
    if not value:
        raise B2Error(401, p.MISSING_AUTH_TOKEN, "Authorization header is missing")
    with request.app.state.read() as tx:
        found = tx.tokens.get(value)
    if found is None or found.kind not in set(kinds):
        raise B2Error(401, p.BAD_AUTH_TOKEN, "Invalid authorization token")
    if not found.key_alive:
        raise B2Error(401, p.BAD_AUTH_TOKEN, "Invalid authorization token: its key was deleted")
    if found.expires_ms <= request.app.now_ms():
        raise B2Error(401, p.EXPIRED_AUTH_TOKEN, "Authorization token has expired")
    return found


def key_principal(request: Request, key_id: str | None) -> Principal:
    with request.app.state.read() as tx:
        key = None if key_id is None else tx.keys.get(key_id)
    if key is None:
        raise B2Error(401, p.BAD_AUTH_TOKEN, "Invalid authorization token: its key was deleted")
    return Principal.of(key)


def account(request: Request) -> Principal:
    """The principal of the account token in the ``Authorization`` header (401 otherwise)."""
    found = token(request, request.authorization, ("account",))
    return key_principal(request, found.key_id)


def upload_caller(request: Request, kind: str, what: str) -> UploadCaller:
    """Check an upload token of ``kind`` (``upload``: bound to a bucket, ``upload_part``: to a large file)
    and that the URL's first segment names what it is bound to."""
    value = request.authorization or ""
    found = token(request, value, (kind,))
    bound_to = str(found.bucket_id if kind == "upload" else found.file_id)
    if request.path_args and request.path_args[0] != bound_to:
        raise unauthorized(f"unauthorized: this {kind.replace('_', ' ')} token belongs to another {what}")
    return UploadCaller(value, key_principal(request, found.key_id), bound_to)


def check_account(request: Request) -> None:
    """``accountId`` is optional in bucket and key calls, but when given it must be ours."""
    account_id = request.params.opt_text("accountId")
    if account_id is not None and account_id != request.app.account.account_id:
        raise unauthorized("accountId does not match the authorized account")


def basic_credentials(header: str | None) -> tuple[str, str]:
    """``(key_id, key)`` from a ``Basic`` Authorization header, or 401."""
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise unauthorized("b2_authorize_account needs Basic authorization with a key id and key")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:  # ValueError: non-ASCII base64
        raise unauthorized("malformed Basic authorization") from exc
    key_id, sep, key = decoded.partition(":")
    if not sep:
        raise unauthorized("malformed Basic authorization")
    return key_id, key


def check_key(key: Key | None, secret: str, now_ms: int) -> Key:
    """The key for valid credentials, else 401 (unknown key, wrong secret, expired)."""
    if key is None or not hmac.compare_digest(key.secret.encode(), secret.encode()):
        raise unauthorized("invalid key id or application key")
    if key.expiration_ms is not None and key.expiration_ms <= now_ms:
        raise unauthorized("application key has expired")
    return key


MASTER_KEY_NEEDED = (
    "the /_b2kit/ helpers need the server's master key as HTTP Basic auth (user: master key id, "
    "password: master key; `b2kit server` prints both, LocalServer has .key_id and .key)"
)


def require_master(request: Request) -> None:
    """401 unless the ``/_b2kit/`` helper call carries the master key as Basic auth; the message says what
    is needed (not the ``b2_authorize_account`` wording of ``basic_credentials``)."""
    try:
        key_id, key = basic_credentials(request.authorization)
    except B2Error as exc:
        raise unauthorized(MASTER_KEY_NEEDED) from exc
    owner = request.app.account
    ok_id = key_id in (owner.master_key_id, owner.account_id)
    if not (ok_id and hmac.compare_digest(key.encode(), owner.master_key.encode())):
        raise unauthorized(f"wrong key: {MASTER_KEY_NEEDED}")
