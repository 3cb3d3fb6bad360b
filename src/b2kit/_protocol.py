"""What the client and the local server both need to agree on: B2 wire constants and name encoding.

This module is the only code shared by ``b2kit.server`` and the client side; it imports nothing from either.
Values follow the B2 native API (``shared/b2-protocol.md``).
"""

from __future__ import annotations

import urllib.parse
from typing import Final

API_VERSIONS: Final = ("v1", "v2", "v3", "v4")
LATEST_API_VERSION: Final = "v4"

# --- capabilities (§5.2) -----------------------------------------------------------------------------------
LIST_KEYS: Final = "listKeys"
WRITE_KEYS: Final = "writeKeys"
DELETE_KEYS: Final = "deleteKeys"
LIST_BUCKETS: Final = "listBuckets"
LIST_ALL_BUCKET_NAMES: Final = "listAllBucketNames"
READ_BUCKETS: Final = "readBuckets"
WRITE_BUCKETS: Final = "writeBuckets"
DELETE_BUCKETS: Final = "deleteBuckets"
READ_BUCKET_ENCRYPTION: Final = "readBucketEncryption"
WRITE_BUCKET_ENCRYPTION: Final = "writeBucketEncryption"
READ_BUCKET_RETENTIONS: Final = "readBucketRetentions"
WRITE_BUCKET_RETENTIONS: Final = "writeBucketRetentions"
READ_FILE_RETENTIONS: Final = "readFileRetentions"
WRITE_FILE_RETENTIONS: Final = "writeFileRetentions"
READ_FILE_LEGAL_HOLDS: Final = "readFileLegalHolds"
WRITE_FILE_LEGAL_HOLDS: Final = "writeFileLegalHolds"
READ_BUCKET_REPLICATIONS: Final = "readBucketReplications"
WRITE_BUCKET_REPLICATIONS: Final = "writeBucketReplications"
BYPASS_GOVERNANCE: Final = "bypassGovernance"
LIST_FILES: Final = "listFiles"
READ_FILES: Final = "readFiles"
SHARE_FILES: Final = "shareFiles"
WRITE_FILES: Final = "writeFiles"
DELETE_FILES: Final = "deleteFiles"
READ_BUCKET_NOTIFICATIONS: Final = "readBucketNotifications"
WRITE_BUCKET_NOTIFICATIONS: Final = "writeBucketNotifications"

ALL_CAPABILITIES: Final = (
    LIST_KEYS,
    WRITE_KEYS,
    DELETE_KEYS,
    LIST_BUCKETS,
    LIST_ALL_BUCKET_NAMES,
    READ_BUCKETS,
    WRITE_BUCKETS,
    DELETE_BUCKETS,
    READ_BUCKET_ENCRYPTION,
    WRITE_BUCKET_ENCRYPTION,
    READ_BUCKET_RETENTIONS,
    WRITE_BUCKET_RETENTIONS,
    READ_FILE_RETENTIONS,
    WRITE_FILE_RETENTIONS,
    READ_FILE_LEGAL_HOLDS,
    WRITE_FILE_LEGAL_HOLDS,
    READ_BUCKET_REPLICATIONS,
    WRITE_BUCKET_REPLICATIONS,
    BYPASS_GOVERNANCE,
    LIST_FILES,
    READ_FILES,
    SHARE_FILES,
    WRITE_FILES,
    DELETE_FILES,
    READ_BUCKET_NOTIFICATIONS,
    WRITE_BUCKET_NOTIFICATIONS,
)

