"""Who is calling and what they may do: credentials, token lookup and expiry, capabilities, key restrictions.

Every API endpoint starts with ``account(request)`` (or ``upload_caller`` for upload URLs, ``token`` for
download tokens) and then ``require(principal, capability, bucket_id=..., file_name=...)``; a refusal is
401. The ``/_b2kit/`` helpers call ``require_master``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from b2kit import _protocol as p
from b2kit.server._errors import B2Error, unauthorized
from b2kit.server._exchange import Request
from b2kit.server._state import Key, Token


@dataclass(frozen=True)
class Principal:
    """The application key behind a token, as far as permissions go."""

    key_id: str
    capabilities: frozenset[str]
    bucket_ids: frozenset[str] | None
    name_prefix: str | None

    @classmethod
    def of(cls, key: Key) -> Principal:
        bucket_ids = None if key.bucket_ids is None else frozenset(key.bucket_ids)
        return cls(key.key_id, frozenset(key.capabilities), bucket_ids, key.name_prefix)

    def can(self, capability: str) -> bool:
        return capability in self.capabilities

    def allows_bucket(self, bucket_id: str) -> bool:
        return self.bucket_ids is None or bucket_id in self.bucket_ids

    def allows_name(self, file_name: str) -> bool:
        return self.name_prefix is None or file_name.startswith(self.name_prefix)


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


def require(
    principal: Principal,
    capability: str | None,
    *,
    bucket_id: str | None = None,
    file_name: str | None = None,
) -> None:
    """401 ``unauthorized`` unless the key has ``capability`` and covers the bucket and file name."""
    if capability is not None and not principal.can(capability):
        raise unauthorized(f"unauthorized: the key lacks the {capability} capability")
    if bucket_id is not None and not principal.allows_bucket(bucket_id):
        raise unauthorized("unauthorized: the key is restricted to another bucket")
    if file_name is not None and not principal.allows_name(file_name):
        raise unauthorized("unauthorized: the file name is outside the key's name prefix")


def check_account(request: Request) -> None:
    """``accountId`` is optional in bucket and key calls, but when given it must be ours."""
    account_id = request.params.opt_text("accountId")
    if account_id is not None and account_id != request.app.account.account_id:
        raise unauthorized("accountId does not match the authorized account")


def list_prefix(principal: Principal, prefix: str, version: str) -> str | None:
    """The prefix a list call may use under the key's name prefix.

    A requested prefix inside the key's prefix is used as is. v1 filters silently: a wider prefix is
    narrowed to the key's, a disjoint one lists nothing (None). v2+ answer 401, except that a non-empty
    prefix the key's prefix starts with (``"public"`` for a key limited to ``"public/"``, which b2sdk's
    ``ls`` sends to probe for a file) is narrowed too.
    """
    key_prefix = principal.name_prefix
    if key_prefix is None or prefix.startswith(key_prefix):
        return prefix
    if key_prefix.startswith(prefix) and (prefix or version == "v1"):
        return key_prefix
    if version == "v1":
        return None
    raise unauthorized("unauthorized: the prefix must start with the key's name prefix")


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


def require_master(request: Request) -> None:
    """401 unless the ``/_b2kit/`` helper call carries the master key as Basic auth."""
    key_id, key = basic_credentials(request.authorization)
    owner = request.app.account
    ok_id = key_id in (owner.master_key_id, owner.account_id)
    if not (ok_id and hmac.compare_digest(key.encode(), owner.master_key.encode())):
        raise unauthorized("the /_b2kit/ helpers need the master key (Basic auth)")
