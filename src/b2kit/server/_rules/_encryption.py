"""Server-side encryption rules, in one place: what a new version or part is encrypted with (SSE headers of
uploads, ``serverSideEncryption`` JSON of large files and copies, else the bucket default) and the SSE-C
customer key every later use must repeat (parts, copies, downloads).

Only the key's MD5 is ever stored; the bytes on disk are not encrypted (a local test server).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from email.message import Message
from typing import Any

from b2kit.server._errors import B2Error, access_denied, bad_request
from b2kit.server._state import AES256, SSE_B2, SSE_C, Encryption

HEADER_SSE = "X-Bz-Server-Side-Encryption"
HEADER_ALGORITHM = "X-Bz-Server-Side-Encryption-Customer-Algorithm"
HEADER_KEY = "X-Bz-Server-Side-Encryption-Customer-Key"
HEADER_KEY_MD5 = "X-Bz-Server-Side-Encryption-Customer-Key-Md5"
CUSTOMER_KEY_BYTES = 32


def from_headers(headers: Message, default: Encryption) -> Encryption:
    """The encryption the SSE headers of an upload ask for, else the bucket ``default``."""
    if headers.get(HEADER_ALGORITHM) is not None:
        return Encryption(SSE_C, key_md5_from_headers(headers))
    mode = headers.get(HEADER_SSE)
    if mode is not None:
        if mode != AES256:
            raise bad_request(f"{HEADER_SSE} must be AES256")
        return Encryption(SSE_B2)
    return default


def from_json(raw: dict[str, Any] | None, default: Encryption) -> Encryption:
    """The encryption a ``serverSideEncryption`` JSON setting asks for, else the bucket ``default``."""
    if raw is None:
        return default
    mode = raw.get("mode")
    if mode in (None, "none"):
        return Encryption()
    if raw.get("algorithm", AES256) != AES256:
        raise bad_request("the only supported encryption algorithm is AES256")
    if mode == SSE_B2:
        return Encryption(SSE_B2)
    if mode == SSE_C:
        return Encryption(SSE_C, key_md5_from_json(raw))
    raise bad_request(f"unknown encryption mode {mode!r}")


def key_md5_from_headers(headers: Message) -> str:
    """Validate the SSE-C header triplet; returns the key's base64 MD5."""
    if headers.get(HEADER_ALGORITHM) != AES256:
        raise bad_request(f"{HEADER_ALGORITHM} must be AES256")
    try:
        key = base64.b64decode(headers.get(HEADER_KEY, ""), validate=True)
    except (binascii.Error, ValueError) as exc:  # ValueError: non-ASCII characters
        raise bad_request(f"{HEADER_KEY} is not base64") from exc
    return _checked_md5(key, headers.get(HEADER_KEY_MD5), f"{HEADER_KEY_MD5} does not match the key")


def key_md5_from_json(raw: dict[str, Any]) -> str:
    """Validate an SSE-C JSON setting (32-byte base64 ``customerKey``, matching ``customerKeyMd5``)."""
    try:
        key = base64.b64decode(str(raw.get("customerKey", "")), validate=True)
    except binascii.Error as exc:
        raise bad_request("customerKey is not base64") from exc
    return _checked_md5(key, raw.get("customerKeyMd5"), "customerKeyMd5 does not match customerKey")


def _checked_md5(key: bytes, given_md5: object, mismatch: str) -> str:
    if len(key) != CUSTOMER_KEY_BYTES:
        raise bad_request(f"the SSE-C key must be {CUSTOMER_KEY_BYTES} bytes")
    md5 = base64.b64encode(hashlib.md5(key).digest()).decode()
    if given_md5 != md5:
        raise bad_request(mismatch)
    return md5


def headers_carry_key(headers: Message) -> bool:
    return headers.get(HEADER_ALGORITHM) is not None or headers.get(HEADER_KEY) is not None


def json_carries_key(raw: dict[str, Any] | None) -> bool:
    return raw is not None and raw.get("mode") == SSE_C


def require_key(stored: Encryption, given: Callable[[], str | None], missing: B2Error, what: str) -> None:
    """An SSE-C version or large file is usable only with its customer key: ``missing`` when none was
    given, 403 when another was. Anything not SSE-C needs no key (and ``given`` is not even read)."""
    if stored.key_md5 is None:
        return
    given_md5 = given()
    if given_md5 is None:
        raise missing
    if given_md5 != stored.key_md5:
        raise access_denied(f"the SSE-C key does not match the key of {what}")


def given_key_from_headers(headers: Message) -> str | None:
    """The customer key MD5 the request's SSE-C headers give (validated), None without them."""
    return key_md5_from_headers(headers) if headers_carry_key(headers) else None


def given_key_from_json(raw: dict[str, Any] | None) -> str | None:
    """The customer key MD5 an SSE-C JSON setting gives (validated), None for any other setting."""
    return key_md5_from_json(raw) if raw is not None and json_carries_key(raw) else None


def download_headers(stored: Encryption) -> list[tuple[str, str]]:
    """The encryption headers of a download answer."""
    if stored.mode == SSE_B2:
        return [(HEADER_SSE, AES256)]
    if stored.mode == SSE_C and stored.key_md5 is not None:
        return [(HEADER_ALGORITHM, AES256), (HEADER_KEY_MD5, stored.key_md5)]
    return []
