"""Downloads by id (``/b2api/v*/b2_download_file_by_id``) and by name (``/file/<bucket>/<name>``), GET and
HEAD, with ranges, the §8.2 headers and the authorization rules of public and private buckets."""

from __future__ import annotations

import json
import sqlite3
import urllib.parse
from collections.abc import Iterator
from typing import Any

from b2kit import _protocol as p
from b2kit.server import _auth, _buckets, _files, _uploads
from b2kit.server._auth import Principal
from b2kit.server._errors import access_denied, bad_request, not_found, unauthorized
from b2kit.server._exchange import FileSlice, Request, Response
from b2kit.server._file_info import b2_value_ok
from b2kit.server._ranges import parse_range

# request override parameter -> (file info key it overrides, response header)
OVERRIDES = {
    "b2ContentDisposition": ("b2-content-disposition", "Content-Disposition"),
    "b2ContentLanguage": ("b2-content-language", "Content-Language"),
    "b2Expires": ("b2-expires", "Expires"),
    "b2CacheControl": ("b2-cache-control", "Cache-Control"),
    "b2ContentEncoding": ("b2-content-encoding", "Content-Encoding"),
    "b2ContentType": ("", "Content-Type"),
}


def override_values(request: Request) -> dict[str, str]:
    """The b2* override parameters of the request, validated."""
    found: dict[str, str] = {}
    for name, (info_key, _header) in OVERRIDES.items():
        value = request.params.opt_text(name)
        if value is None:
            continue
        valid = b2_value_ok(info_key, value) if info_key else (value.isascii() and value.isprintable())
        if not valid or not value:
            raise bad_request(f"invalid value for {name}")
        found[name] = value
    return found


def _authorize(request: Request, bucket: sqlite3.Row, file_name: str, by_name: bool) -> Principal | None:
    """The caller's principal (None for anonymous or download tokens); 401 when not allowed."""
    token = request.authorization
    if token is None and by_name:
        token = (
            request.query.get("Authorization")
            if isinstance(request.query.get("Authorization"), str)
            else None
        )
    public = bucket["bucket_type"] == p.BUCKET_TYPE_PUBLIC
    if token is None:
        if public:
            return None
        raise unauthorized("unauthorized: this bucket is private; send an authorization token")
    row = _auth.token_row(request, token, ("account", "download") if by_name else ("account",))
    if row["kind"] == "download":
        if row["bucket_id"] != bucket["bucket_id"] or not file_name.startswith(row["name_prefix"] or ""):
            raise unauthorized("unauthorized: the download token does not cover this file")
        required = json.loads(row["overrides"] or "{}")
        given = override_values(request)
        if any(given.get(name) != value for name, value in required.items()):
            raise unauthorized("unauthorized: the download token requires other b2* parameters")
        return None
    principal = _auth.key_principal(request, str(row["key_id"]))
    if not public:
        _auth.require(principal, "readFiles", bucket_id=bucket["bucket_id"], file_name=file_name)
    return principal


def download_file_by_id(request: Request) -> Response:
    file_id = request.params.text("fileId")
    with request.app.store.read() as conn:
        row = _files.find_version(conn, file_id)
        bucket = None if row is None else _buckets.find(conn, row["bucket_id"])
    if row is None or bucket is None:
        raise not_found(f"file not found: {file_id}")
    principal = _authorize(request, bucket, row["file_name"], by_name=False)
    if row["action"] != "upload":
        raise not_found(f"file {file_id} has no content to download ({row['action']})")
    return _serve(request, principal, bucket, row)


def download_file_by_name(request: Request) -> Response:
    raw_bucket, raw_name = request.path_args
    try:
        bucket_name = urllib.parse.unquote(raw_bucket, errors="strict")
        file_name = p.decode_name(raw_name)
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad_request("the download URL is not valid percent-encoded UTF-8") from exc
    with request.app.store.read() as conn:
        bucket = _buckets.find_by_name(conn, bucket_name)
    if bucket is None:
        raise not_found(f"bucket {bucket_name[:100]} does not exist")
    principal = _authorize(request, bucket, file_name, by_name=True)
    with request.app.store.read() as conn:
        row = _files.current_version(conn, bucket["bucket_id"], file_name)
    if row is None or row["action"] != "upload":
        raise not_found(f"file not found: {file_name[:200]}")
    return _serve(request, principal, bucket, row)


def version_segments(request: Request, row: sqlite3.Row) -> list[tuple[str, int]]:
    """(blob, size) pieces of a version's bytes: one blob, or the parts of a finished large file."""
    if row["blob"] is not None:
        return [(str(row["blob"]), int(row["content_length"]))]
    with request.app.store.read() as conn:
        parts = conn.execute(
            "SELECT blob, content_length FROM large_file_parts WHERE file_id = ? ORDER BY part_number",
            (row["file_id"],),
        ).fetchall()
    return [(str(part["blob"]), int(part["content_length"])) for part in parts]


