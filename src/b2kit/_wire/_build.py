"""How :class:`B2RawApi` arguments become B2 requests (protocol §6, §7): where they go and
what they carry.

Pure functions, no I/O: realm and download-by-name URLs, file-name checks, upload and download headers (names
and file-info values percent-encoded), byte-range headers, the JSON fields of bucket, large-file and copy
settings, and the endpoint-specific meaning of an ``access_denied`` answer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final

from b2kit import _protocol as p
from b2kit._exceptions import AccessDenied, UnusableFileName
from b2kit._models import EncryptionMode, EncryptionSetting, FileRetentionSetting, LegalHold

REALM_URLS: Final = {
    "production": "https://api.backblazeb2.com",
    "staging": "https://api.backblaze.net",
    "dev": "http://api.backblazeb2.xyz:8180",
}

_DOT_SEGMENTS: Final = {".": "%2E", "..": "%2E%2E"}


def realm_url(realm: str) -> str:
    """The base URL of a realm name (``production``, ``staging``, ``dev``) or the realm itself when a URL."""
    return REALM_URLS.get(realm, realm).rstrip("/")


def download_url_by_name(download_url: str, bucket_name: str, file_name: str) -> str:
    """``{download_url}/file/{bucket}/{name}``, the name percent-encoded segment by segment."""
    # "." and ".." segments are encoded, or URL normalization would fetch another file's name
    segments = (_DOT_SEGMENTS.get(part, part) for part in p.encode_name(file_name).split("/"))
    return f"{download_url}/file/{bucket_name}/{'/'.join(segments)}"


def check_b2_filename(file_name: str) -> None:
    """Raise UnusableFileName when ``file_name`` breaks B2's name rules (checked before uploading)."""
    problem = p.file_name_problem(file_name)
    if problem is not None:
        raise UnusableFileName(f"{problem}: {file_name!r}")


def range_header(range_: tuple[int, int]) -> str:
    """``bytes=first-last`` for an inclusive byte range; ValueError when the range is not well-formed."""
    first, last = range_
    if first < 0 or last < first:
        raise ValueError(f"invalid byte range {range_!r}: need 0 <= first <= last")
    return f"bytes={first}-{last}"


