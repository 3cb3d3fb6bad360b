"""``b2_get_download_authorization``: a token for downloads by name in one bucket under one prefix, for a
limited time, optionally pinning b2* response-header overrides (protocol §6.23)."""

from __future__ import annotations

from typing import Any

from b2kit import _protocol as p
from b2kit.server._errors import bad_request
from b2kit.server._handlers import _auth
from b2kit.server._http._exchange import Request
from b2kit.server._rules._overrides import override_values


def get_download_authorization(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    params = request.params
    bucket_id = params.text("bucketId")
    prefix = params.opt_text("fileNamePrefix")
    if prefix is None:
        raise bad_request("required field fileNamePrefix is missing")
    duration = params.integer("validDurationInSeconds")
    if not 1 <= duration <= p.MAX_DOWNLOAD_AUTH_DURATION_SECONDS:
        raise bad_request(f"validDurationInSeconds must be 1..{p.MAX_DOWNLOAD_AUTH_DURATION_SECONDS}")
    _auth.require(principal, p.SHARE_FILES, bucket_id=bucket_id)
    if principal.name_prefix is not None and not prefix.startswith(principal.name_prefix):
        _auth.require(principal, None, file_name=prefix)
    overrides = override_values(params.opt_text)
    with request.app.state.write() as tx:
        tx.buckets.require(bucket_id)
        token = tx.tokens.issue(
            "download",
            request.app.now_ms() + duration * 1000,
            bucket_id=bucket_id,
            name_prefix=prefix,
            overrides=overrides,
        )
    return {"authorizationToken": token, "bucketId": bucket_id, "fileNamePrefix": prefix}
