"""B2 limits and names a program needs to validate its input before calling B2 (protocol §3, §4.2, §5.2).

A public view of the shared wire constants: the CLI and user code import them from here, never from the
private ``b2kit._protocol`` that the client and the local server share.
"""

from __future__ import annotations

from b2kit._protocol import (
    ALL_CAPABILITIES,
    CONTENT_TYPE_AUTO,
    LARGE_FILE_SHA1_INFO_KEY,
    MAX_DOWNLOAD_AUTH_DURATION_SECONDS,
    MAX_KEY_VALID_DURATION_SECONDS,
    SETTABLE_BUCKET_TYPES,
)

__all__ = [
    "ALL_CAPABILITIES",
    "CONTENT_TYPE_AUTO",
    "LARGE_FILE_SHA1_INFO_KEY",
    "MAX_DOWNLOAD_AUTH_DURATION_SECONDS",
    "MAX_KEY_VALID_DURATION_SECONDS",
    "SETTABLE_BUCKET_TYPES",
]