BUCKET_RESTRICTED_KEY_CAPABILITIES: Final = frozenset(
    {
        LIST_ALL_BUCKET_NAMES,
        LIST_BUCKETS,
        READ_BUCKETS,
        READ_BUCKET_ENCRYPTION,
        WRITE_BUCKET_ENCRYPTION,
        READ_BUCKET_RETENTIONS,
        WRITE_BUCKET_RETENTIONS,
        READ_BUCKET_NOTIFICATIONS,
        WRITE_BUCKET_NOTIFICATIONS,
        READ_BUCKET_REPLICATIONS,
        WRITE_BUCKET_REPLICATIONS,
        LIST_FILES,
        READ_FILES,
        SHARE_FILES,
        WRITE_FILES,
        DELETE_FILES,
        READ_FILE_LEGAL_HOLDS,
        WRITE_FILE_LEGAL_HOLDS,
        READ_FILE_RETENTIONS,
        WRITE_FILE_RETENTIONS,
        BYPASS_GOVERNANCE,
    }
)

# --- bucket types (§4.2) -----------------------------------------------------------------------------------
BUCKET_TYPE_PUBLIC: Final = "allPublic"
BUCKET_TYPE_PRIVATE: Final = "allPrivate"
SETTABLE_BUCKET_TYPES: Final = frozenset({BUCKET_TYPE_PUBLIC, BUCKET_TYPE_PRIVATE})

# --- error codes (§12.2) -----------------------------------------------------------------------------------
BAD_REQUEST: Final = "bad_request"
BAD_JSON: Final = "bad_json"
BAD_BUCKET_ID: Final = "bad_bucket_id"
DUPLICATE_BUCKET_NAME: Final = "duplicate_bucket_name"
TOO_MANY_BUCKETS: Final = "too_many_buckets"
CANNOT_DELETE_NON_EMPTY_BUCKET: Final = "cannot_delete_non_empty_bucket"
FILE_NOT_PRESENT: Final = "file_not_present"
NO_SUCH_FILE: Final = "no_such_file"
ALREADY_HIDDEN: Final = "already_hidden"
MISSING_PART: Final = "missing_part"
PART_SHA1_MISMATCH: Final = "part_sha1_mismatch"
AUTH_TOKEN_LIMIT: Final = "auth_token_limit"
SOURCE_TOO_LARGE: Final = "source_too_large"
BUCKET_MISSING_FILE_LOCK: Final = "bucket_missing_file_lock"
FILE_LOCK_CONFLICT: Final = "file_lock_conflict"
EVENT_TYPE_CATEGORIES: Final = "event_type_categories"
EVENT_TYPE_OVERLAP: Final = "event_type_overlap"
EVENT_TYPES_EMPTY: Final = "event_types_empty"
EVENT_TYPE_INVALID: Final = "event_type_invalid"
UNAUTHORIZED: Final = "unauthorized"
BAD_AUTH_TOKEN: Final = "bad_auth_token"
EXPIRED_AUTH_TOKEN: Final = "expired_auth_token"
MISSING_AUTH_TOKEN: Final = "missing_auth_token"
UNSUPPORTED: Final = "unsupported"
STORAGE_CAP_EXCEEDED: Final = "storage_cap_exceeded"
TRANSACTION_CAP_EXCEEDED: Final = "transaction_cap_exceeded"
DOWNLOAD_CAP_EXCEEDED: Final = "download_cap_exceeded"
ACCESS_DENIED: Final = "access_denied"
NOT_FOUND: Final = "not_found"
METHOD_NOT_ALLOWED: Final = "method_not_allowed"
REQUEST_TIMEOUT: Final = "request_timeout"
CONFLICT: Final = "conflict"
RANGE_NOT_SATISFIABLE: Final = "range_not_satisfiable"
TOO_MANY_REQUESTS: Final = "too_many_requests"
INTERNAL_ERROR: Final = "internal_error"
SERVICE_UNAVAILABLE: Final = "service_unavailable"

