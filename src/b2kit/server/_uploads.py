"""Small-file uploads: ``b2_get_upload_url`` hands out a URL + upload token, ``b2_upload_file`` streams the
body to disk while hashing it and commits the version in one transaction (protocol §6.9, §6.10, §7).

Every check that may refuse the upload (names, headers, encryption, Object Lock) runs before the body is read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import mimetypes
import sqlite3
import string
from dataclasses import dataclass
from typing import Any

from b2kit import _protocol as p
from b2kit.server import _auth, _buckets, _file_lock, _files, _ids
from b2kit.server._auth import Principal
from b2kit.server._blobs import ReceivedBlob
from b2kit.server._errors import B2Error, bad_bucket_id, bad_request, unauthorized
from b2kit.server._exchange import Request
from b2kit.server._file_info import checked_file_info

UPLOAD_TOKEN_TTL_MS = 24 * 3600 * 1000
_FORBIDDEN_HEADERS = (
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Content-Location",
    "Expires",
)


@dataclass(frozen=True)
class Checksum:
    """What ``X-Bz-Content-Sha1`` asked for: a given hex, ``hex_digits_at_end`` or ``do_not_verify``."""

    mode: str
    expected: str | None = None

    @property
    def trailer_size(self) -> int:
        return p.SHA1_HEX_LENGTH if self.mode == p.HEX_DIGITS_AT_END else 0

    def stored_value(self, computed: str, trailer: bytes) -> str:
        """The ``contentSha1`` to store, or 400 when the body does not match."""
        if self.mode == p.DO_NOT_VERIFY:
            return p.UNVERIFIED_PREFIX + computed
        expected = self.expected if self.mode == "given" else trailer.decode("ascii", "replace").lower()
        if expected != computed:
            raise bad_request("Sha1 did not match data received")
        return computed


def parse_checksum(value: str | None) -> Checksum:
    if value is None:
        raise bad_request("X-Bz-Content-Sha1 header is required")
    value = value.strip()
    if value in (p.HEX_DIGITS_AT_END, p.DO_NOT_VERIFY):
        return Checksum(value)
    if len(value) == p.SHA1_HEX_LENGTH and all(ch in string.hexdigits for ch in value):
        return Checksum("given", value.lower())
    raise bad_request("X-Bz-Content-Sha1 must be 40 hex digits, hex_digits_at_end or do_not_verify")


def header_text(request: Request, name: str) -> str | None:
    """A percent-encoded header value decoded (``+`` as space); raw UTF-8 bytes are tolerated."""
    raw = request.headers.get(name)
    if raw is None:
        return None
    try:
        return p.decode_name(raw.encode("latin-1").decode("utf-8"))
    except (UnicodeError, ValueError) as exc:
        raise bad_request(f"{name} is not valid percent-encoded UTF-8") from exc


def content_type(request: Request, file_name: str) -> str:
    value = request.headers.get("Content-Type")
    if value is None or not value.strip():
        raise bad_request("Content-Type header is required")
    value = value.strip()
    if value == p.CONTENT_TYPE_AUTO:
        return mimetypes.guess_type(file_name, strict=False)[0] or "application/octet-stream"
    if "/" not in value or len(value) > 1000 or not value.isascii() or not value.isprintable():
        raise bad_request(f"invalid Content-Type {value[:100]!r}")
    return value


def file_info_headers(request: Request, file_name: str) -> dict[str, str]:
    prefix = p.FILE_INFO_HEADER_PREFIX.lower()
    info: dict[str, str] = {}
    for name in request.headers:
        if name.lower().startswith(prefix):
            key = name[len(prefix) :].lower()
            if key in info:
                raise bad_request(f"file info header {name} given twice")
            info[key] = header_text(request, name) or ""
    return checked_file_info(info, file_name)


def sse_columns(request: Request, bucket: sqlite3.Row) -> dict[str, Any]:
    """``sse`` / ``sse_key_md5`` columns from the SSE headers, else the bucket default."""
    headers = request.headers
    customer_algorithm = headers.get("X-Bz-Server-Side-Encryption-Customer-Algorithm")
    if customer_algorithm is not None:
        return {
            "sse": json.dumps({"algorithm": "AES256", "mode": "SSE-C"}),
            "sse_key_md5": customer_key_md5(request),
        }
    mode = headers.get("X-Bz-Server-Side-Encryption")
    if mode is not None:
        if mode != "AES256":
            raise bad_request("X-Bz-Server-Side-Encryption must be AES256")
        return {"sse": json.dumps({"algorithm": "AES256", "mode": "SSE-B2"})}
    return {"sse": bucket["default_sse"]}


def customer_key_md5(request: Request) -> str:
    """Validate the SSE-C header triplet; returns the key's base64 MD5 (all that is ever stored)."""
    headers = request.headers
    if headers.get("X-Bz-Server-Side-Encryption-Customer-Algorithm") != "AES256":
        raise bad_request("X-Bz-Server-Side-Encryption-Customer-Algorithm must be AES256")
    try:
        key = base64.b64decode(headers.get("X-Bz-Server-Side-Encryption-Customer-Key", ""), validate=True)
    except (binascii.Error, ValueError) as exc:  # ValueError: non-ASCII characters
        raise bad_request("X-Bz-Server-Side-Encryption-Customer-Key is not base64") from exc
    if len(key) != 32:
        raise bad_request("the SSE-C key must be 32 bytes")
    md5 = base64.b64encode(hashlib.md5(key).digest()).decode()
    if headers.get("X-Bz-Server-Side-Encryption-Customer-Key-Md5") != md5:
        raise bad_request("X-Bz-Server-Side-Encryption-Customer-Key-Md5 does not match the key")
    return md5


