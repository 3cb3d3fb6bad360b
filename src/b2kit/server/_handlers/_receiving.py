"""What small-file uploads and part uploads share: the upload URL and the token bound to a bucket or large
file, one upload per token at a time, and the body received to a temp blob while hashed and checked against
``X-Bz-Content-Sha1`` (the temp blob is removed when the check fails)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from b2kit.server import _ids
from b2kit.server._blobs import ReceivedBlob
from b2kit.server._errors import B2Error
from b2kit.server._handlers import _auth
from b2kit.server._http._exchange import Request
from b2kit.server._rules._capabilities import Principal
from b2kit.server._rules._checksums import Checksum
from b2kit.server._state import Tx

UPLOAD_TOKEN_TTL_MS: Final = 24 * 3600 * 1000
SMALL_FILE: Final = "upload"
PART: Final = "upload_part"
"""Token kinds: ``upload`` is bound to a bucket (``b2_upload_file``), ``upload_part`` to a large file."""
_ENDPOINTS: Final = {SMALL_FILE: "b2_upload_file", PART: "b2_upload_part"}
_BOUND_TO: Final = {SMALL_FILE: "bucket", PART: "large file"}

Receiver = Callable[[Request, Principal, str], dict[str, Any]]


def issue_upload_url(
    request: Request, tx: Tx, principal: Principal, kind: str, bound_to: str
) -> dict[str, str]:
    """A new token of ``kind`` for the bucket or large file ``bound_to``, and the URL it uploads to."""
    expires = request.app.now_ms() + UPLOAD_TOKEN_TTL_MS
    token = tx.tokens.issue(
        kind,
        expires,
        key_id=principal.key_id,
        bucket_id=bound_to if kind == SMALL_FILE else None,
        file_id=bound_to if kind == PART else None,
    )
    url = f"{request.base_url}/b2api/{request.version}/{_ENDPOINTS[kind]}/{bound_to}/{_ids.blob_name()}"
    return {"uploadUrl": url, "authorizationToken": token}


def upload(request: Request, kind: str, receive: Receiver) -> dict[str, Any]:
    """Check the upload token of ``kind``, then ``receive`` the body while no other upload uses the token
    (a second concurrent one gets 400 ``auth_token_limit``)."""
    caller = _auth.upload_caller(request, kind, _BOUND_TO[kind])
    with request.app.exclusive_upload(caller.token):
        return receive(request, caller.principal, caller.bound_to)


def receive_body(request: Request, checksum: Checksum) -> tuple[ReceivedBlob, str]:
    """The body in a temp blob and the ``contentSha1`` to store for it (400 when it does not match)."""
    blobs = request.app.blobs
    received = blobs.receive(request.body, request.body.length, checksum.trailer_size)
    try:
        return received, checksum.stored_value(received.sha1, received.trailer)
    except B2Error:
        blobs.discard(received)
        raise