# --- limits (§3) -------------------------------------------------------------------------------------------
ABSOLUTE_MINIMUM_PART_SIZE: Final = 5_000_000
RECOMMENDED_PART_SIZE: Final = 100_000_000
MAX_PART_SIZE: Final = 5_000_000_000
MAX_SMALL_FILE_SIZE: Final = 5_000_000_000
MAX_LARGE_FILE_SIZE: Final = 10_000_000_000_000
MAX_PART_NUMBER: Final = 10_000
MAX_FILE_NAME_BYTES: Final = 1024
MAX_FILE_INFO_KEY_BYTES: Final = 50
MAX_FILE_INFO_ENTRIES: Final = 10
MAX_FILE_INFO_HEADER_BYTES: Final = 7000
MAX_LIST_FILE_COUNT: Final = 10_000
DEFAULT_LIST_FILE_COUNT: Final = 100
MAX_UNFINISHED_LIST_COUNT: Final = 100
MAX_LIST_PARTS_COUNT: Final = 1000
DEFAULT_LIST_PARTS_COUNT: Final = 100
MAX_LIST_KEYS_COUNT: Final = 10_000
DEFAULT_LIST_KEYS_COUNT: Final = 100
MAX_BUCKETS: Final = 100
MIN_BUCKET_NAME_LENGTH: Final = 6
MAX_BUCKET_NAME_LENGTH: Final = 63
MAX_KEY_NAME_LENGTH: Final = 100
MAX_KEY_VALID_DURATION_SECONDS: Final = 1000 * 86400 - 1
MAX_DOWNLOAD_AUTH_DURATION_SECONDS: Final = 604_800
MAX_LIFECYCLE_RULES: Final = 100
MAX_CORS_RULES: Final = 100
ACCOUNT_TOKEN_TTL_SECONDS: Final = 24 * 3600
CLOCK_SKEW_TOLERANCE_SECONDS: Final = 600

# --- headers and special values (§7, §8) -------------------------------------------------------------------
HEX_DIGITS_AT_END: Final = "hex_digits_at_end"
DO_NOT_VERIFY: Final = "do_not_verify"
UNVERIFIED_PREFIX: Final = "unverified:"
CONTENT_TYPE_AUTO: Final = "b2/x-auto"
HIDE_MARKER_CONTENT_TYPE: Final = "application/x-bz-hide-marker"
SRC_LAST_MODIFIED_MILLIS: Final = "src_last_modified_millis"
LARGE_FILE_SHA1_INFO_KEY: Final = "large_file_sha1"
"""The file-info key holding the SHA-1 of a whole large file (its contentSha1 is "none")."""
FILE_INFO_HEADER_PREFIX: Final = "X-Bz-Info-"
TEST_MODE_HEADER: Final = "X-Bz-Test-Mode"
SHA1_HEX_LENGTH: Final = 40

# b2-* file-info keys and the download header each becomes (§7.1).
B2_INFO_HEADERS: Final = {
    "b2-content-disposition": "Content-Disposition",
    "b2-content-language": "Content-Language",
    "b2-expires": "Expires",
    "b2-cache-control": "Cache-Control",
    "b2-content-encoding": "Content-Encoding",
}

# --- file-name percent-encoding (§2.3) ---------------------------------------------------------------------
_SAFE_CHARS: Final = "/!$'()*-.:;=@_~"


def encode_name(name: str) -> str:
    """Percent-encode a file name or info value for a header, URL path or query (space as ``%20``)."""
    return urllib.parse.quote(name, safe=_SAFE_CHARS, encoding="utf-8")


def decode_name(encoded: str) -> str:
    """Decode a percent-encoded name, treating ``+`` as a space as B2 does.

    Raises ``ValueError`` when the bytes are not valid UTF-8.
    """
    return urllib.parse.unquote_plus(encoded, encoding="utf-8", errors="strict")


def file_name_problem(name: str) -> str | None:
    """Return why ``name`` is not a legal B2 file name, or None when it is."""
    if not name:
        return "File names must not be empty"
    encoded = name.encode("utf-8", errors="surrogatepass")
    if len(encoded) > MAX_FILE_NAME_BYTES:
        return f"File names must be at most {MAX_FILE_NAME_BYTES} bytes of UTF-8"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "File names must not contain control characters"
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in name):
        return "File names must be valid UTF-8"
    return None
