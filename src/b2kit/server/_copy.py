"""Server-side copies: ``b2_copy_file`` makes a new version from (a range of) another, ``b2_copy_part``
makes a part of a large file from one (protocol §6.18, §6.19).

The source's bytes (one blob, or the parts of a finished large file) are streamed block by block into a
new durable blob while hashed; no copy holds a file in memory. The source needs ``readFiles`` when its
bucket is private, the destination ``writeFiles``; key restrictions apply to both sides.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from b2kit import _protocol as p
from b2kit.server import _auth, _buckets, _downloads, _file_lock, _files, _large_files
from b2kit.server._auth import Principal
from b2kit.server._blobs import ReceivedBlob
from b2kit.server._errors import B2Error, access_denied, bad_request, not_found
from b2kit.server._exchange import Request
from b2kit.server._file_info import checked_file_info

_RANGE = re.compile(r"bytes=(\d{1,19})-(\d{1,19})")
DIRECTIVES = ("COPY", "REPLACE")


@dataclass(frozen=True)
class Slice:
    """The bytes of the source a copy takes: ``length`` bytes from ``first``."""

    first: int
    length: int


def copy_slice(range_text: str | None, source_size: int) -> Slice:
    """The slice named by a ``bytes=a-b`` range (inclusive) or the whole source; 400 when out of bounds."""
    if range_text is None:
        return Slice(0, source_size)
    match = _RANGE.fullmatch(range_text.strip())
    if match is None:
        raise bad_request(f"range must look like bytes=<first>-<last>, not {range_text[:80]!r}")
    first, last = int(match.group(1)), int(match.group(2))
    if last < first or last >= source_size:
        raise bad_request(f"range {range_text} is outside the {source_size}-byte source")
    return Slice(first, last - first + 1)


def too_large(length: int) -> B2Error | None:
    """The refusal for a ``b2_copy_file`` result above the small-file limit (b2sdk parses the message)."""
    if length > p.MAX_SMALL_FILE_SIZE:
        return bad_request(f"Copy source too big: {length}", p.SOURCE_TOO_LARGE)
    return None


class ChunkReader:
    """``read(size)`` over an iterator of byte chunks, so a stream can feed ``BlobStore.receive``."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def read(self, size: int, /) -> bytes:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return b""
            self._pending = chunk
        taken, self._pending = self._pending[:size], self._pending[size:]
        return taken


def _source(request: Request, principal: Principal, file_id: str) -> sqlite3.Row:
    """The source version after the read checks (restrictions always, readFiles for a private bucket)."""
    with request.app.store.read() as conn:
        row = _files.find_version(conn, file_id)
        bucket = None if row is None else _buckets.find(conn, str(row["bucket_id"]))
    if row is None or bucket is None:
        raise not_found(f"source file not found: {file_id}")
    capability = "readFiles" if bucket["bucket_type"] != p.BUCKET_TYPE_PUBLIC else None
    _auth.require(principal, capability, bucket_id=str(row["bucket_id"]), file_name=str(row["file_name"]))
    if row["action"] != "upload":
        raise bad_request(f"only uploaded files can be copied, {file_id} is a {row['action']} version")
    return row


def _check_source_key(raw: dict[str, Any] | None, source: sqlite3.Row) -> None:
    """An SSE-C source needs its customer key (403 access_denied otherwise, as b2sdk expects)."""
    if source["sse_key_md5"] is None:
        return
    if raw is None or raw.get("mode") != "SSE-C":
        raise access_denied(
            "the source is encrypted with SSE-C; sourceServerSideEncryption must carry its key"
        )
    if _large_files.json_customer_key_md5(raw) != source["sse_key_md5"]:
        raise access_denied("the source SSE-C key does not match")


def _copy_bytes(request: Request, source: sqlite3.Row, piece: Slice) -> ReceivedBlob:
    segments = _downloads.version_segments(request, source)
    chunks = _downloads.read_segments(request, segments, piece.first, piece.length)
    try:
        return request.app.blobs.receive(ChunkReader(chunks), piece.length)
    except (OSError, ConnectionAbortedError) as exc:
        raise not_found(f"source file {source['file_id']} disappeared during the copy") from exc