def drop_none(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


@contextmanager
def access_denied_as(error: type[AccessDenied]) -> Iterator[None]:
    """Re-raise AccessDenied as ``error`` (what a 401/403 means on this endpoint), same message and code."""
    try:
        yield
    except AccessDenied as exc:
        raise error(exc.message, status=exc.status, code=exc.code) from exc


# --- headers ------------------------------------------------------------------------------------------------


def upload_file_headers(
    upload_auth_token: str,
    file_name: str,
    content_length: int,
    content_type: str,
    content_sha1: str,
    file_info: Mapping[str, str],
    server_side_encryption: EncryptionSetting | None,
    file_retention: FileRetentionSetting | None,
    legal_hold: LegalHold | None,
    custom_upload_timestamp: int | None = None,
) -> dict[str, str]:
    """Headers of a b2_upload_file request (protocol §7.1); names and info values percent-encoded."""
    headers = {
        "Authorization": upload_auth_token,
        "Content-Length": str(content_length),
        "X-Bz-File-Name": p.encode_name(file_name),
        "Content-Type": content_type,
        "X-Bz-Content-Sha1": content_sha1,
    }
    for key, value in file_info.items():
        headers[p.FILE_INFO_HEADER_PREFIX + key] = p.encode_name(value)
    if server_side_encryption is not None:
        headers.update(server_side_encryption.upload_headers())
    if legal_hold is not None:
        headers.update(legal_hold.upload_headers())
    if file_retention is not None:
        headers.update(file_retention.upload_headers())
    if custom_upload_timestamp is not None:
        headers["X-Bz-Custom-Upload-Timestamp"] = str(custom_upload_timestamp)
    return headers


def upload_part_headers(
    upload_auth_token: str,
    part_number: int,
    content_length: int,
    content_sha1: str,
    server_side_encryption: EncryptionSetting | None,
) -> dict[str, str]:
    """Headers of a b2_upload_part request."""
    headers = {
        "Authorization": upload_auth_token,
        "Content-Length": str(content_length),
        "X-Bz-Part-Number": str(part_number),
        "X-Bz-Content-Sha1": content_sha1,
    }
    if server_side_encryption is not None:
        headers.update(server_side_encryption.upload_headers())
    return headers


def download_headers(
    account_auth_token_or_none: str | None,
    range_: tuple[int, int] | None,
    encryption: EncryptionSetting | None,
) -> dict[str, str]:
    """Headers of a download GET: the byte range, SSE-C key headers, and the token when there is one."""
    headers: dict[str, str] = {}
    if range_ is not None:
        headers["Range"] = range_header(range_)
    if encryption is not None:
        headers.update(encryption.download_headers())
    if account_auth_token_or_none is not None:
        headers["Authorization"] = account_auth_token_or_none
    return headers


# --- JSON fields --------------------------------------------------------------------------------------------


def bucket_fields(default_server_side_encryption: EncryptionSetting | None, **fields: Any) -> dict[str, Any]:
    """The given bucket fields that are set, and the default encryption (never SSE-C) when given."""
    params = drop_none(fields)
    if default_server_side_encryption is not None:
        if default_server_side_encryption.mode is EncryptionMode.SSE_C:
            raise ValueError("SSE-C cannot be a bucket's default encryption")
        params["defaultServerSideEncryption"] = default_server_side_encryption.to_request_json()
    return params


def large_file_fields(
    server_side_encryption: EncryptionSetting | None,
    file_retention: FileRetentionSetting | None,
    legal_hold: LegalHold | None,
    custom_upload_timestamp: int | None,
) -> dict[str, Any]:
    """The optional settings of b2_start_large_file (an encryption of mode NONE is not sent)."""
    params: dict[str, Any] = {}
    if server_side_encryption is not None and server_side_encryption.mode is not EncryptionMode.NONE:
        params["serverSideEncryption"] = server_side_encryption.to_request_json()
    if file_retention is not None:
        params["fileRetention"] = file_retention.to_request_json()
    if legal_hold is not None:
        params["legalHold"] = legal_hold.to_server()
    if custom_upload_timestamp is not None:
        params["customUploadTimestamp"] = custom_upload_timestamp
    return params


def copy_metadata_fields(
    metadata_directive: str | None, content_type: str | None, file_info: Mapping[str, str] | None
) -> dict[str, Any]:
    """metadataDirective, contentType and fileInfo of b2_copy_file: COPY takes neither content type nor file
    info, REPLACE needs a content type."""
    if metadata_directive == "COPY" and (content_type is not None or file_info is not None):
        raise ValueError("content_type and file_info must be None when metadata_directive is COPY")
    if metadata_directive == "REPLACE" and content_type is None:
        raise ValueError("content_type is required when metadata_directive is REPLACE")
    return {
        "metadataDirective": metadata_directive,
        "contentType": content_type,
        "fileInfo": dict(file_info) if file_info is not None else None,
    }


def copy_fields(
    bytes_range: tuple[int, int] | None,
    destination_server_side_encryption: EncryptionSetting | None,
    source_server_side_encryption: EncryptionSetting | None,
    **fields: Any,
) -> dict[str, Any]:
    """The optional fields of b2_copy_file / b2_copy_part: the range, the given ``fields`` that are set, then
    the destination's encryption unless NONE and the source's only when SSE-C (its key is needed to read)."""
    params = drop_none({"range": range_header(bytes_range) if bytes_range is not None else None, **fields})
    destination, source = destination_server_side_encryption, source_server_side_encryption
    if destination is not None and destination.mode is not EncryptionMode.NONE:
        params["destinationServerSideEncryption"] = destination.to_request_json()
    if source is not None and source.mode is EncryptionMode.SSE_C:
        params["sourceServerSideEncryption"] = source.to_request_json()
    return params
