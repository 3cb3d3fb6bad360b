"""Where B2 requests go, and the name checks made before sending (protocol §2.3, §6, §8). Pure functions.

Realm and download URLs (names percent-encoded segment by segment), file-name checks, byte-range headers.
"""

from __future__ import annotations

from typing import Final

from b2kit import _protocol as p
from b2kit._exceptions import UnusableFileName
from b2kit._wire._call import API_VERSION

REALM_URLS: Final = {
    "production": "https://api.backblazeb2.com",
    "staging": "https://api.backblaze.net",
    "dev": "http://api.backblazeb2.xyz:8180",
}

_DOT_SEGMENTS: Final = {".": "%2E", "..": "%2E%2E"}


def realm_url(realm: str) -> str:
    """The base URL of a realm name (``production``, ``staging``, ``dev``) or the realm itself when a URL."""
    return REALM_URLS.get(realm, realm).rstrip("/")


def download_url_by_id(download_url: str, file_id: str) -> str:
    """``{download_url}/b2api/v4/b2_download_file_by_id?fileId=...``."""
    return f"{download_url}/b2api/{API_VERSION}/b2_download_file_by_id?fileId={p.encode_name(file_id)}"


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