def _metadata(request: Request, source: sqlite3.Row, file_name: str) -> dict[str, Any]:
    """``content_type`` and ``file_info`` of the new version per ``metadataDirective``."""
    params = request.params
    directive = (params.opt_text("metadataDirective") or "COPY").upper()
    if directive not in DIRECTIVES:
        raise bad_request("metadataDirective must be COPY or REPLACE")
    content_type, info = params.opt_text("contentType"), params.opt_object("fileInfo")
    if directive == "COPY":
        if content_type is not None or info is not None:
            raise bad_request("contentType and fileInfo must not be given with metadataDirective COPY")
        return {"content_type": source["content_type"], "file_info": source["file_info"]}
    if content_type is None:
        raise bad_request("contentType is required with metadataDirective REPLACE")
    return {
        "content_type": _large_files.checked_content_type(content_type, file_name),
        "file_info": json.dumps(checked_file_info(info or {}, file_name)),
    }


def copy_file(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    params = request.params
    _auth.require(principal, "writeFiles")
    source = _source(request, principal, params.text("sourceFileId"))
    file_name = _files.checked_name(params.text("fileName"))
    bucket_id = params.opt_text("destinationBucketId") or str(source["bucket_id"])
    _auth.require(principal, "writeFiles", bucket_id=bucket_id, file_name=file_name)
    with request.app.store.read() as conn:
        bucket = _buckets.require(conn, bucket_id)
    _check_source_key(params.opt_object("sourceServerSideEncryption"), source)
    piece = copy_slice(params.opt_text("range"), int(source["content_length"]))
    refusal = too_large(piece.length)
    if refusal is not None:
        raise refusal
    columns: dict[str, Any] = {
        "bucket_id": bucket_id,
        "file_name": file_name,
        "action": "upload",
        **_metadata(request, source, file_name),
        **_large_files.requested_sse(params.opt_object("destinationServerSideEncryption"), bucket),
    }
    asked = _file_lock.lock_request_from_json(
        {"fileRetention": params.raw("fileRetention"), "legalHold": params.raw("legalHold")}
    )
    lock = _file_lock.lock_for_new_version(principal, bucket, asked, request.app.now_ms())
    columns.update(_file_lock.lock_columns(lock))
    received = _copy_bytes(request, source, piece)
    columns.update(content_length=received.size, content_sha1=received.sha1, content_md5=received.md5)
    row = _commit(request, columns, received)
    result = _files.file_json(request, principal, row)
    result["action"] = "copy"
    return result


def _commit(request: Request, columns: dict[str, Any], received: ReceivedBlob) -> sqlite3.Row:
    app = request.app
    blob = app.blobs.keep(received)
    try:
        with app.store.write() as conn:
            _buckets.require(conn, str(columns["bucket_id"]))
            return _files.insert_version(conn, {**columns, "blob": blob, "upload_ms": app.now_ms()})
    except BaseException:
        app.blobs.delete([blob])
        raise


def copy_part(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    params = request.params
    _auth.require(principal, "writeFiles")
    source = _source(request, principal, params.text("sourceFileId"))
    large_file_id = params.text("largeFileId")
    number = _large_files.part_number(params.opt_int("partNumber"))
    with request.app.store.read() as conn:
        large = _large_files.unfinished(conn, large_file_id)
    _auth.require(
        principal, "writeFiles", bucket_id=str(large["bucket_id"]), file_name=str(large["file_name"])
    )
    _check_source_key(params.opt_object("sourceServerSideEncryption"), source)
    _check_destination_key(params.opt_object("destinationServerSideEncryption"), large)
    piece = copy_slice(params.opt_text("range"), int(source["content_length"]))
    if piece.length > p.MAX_PART_SIZE:
        raise bad_request(f"parts must be at most {p.MAX_PART_SIZE} bytes")
    if piece.length < 1:
        raise bad_request("a part must hold at least one byte")
    received = _copy_bytes(request, source, piece)
    return _large_files.store_part(request, large_file_id, number, received, received.sha1)


def _check_destination_key(raw: dict[str, Any] | None, large: sqlite3.Row) -> None:
    """A part copied into an SSE-C large file must name the same customer key."""
    if large["sse_key_md5"] is None:
        return
    if raw is None or raw.get("mode") != "SSE-C":
        raise bad_request("the large file uses SSE-C; destinationServerSideEncryption must carry its key")
    if _large_files.json_customer_key_md5(raw) != large["sse_key_md5"]:
        raise access_denied("the destination SSE-C key does not match the large file's key")