def custom_timestamp(request: Request) -> int | None:
    raw = request.headers.get("X-Bz-Custom-Upload-Timestamp")
    if raw is None:
        return None
    if not raw.strip().isdigit() or not raw.isascii() or len(raw.strip()) > 15:
        raise bad_request("X-Bz-Custom-Upload-Timestamp must be milliseconds since the epoch")
    value = int(raw)
    if value > request.app.now_ms():
        raise bad_request("X-Bz-Custom-Upload-Timestamp must not be in the future")
    return value


def get_upload_url(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    bucket_id = request.params.text("bucketId")
    _auth.require(principal, "writeFiles", bucket_id=bucket_id)
    with request.app.store.write() as conn:
        _buckets.require(conn, bucket_id)
        expires = request.app.now_ms() + UPLOAD_TOKEN_TTL_MS
        token = _auth.issue(conn, "upload", expires, key_id=principal.key_id, bucket_id=bucket_id)
    upload_url = f"{request.base_url}/b2api/{request.version}/b2_upload_file/{bucket_id}/{_ids.blob_name()}"
    return {"bucketId": bucket_id, "uploadUrl": upload_url, "authorizationToken": token}


@dataclass(frozen=True)
class UploadCaller:
    """Who sends an upload: its token, the key it acts for, and the bucket or large file it is bound to."""

    token: str
    principal: Principal
    bound_to: str


def upload_caller(request: Request, kind: str, scope: str, what: str) -> UploadCaller:
    """Check an upload token of ``kind`` and that the URL's first segment names its ``scope`` column."""
    token = request.authorization or ""
    row = _auth.token_row(request, token, (kind,))
    bound_to = str(row[scope])
    if request.path_args and request.path_args[0] != bound_to:
        raise unauthorized(f"unauthorized: this {kind.replace('_', ' ')} token belongs to another {what}")
    return UploadCaller(token, _auth.key_principal(request, str(row["key_id"])), bound_to)


def upload_file(request: Request) -> dict[str, Any]:
    caller = upload_caller(request, "upload", "bucket_id", "bucket")
    with request.app.exclusive_upload(caller.token):
        return _receive(request, caller.principal, caller.bound_to)


def _receive(request: Request, principal: Principal, bucket_id: str) -> dict[str, Any]:
    raw_name = header_text(request, "X-Bz-File-Name")
    if raw_name is None:
        raise bad_request("X-Bz-File-Name header is required")
    file_name = _files.checked_name(raw_name)
    _auth.require(principal, "writeFiles", bucket_id=bucket_id, file_name=file_name)
    if request.headers.get("Content-Length") is None:
        raise bad_request("Content-Length header is required")
    for forbidden in _FORBIDDEN_HEADERS:
        if request.headers.get(forbidden) is not None:
            raise bad_request(f"{forbidden} must be sent as X-Bz-Info-b2-{forbidden.lower()}")
    checksum = parse_checksum(request.headers.get("X-Bz-Content-Sha1"))
    columns: dict[str, Any] = {
        "bucket_id": bucket_id,
        "file_name": file_name,
        "action": "upload",
        "content_type": content_type(request, file_name),
        "file_info": json.dumps(file_info_headers(request, file_name)),
    }
    with request.app.store.read() as conn:
        bucket = _buckets.find(conn, bucket_id)
    if bucket is None:
        raise bad_bucket_id(bucket_id)
    columns.update(sse_columns(request, bucket))
    columns.update(_file_lock.upload_lock_columns(request, bucket, principal))
    stamp = custom_timestamp(request)
    size = request.body.length - checksum.trailer_size
    if size > p.MAX_SMALL_FILE_SIZE:
        raise bad_request(f"files larger than {p.MAX_SMALL_FILE_SIZE} bytes need the large file API")
    received = request.app.blobs.receive(request.body, request.body.length, checksum.trailer_size)
    try:
        columns["content_sha1"] = checksum.stored_value(received.sha1, received.trailer)
    except B2Error:
        request.app.blobs.discard(received)
        raise
    columns.update(content_length=received.size, content_md5=received.md5)
    return _commit(request, principal, columns, received, stamp)


def _commit(
    request: Request, principal: Principal, columns: dict[str, Any], received: ReceivedBlob, stamp: int | None
) -> dict[str, Any]:
    app = request.app
    blob = app.blobs.keep(received)
    try:
        with app.store.write() as conn:
            if _buckets.find(conn, str(columns["bucket_id"])) is None:
                raise bad_bucket_id(str(columns["bucket_id"]))
            row = _files.insert_version(conn, {**columns, "blob": blob, "upload_ms": stamp or app.now_ms()})
    except BaseException:
        app.blobs.delete([blob])
        raise
    return _files.file_json(request, principal, row)
