"""Small-file uploads: ``b2_get_upload_url`` hands out a URL + upload token, ``b2_upload_file`` streams the
body to disk while hashing it and commits the version in one transaction (protocol §6.9, §6.10, §7).

Every check that may refuse the upload (name, headers, encryption, Object Lock) runs before the body is read.
"""

from __future__ import annotations

from email.message import Message
from typing import Any

from b2kit import _protocol as p
from b2kit.server import _versions
from b2kit.server._errors import bad_request
from b2kit.server._handlers import _auth, _receiving
from b2kit.server._handlers._shapes import file_json
from b2kit.server._http._exchange import Request
from b2kit.server._rules import _encryption, _file_lock
from b2kit.server._rules._capabilities import Principal
from b2kit.server._rules._checksums import parse_checksum
from b2kit.server._rules._file_info import checked_content_type, checked_file_info, checked_name
from b2kit.server._state import UPLOAD, NewVersion

_FORBIDDEN_HEADERS = (
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Content-Location",
    "Expires",
)


def header_text(headers: Message, name: str) -> str | None:
    """A percent-encoded header value decoded (``+`` as space); raw UTF-8 bytes are tolerated."""
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return p.decode_name(raw.encode("latin-1").decode("utf-8"))
    except (UnicodeError, ValueError) as exc:
        raise bad_request(f"{name} is not valid percent-encoded UTF-8") from exc


def _content_type(headers: Message, file_name: str) -> str:
    value = headers.get("Content-Type")
    if value is None or not value.strip():
        raise bad_request("Content-Type header is required")
    return checked_content_type(value, file_name, field="Content-Type")


def _file_info(headers: Message, file_name: str) -> dict[str, str]:
    prefix = p.FILE_INFO_HEADER_PREFIX.lower()
    info: dict[str, str] = {}
    for name in headers:
        if name.lower().startswith(prefix):
            key = name[len(prefix) :].lower()
            if key in info:
                raise bad_request(f"file info header {name} given twice")
            info[key] = header_text(headers, name) or ""
    return checked_file_info(info, file_name)


def _custom_timestamp(request: Request) -> int | None:
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
    _auth.require(principal, p.WRITE_FILES, bucket_id=bucket_id)
    with request.app.state.write() as tx:
        tx.buckets.require(bucket_id)
        issued = _receiving.issue_upload_url(request, tx, principal, _receiving.SMALL_FILE, bucket_id)
    return {"bucketId": bucket_id, **issued}


def upload_file(request: Request) -> dict[str, Any]:
    return _receiving.upload(request, _receiving.SMALL_FILE, _receive)


def _receive(request: Request, principal: Principal, bucket_id: str) -> dict[str, Any]:
    headers = request.headers
    raw_name = header_text(headers, "X-Bz-File-Name")
    if raw_name is None:
        raise bad_request("X-Bz-File-Name header is required")
    file_name = checked_name(raw_name)
    _auth.require(principal, p.WRITE_FILES, bucket_id=bucket_id, file_name=file_name)
    if headers.get("Content-Length") is None:
        raise bad_request("Content-Length header is required")
    for forbidden in _FORBIDDEN_HEADERS:
        if headers.get(forbidden) is not None:
            raise bad_request(f"{forbidden} must be sent as X-Bz-Info-b2-{forbidden.lower()}")
    checksum = parse_checksum(headers.get("X-Bz-Content-Sha1"))
    content_type = _content_type(headers, file_name)
    info = _file_info(headers, file_name)
    with request.app.state.read() as tx:
        bucket = tx.buckets.require(bucket_id)
    encryption = _encryption.from_headers(headers, bucket.default_sse)
    asked = _file_lock.lock_request_from_headers(headers)
    lock = _file_lock.lock_for_new_version(principal, bucket, asked, request.app.now_ms())
    stamp = _custom_timestamp(request)
    size = request.body.length - checksum.trailer_size
    if size > p.MAX_SMALL_FILE_SIZE:
        raise bad_request(f"files larger than {p.MAX_SMALL_FILE_SIZE} bytes need the large file API")
    received, sha1 = _receiving.receive_body(request, checksum)
    new = NewVersion(
        bucket_id=bucket_id,
        file_name=file_name,
        action=UPLOAD,
        upload_ms=stamp or request.app.now_ms(),
        content_type=content_type,
        content_length=received.size,
        content_sha1=sha1,
        content_md5=received.md5,
        file_info=info,
        encryption=encryption,
        lock=lock,
    )
    version = _versions.commit_version(request.app, new, received)
    return file_json(request.app.account.account_id, principal, version)
