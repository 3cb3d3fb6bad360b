"""``b2_authorize_account``: Basic auth with a key id (or the account id for the master key) and secret."""

from __future__ import annotations

from typing import Any

from b2kit import _protocol as p
from b2kit.server._errors import B2Error
from b2kit.server._handlers import _auth
from b2kit.server._http._exchange import Request
from b2kit.server._state import Key, Tx


def authorize_account(request: Request) -> dict[str, Any]:
    app = request.app
    key_id, secret = _auth.basic_credentials(request.authorization)
    now = app.now_ms()
    with app.state.write() as tx:
        # the account id names the master key
        found = tx.keys.master() if key_id == app.account.account_id else tx.keys.get(key_id)
        key = _auth.check_key(found, secret, now)
        if key.bucket_ids is not None and len(key.bucket_ids) > 1 and request.version != "v4":
            raise B2Error(401, p.UNSUPPORTED, "a key restricted to several buckets needs b2api/v4")
        expires = now + app.config.token_ttl_seconds * 1000
        if key.expiration_ms is not None:
            expires = min(expires, key.expiration_ms)
        token = tx.tokens.issue("account", expires, key_id=key.key_id)
        buckets = None if key.bucket_ids is None else [(bid, _bucket_name(tx, bid)) for bid in key.bucket_ids]
    return _shape(request, key, token, buckets)


def _bucket_name(tx: Tx, bucket_id: str) -> str | None:
    bucket = tx.buckets.get(bucket_id)
    return None if bucket is None else bucket.bucket_name


def _shape(
    request: Request, key: Key, token: str, buckets: list[tuple[str, str | None]] | None
) -> dict[str, Any]:
    """The version-specific answer (protocol §1.4)."""
    app, base = request.app, request.base_url
    capabilities = list(key.capabilities)
    single_id, single_name = buckets[0] if buckets else (None, None)
    sizes = {
        "absoluteMinimumPartSize": app.config.absolute_minimum_part_size,
        "recommendedPartSize": app.config.recommended_part_size,
    }
    urls = {"apiUrl": base, "downloadUrl": base, "s3ApiUrl": base}
    if request.version in ("v1", "v2"):
        allowed: dict[str, Any] = {"bucketId": single_id, "capabilities": capabilities}
        if request.version == "v2":
            allowed["bucketName"] = single_name
        allowed["namePrefix"] = key.name_prefix
        flat: dict[str, Any] = {
            "accountId": app.account.account_id,
            "allowed": allowed,
            "authorizationToken": token,
        }
        if request.version == "v1":
            flat["minimumPartSize"] = app.config.recommended_part_size
        return {**flat, **sizes, **urls}
    storage: dict[str, Any] = {
        **sizes,
        **urls,
        "capabilities": capabilities,
        "namePrefix": key.name_prefix,
    }
    if request.version == "v3":
        storage.update(bucketId=single_id, bucketName=single_name, infoType="storageApi")
    else:
        listed = None if buckets is None else [{"id": bid, "name": name} for bid, name in buckets]
        storage["allowed"] = {
            "buckets": listed,
            "capabilities": capabilities,
            "namePrefix": key.name_prefix,
        }
    return {
        "accountId": app.account.account_id,
        "authorizationToken": token,
        "applicationKeyExpirationTimestamp": key.expiration_ms,
        "apiInfo": {"storageApi": storage},
    }