def stream_segments(
    request: Request, segments: list[tuple[str, int]], first: int, length: int
) -> Iterator[FileSlice]:
    """``length`` bytes from ``first`` of a version made of ``segments``: one file slice per blob touched.

    The HTTP layer sends each slice with ``sendfile``; opening a slice checks that its blob still holds the
    recorded bytes (a shorter one aborts the connection, see :meth:`FileSlice.opened`).
    """
    offset, remaining = first, length
    for blob, size in segments:
        if remaining <= 0:
            return
        if offset >= size:
            offset -= size
            continue
        take = min(size - offset, remaining)
        yield FileSlice(request.app.blobs.path(blob), offset, take)
        remaining -= take
        offset = 0


def read_segments(
    request: Request, segments: list[tuple[str, int]], first: int, length: int
) -> Iterator[bytes]:
    """The bytes of :func:`stream_segments`, block by block, for copies that write them to a new blob."""
    block = request.app.config.block_size
    for piece in stream_segments(request, segments, first, length):
        yield from piece.chunks(block)


def _serve(request: Request, principal: Principal | None, bucket: sqlite3.Row, row: sqlite3.Row) -> Response:
    overrides = override_values(request)
    sse_headers = _sse_headers(request, row)
    total = int(row["content_length"])
    byte_range = parse_range(request.headers.get("Range"), total)
    segments = version_segments(request, row)
    if not request.app.blobs.exists(blob for blob, _size in segments):
        raise not_found(f"file not found: {row['file_id']}")
    headers = _headers(request, principal, bucket, row, overrides) + sse_headers
    first, length, status = 0, total, 200
    if byte_range is not None and byte_range.partial:
        first, length, status = byte_range.first, byte_range.length, 206
        headers.append(("Content-Range", byte_range.content_range()))
    return Response(
        status=status,
        headers=headers,
        stream=lambda: stream_segments(request, segments, first, length),
        length=length,
    )


def _headers(
    request: Request,
    principal: Principal | None,
    bucket: sqlite3.Row,
    row: sqlite3.Row,
    overrides: dict[str, str],
) -> list[tuple[str, str]]:
    info: dict[str, str] = json.loads(row["file_info"])
    headers = [
        ("Content-Type", overrides.get("b2ContentType") or row["content_type"]),
        ("X-Bz-File-Id", row["file_id"]),
        ("X-Bz-File-Name", p.encode_name(row["file_name"])),
        ("X-Bz-Content-Sha1", row["content_sha1"]),
        ("X-Bz-Upload-Timestamp", str(row["upload_ms"])),
        ("Accept-Ranges", "bytes"),
    ]
    headers += [
        (f"X-Bz-Info-{key}", p.encode_name(value)) for key, value in info.items() if not key.startswith("b2-")
    ]
    bucket_cache = json.loads(bucket["bucket_info"]).get("Cache-Control")
    for name, (info_key, header) in OVERRIDES.items():
        if not info_key:
            continue
        value = overrides.get(name) or info.get(info_key)
        if header == "Cache-Control":
            value = value or bucket_cache
        if value:
            headers.append((header, value))
    if row["replication_status"]:
        headers.append(("X-Bz-Replication-Status", row["replication_status"]))
    if bucket["file_lock_enabled"]:
        headers += _lock_headers(principal, row)
    return headers


def _lock_headers(principal: Principal | None, row: sqlite3.Row) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    withheld: list[str] = []
    if principal is not None and principal.can("readFileRetentions"):
        if row["retention_mode"]:
            headers.append(("X-Bz-File-Retention-Mode", row["retention_mode"]))
            headers.append(("X-Bz-File-Retention-Retain-Until-Timestamp", str(row["retention_until_ms"])))
    else:
        withheld += ["X-Bz-File-Retention-Mode", "X-Bz-File-Retention-Retain-Until-Timestamp"]
    if principal is not None and principal.can("readFileLegalHolds"):
        if row["legal_hold"]:
            headers.append(("X-Bz-File-Legal-Hold", row["legal_hold"]))
    else:
        withheld.append("X-Bz-File-Legal-Hold")
    if withheld:
        headers.append(("X-Bz-Client-Unauthorized-To-Read", ",".join(withheld)))
    return headers


def _sse_headers(request: Request, row: sqlite3.Row) -> list[tuple[str, str]]:
    sse: dict[str, Any] = json.loads(row["sse"]) if row["sse"] else {}
    if sse.get("mode") == "SSE-B2":
        return [("X-Bz-Server-Side-Encryption", "AES256")]
    if sse.get("mode") != "SSE-C":
        return []
    if request.headers.get("X-Bz-Server-Side-Encryption-Customer-Key") is None:
        raise bad_request("this file is encrypted with SSE-C; send the customer key headers")
    if _uploads.customer_key_md5(request) != row["sse_key_md5"]:
        raise access_denied("the SSE-C key does not match the key the file was encrypted with")
    return [
        ("X-Bz-Server-Side-Encryption-Customer-Algorithm", "AES256"),
        ("X-Bz-Server-Side-Encryption-Customer-Key-Md5", row["sse_key_md5"]),
    ]
