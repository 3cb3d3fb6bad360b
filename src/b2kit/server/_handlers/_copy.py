"""Server-side copies: ``b2_copy_file`` makes a new version from (a range of) another, ``b2_copy_part``
makes a part of a large file from one (protocol §6.18, §6.19).

The source's bytes (one blob, or the parts of a finished large file) are streamed block by block into a
new durable blob while hashed; no copy holds a file in memory. The source needs ``readFiles`` when its
bucket is private, the destination ``writeFiles``; key restrictions apply to both sides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from b2kit import _protocol as p
from b2kit.server import _versions
from b2kit.server._blobs import ReceivedBlob
from b2kit.server._errors import B2Error, access_denied, bad_request, not_found
from b2kit.server._handlers import _auth
from b2kit.server._handlers._shapes import file_json, part_json
from b2kit.server._http._exchange import Request
from b2kit.server._rules import _encryption, _file_lock, _parts
from b2kit.server._rules._capabilities import Principal
from b2kit.server._rules._file_info import checked_content_type, checked_file_info, checked_name
from b2kit.server._slices import version_bytes
from b2kit.server._state import UPLOAD, FileVersion, NewVersion

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


def _source(request: Request, principal: Principal, file_id: str) -> FileVersion:
    """The source version after the read checks (restrictions always, readFiles for a private bucket)."""
    with request.app.state.read() as tx:
        source = tx.files.get(file_id)
        bucket = None if source is None else tx.buckets.get(source.bucket_id)
    if source is None or bucket is None:
        raise not_found(f"source file not found: {file_id}")
    capability = p.READ_FILES if bucket.bucket_type != p.BUCKET_TYPE_PUBLIC else None
    _auth.require(principal, capability, bucket_id=source.bucket_id, file_name=source.file_name)
    if source.action != UPLOAD:
        raise bad_request(f"only uploaded files can be copied, {file_id} is a {source.action} version")
    return source


def _check_source_key(raw: dict[str, Any] | None, source: FileVersion) -> None:
    """An SSE-C source needs its customer key (403 access_denied otherwise, as b2sdk expects)."""
    _encryption.require_key(
        source.encryption,
        lambda: _encryption.given_key_from_json(raw),
        access_denied("the source is encrypted with SSE-C; sourceServerSideEncryption must carry its key"),
        "the source file",
    )


def _copy_bytes(request: Request, source: FileVersion, piece: Slice) -> ReceivedBlob:
    app = request.app
    with app.state.read() as tx:
        segments = tx.parts.segments(source)
    chunks = version_bytes(app.blobs.path, segments, piece.first, piece.length, app.config.block_size)
    try:
        return app.blobs.receive(ChunkReader(chunks), piece.length)
    except (OSError, ConnectionAbortedError) as exc:
        raise not_found(f"source file {source.file_id} disappeared during the copy") from exc


def _metadata(request: Request, source: FileVersion, file_name: str) -> tuple[str | None, dict[str, str]]:
    """``(content type, file info)`` of the new version per ``metadataDirective``."""
    params = request.params
    directive = (params.opt_text("metadataDirective") or "COPY").upper()
    if directive not in DIRECTIVES:
        raise bad_request("metadataDirective must be COPY or REPLACE")
    content_type, info = params.opt_text("contentType"), params.opt_object("fileInfo")
    if directive == "COPY":
        if content_type is not None or info is not None:
            raise bad_request("contentType and fileInfo must not be given with metadataDirective COPY")
        return source.content_type, dict(source.file_info)
    if content_type is None:
        raise bad_request("contentType is required with metadataDirective REPLACE")
    return checked_content_type(content_type, file_name), checked_file_info(info or {}, file_name)


def copy_file(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    params = request.params
    _auth.require(principal, p.WRITE_FILES)
    source = _source(request, principal, params.text("sourceFileId"))
    file_name = checked_name(params.text("fileName"))
    bucket_id = params.opt_text("destinationBucketId") or source.bucket_id
    _auth.require(principal, p.WRITE_FILES, bucket_id=bucket_id, file_name=file_name)
    with request.app.state.read() as tx:
        bucket = tx.buckets.require(bucket_id)
    _check_source_key(params.opt_object("sourceServerSideEncryption"), source)
    piece = copy_slice(params.opt_text("range"), source.content_length)
    refusal = too_large(piece.length)
    if refusal is not None:
        raise refusal
    content_type, info = _metadata(request, source, file_name)
    encryption = _encryption.from_json(
        params.opt_object("destinationServerSideEncryption"), bucket.default_sse
    )
    asked = _file_lock.lock_request_from_json(
        {"fileRetention": params.raw("fileRetention"), "legalHold": params.raw("legalHold")}
    )
    lock = _file_lock.lock_for_new_version(principal, bucket, asked, request.app.now_ms())
    received = _copy_bytes(request, source, piece)
    new = NewVersion(
        bucket_id=bucket_id,
        file_name=file_name,
        action=UPLOAD,
        upload_ms=request.app.now_ms(),
        content_type=content_type,
        content_length=received.size,
        content_sha1=received.sha1,
        content_md5=received.md5,
        file_info=info,
        encryption=encryption,
        lock=lock,
    )
    version = _versions.commit_version(request.app, new, received)
    result = file_json(request.app.account.account_id, principal, version)
    result["action"] = "copy"
    return result


def copy_part(request: Request) -> dict[str, Any]:
    principal = _auth.account(request)
    params = request.params
    _auth.require(principal, p.WRITE_FILES)
    source = _source(request, principal, params.text("sourceFileId"))
    large_file_id = params.text("largeFileId")
    number = _parts.part_number(params.opt_int("partNumber"))
    with request.app.state.read() as tx:
        large = _versions.unfinished(tx, large_file_id)
    _auth.require(principal, p.WRITE_FILES, bucket_id=large.bucket_id, file_name=large.file_name)
    _check_source_key(params.opt_object("sourceServerSideEncryption"), source)
    destination = params.opt_object("destinationServerSideEncryption")
    _encryption.require_key(
        large.encryption,
        lambda: _encryption.given_key_from_json(destination),
        bad_request("the large file uses SSE-C; destinationServerSideEncryption must carry its key"),
        "the large file",
    )
    piece = copy_slice(params.opt_text("range"), source.content_length)
    _parts.check_part_size(piece.length)
    received = _copy_bytes(request, source, piece)
    return part_json(_versions.commit_part(request.app, large_file_id, number, received, received.sha1))
