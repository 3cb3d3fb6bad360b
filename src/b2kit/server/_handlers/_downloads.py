"""Downloads by id (``/b2api/v*/b2_download_file_by_id``) and by name (``/file/<bucket>/<name>``), GET and
HEAD, with ranges, the §8.2 headers and the authorization rules of public and private buckets."""

from __future__ import annotations

import urllib.parse

from b2kit import _protocol as p
from b2kit.server._errors import bad_request, not_found, unauthorized
from b2kit.server._handlers import _auth
from b2kit.server._http._exchange import Request, Response
from b2kit.server._rules import _encryption
from b2kit.server._rules._capabilities import Principal
from b2kit.server._rules._file_lock import HEADER_LEGAL_HOLD, HEADER_RETAIN_UNTIL, HEADER_RETENTION_MODE
from b2kit.server._rules._overrides import OVERRIDES, override_values
from b2kit.server._rules._ranges import parse_range
from b2kit.server._slices import version_slices
from b2kit.server._state import UPLOAD, Bucket, FileVersion


def _authorize(request: Request, bucket: Bucket, file_name: str, by_name: bool) -> Principal | None:
    """The caller's principal (None for anonymous or download tokens); 401 when not allowed."""
    token = request.authorization
    if token is None and by_name:
        token = (
            request.query.get("Authorization")
            if isinstance(request.query.get("Authorization"), str)
            else None
        )
    public = bucket.bucket_type == p.BUCKET_TYPE_PUBLIC
    if token is None:
        if public:
            return None
        raise unauthorized("unauthorized: this bucket is private; send an authorization token")
    found = _auth.token(request, token, ("account", "download") if by_name else ("account",))
    if found.kind == "download":
        if found.bucket_id != bucket.bucket_id or not file_name.startswith(found.name_prefix or ""):
            raise unauthorized("unauthorized: the download token does not cover this file")
        given = override_values(request.params.opt_text)
        if any(given.get(name) != value for name, value in found.overrides.items()):
            raise unauthorized("unauthorized: the download token requires other b2* parameters")
        return None
    principal = _auth.key_principal(request, found.key_id)
    if not public:
        _auth.require(principal, p.READ_FILES, bucket_id=bucket.bucket_id, file_name=file_name)
    return principal


def download_file_by_id(request: Request) -> Response:
    file_id = request.params.text("fileId")
    with request.app.state.read() as tx:
        version = tx.files.get(file_id)
        bucket = None if version is None else tx.buckets.get(version.bucket_id)
    if version is None or bucket is None:
        raise not_found(f"file not found: {file_id}")
    principal = _authorize(request, bucket, version.file_name, by_name=False)
    if version.action != UPLOAD:
        raise not_found(f"file {file_id} has no content to download ({version.action})")
    return _serve(request, principal, bucket, version)


def download_file_by_name(request: Request) -> Response:
    raw_bucket, raw_name = request.path_args
    try:
        bucket_name = urllib.parse.unquote(raw_bucket, errors="strict")
        file_name = p.decode_name(raw_name)
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad_request("the download URL is not valid percent-encoded UTF-8") from exc
    with request.app.state.read() as tx:
        bucket = tx.buckets.by_name(bucket_name)
    if bucket is None:
        raise not_found(f"bucket {bucket_name[:100]} does not exist")
    principal = _authorize(request, bucket, file_name, by_name=True)
    with request.app.state.read() as tx:
        version = tx.files.current(bucket.bucket_id, file_name)
    if version is None or version.action != UPLOAD:
        raise not_found(f"file not found: {file_name[:200]}")
    return _serve(request, principal, bucket, version)


def _serve(request: Request, principal: Principal | None, bucket: Bucket, version: FileVersion) -> Response:
    overrides = override_values(request.params.opt_text)
    sse_headers = _sse_headers(request, version)
    total = version.content_length
    byte_range = parse_range(request.headers.get("Range"), total)
    with request.app.state.read() as tx:
        segments = tx.parts.segments(version)
    blobs = request.app.blobs
    if not blobs.exists(segment.blob for segment in segments):
        raise not_found(f"file not found: {version.file_id}")
    headers = _headers(principal, bucket, version, overrides) + sse_headers
    first, length, status = 0, total, 200
    if byte_range is not None and byte_range.partial:
        first, length, status = byte_range.first, byte_range.length, 206
        headers.append(("Content-Range", byte_range.content_range()))
    return Response(
        status=status,
        headers=headers,
        stream=lambda: version_slices(blobs.path, segments, first, length),
        length=length,
    )


def _headers(
    principal: Principal | None, bucket: Bucket, version: FileVersion, overrides: dict[str, str]
) -> list[tuple[str, str]]:
    info = version.file_info
    headers = [
        ("Content-Type", overrides.get("b2ContentType") or version.content_type or ""),
        ("X-Bz-File-Id", version.file_id),
        ("X-Bz-File-Name", p.encode_name(version.file_name)),
        ("X-Bz-Content-Sha1", version.content_sha1 or ""),
        ("X-Bz-Upload-Timestamp", str(version.upload_ms)),
        ("Accept-Ranges", "bytes"),
    ]
    headers += [
        (f"X-Bz-Info-{key}", p.encode_name(value)) for key, value in info.items() if not key.startswith("b2-")
    ]
    bucket_cache = bucket.bucket_info.get("Cache-Control")
    for name, (info_key, header) in OVERRIDES.items():
        if not info_key:
            continue
        value = overrides.get(name) or info.get(info_key)
        if header == "Cache-Control":
            value = value or bucket_cache
        if value:
            headers.append((header, value))
    if version.replication_status:
        headers.append(("X-Bz-Replication-Status", version.replication_status))
    if bucket.file_lock_enabled:
        headers += _lock_headers(principal, version)
    return headers


def _lock_headers(principal: Principal | None, version: FileVersion) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    withheld: list[str] = []
    retention, hold = version.lock.retention, version.lock.legal_hold
    if principal is not None and principal.can(p.READ_FILE_RETENTIONS):
        if retention.mode:
            headers.append((HEADER_RETENTION_MODE, retention.mode))
            headers.append((HEADER_RETAIN_UNTIL, str(retention.retain_until_ms)))
    else:
        withheld += [HEADER_RETENTION_MODE, HEADER_RETAIN_UNTIL]
    if principal is not None and principal.can(p.READ_FILE_LEGAL_HOLDS):
        if hold:
            headers.append((HEADER_LEGAL_HOLD, hold))
    else:
        withheld.append(HEADER_LEGAL_HOLD)
    if withheld:
        headers.append(("X-Bz-Client-Unauthorized-To-Read", ",".join(withheld)))
    return headers


def _sse_headers(request: Request, version: FileVersion) -> list[tuple[str, str]]:
    """The encryption headers; an SSE-C file is served only to a request that repeats its key."""
    _encryption.require_key(
        version.encryption,
        lambda: _encryption.given_key_from_headers(request.headers),
        bad_request("this file is encrypted with SSE-C; send the customer key headers"),
        "the file",
    )
    return _encryption.download_headers(version.encryption)
