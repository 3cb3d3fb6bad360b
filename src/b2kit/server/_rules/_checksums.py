"""The ``X-Bz-Content-Sha1`` rules of uploaded bodies: a given SHA-1, one sent after the body
(``hex_digits_at_end``) or none (``do_not_verify``, stored as ``unverified:<sha1>``)."""

from __future__ import annotations

import string
from dataclasses import dataclass

from b2kit import _protocol as p
from b2kit.server._errors import bad_request


@dataclass(frozen=True)
class Checksum:
    """What ``X-Bz-Content-Sha1`` asked for: a given hex, ``hex_digits_at_end`` or ``do_not_verify``."""

    mode: str
    expected: str | None = None

    @property
    def trailer_size(self) -> int:
        return p.SHA1_HEX_LENGTH if self.mode == p.HEX_DIGITS_AT_END else 0

    def stored_value(self, computed: str, trailer: bytes) -> str:
        """The ``contentSha1`` to store, or 400 when the body does not match."""
        if self.mode == p.DO_NOT_VERIFY:
            return p.UNVERIFIED_PREFIX + computed
        expected = self.expected if self.mode == "given" else trailer.decode("ascii", "replace").lower()
        if expected != computed:
            raise bad_request("Sha1 did not match data received")
        return computed


def parse_checksum(value: str | None) -> Checksum:
    if value is None:
        raise bad_request("X-Bz-Content-Sha1 header is required")
    value = value.strip()
    if value in (p.HEX_DIGITS_AT_END, p.DO_NOT_VERIFY):
        return Checksum(value)
    if len(value) == p.SHA1_HEX_LENGTH and all(ch in string.hexdigits for ch in value):
        return Checksum("given", value.lower())
    raise bad_request("X-Bz-Content-Sha1 must be 40 hex digits, hex_digits_at_end or do_not_verify")
