"""Rules for the parts of a large file: part numbers, part sizes, and when parts can become a file."""

from __future__ import annotations

from dataclasses import dataclass

from b2kit import _protocol as p
from b2kit.server._errors import B2Error, bad_request


@dataclass(frozen=True)
class PartRecord:
    """One stored part as finishing sees it."""

    number: int
    size: int
    sha1: str


def part_number(value: int | None) -> int:
    """A required part number in 1..10000, or 400."""
    if value is None:
        raise bad_request("a part number is required")
    if not 1 <= value <= p.MAX_PART_NUMBER:
        raise bad_request(f"part number must be 1..{p.MAX_PART_NUMBER}, not {value}")
    return value


def check_part_size(size: int) -> None:
    """A part (uploaded or copied) holds 1 byte to ``MAX_PART_SIZE`` bytes."""
    if size > p.MAX_PART_SIZE:
        raise bad_request(f"parts must be at most {p.MAX_PART_SIZE} bytes")
    if size < 1:
        raise bad_request("a part must hold at least one byte")


def finish_problem(parts: list[PartRecord], sha1s: list[str], minimum_part_size: int) -> B2Error | None:
    """Why ``parts`` cannot become a file with ``partSha1Array`` ``sha1s`` (None when they can).

    Parts must run 1..N without a gap and match the array one for one; every part but the last must
    reach the minimum part size.
    """
    if not sha1s:
        return bad_request("partSha1Array must list the SHA-1 of every part")
    for expected, part in enumerate(parts, start=1):
        if part.number != expected:
            return bad_request(f"Part number {expected} has not been uploaded", p.MISSING_PART)
    if len(sha1s) > len(parts):
        return bad_request(f"Part number {len(parts) + 1} has not been uploaded", p.MISSING_PART)
    if len(sha1s) < len(parts):
        return bad_request(f"partSha1Array has {len(sha1s)} entries but {len(parts)} parts were uploaded")
    for part, sha1 in zip(parts, sha1s, strict=True):
        if not isinstance(sha1, str) or bare_sha1(sha1) != bare_sha1(part.sha1):
            return bad_request(f"Part number {part.number} has a different SHA-1", p.PART_SHA1_MISMATCH)
    for part in parts[:-1]:
        if part.size < minimum_part_size:
            return bad_request(
                f"Part number {part.number} is {part.size} bytes, below the minimum {minimum_part_size}"
            )
    return None


def bare_sha1(value: str) -> str:
    """A part SHA-1 without its ``unverified:`` prefix: ``partSha1Array`` may repeat either form."""
    lowered = value.lower()
    return lowered.removeprefix(p.UNVERIFIED_PREFIX)
