"""Pure part planning: how a file of a given size is cut into large-file parts, and whether it needs to be.

The sizes come from the account (``absoluteMinimumPartSize`` / ``recommendedPartSize`` of
``b2_authorize_account``), never from constants: a test server advertises small parts so multi-part paths run
on megabytes. The hard limits (10,000 parts, 5 GB per part, 10 TB per file) are B2's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from b2kit._exceptions import InvalidUserInput
from b2kit._protocol import MAX_LARGE_FILE_SIZE, MAX_PART_NUMBER, MAX_PART_SIZE, MAX_SMALL_FILE_SIZE


class PartPlanningError(InvalidUserInput, ValueError):
    """A file or a requested part size cannot be expressed as a valid B2 large file."""


class FileTooLargeError(PartPlanningError):
    """The content is larger than B2 accepts for one file (10 TB)."""


class InvalidPartSizeError(PartPlanningError):
    """A requested part size is outside ``[absoluteMinimumPartSize, 5 GB]`` or needs over 10,000 parts."""


@dataclass(frozen=True)
class PartSizeLimits:
    """Part sizes advertised by the account, plus B2's fixed maximum part size."""

    absolute_minimum: int
    recommended: int
    maximum: int = MAX_PART_SIZE

    def __post_init__(self) -> None:
        if not 1 <= self.absolute_minimum <= self.maximum:
            raise InvalidPartSizeError(
                f"absolute minimum part size {self.absolute_minimum} must be within 1..{self.maximum}"
            )
        if self.recommended < 1:
            raise InvalidPartSizeError(f"recommended part size must be positive, got {self.recommended}")

    @property
    def effective_recommended(self) -> int:
        """The recommended size, clamped into ``[absolute_minimum, maximum]``."""
        return min(max(self.recommended, self.absolute_minimum), self.maximum)


@dataclass(frozen=True)
class PartRange:
    """One part of a large file: 1-based ``number``, byte ``offset`` in the file and ``length``."""

    number: int
    offset: int
    length: int

    @property
    def end(self) -> int:
        """Offset one past the part's last byte."""
        return self.offset + self.length


def is_large_file(content_length: int, limits: PartSizeLimits) -> bool:
    """Whether content of this size is uploaded (or copied) as a large file rather than in one request.

    Anything bigger than one recommended part becomes a large file, so parts stay at the size the server
    recommends and can go in parallel; anything above the small-file ceiling must.
    """
    if content_length < 0:
        raise PartPlanningError(f"content length must not be negative, got {content_length}")
    if content_length > MAX_LARGE_FILE_SIZE:
        raise FileTooLargeError(
            f"{content_length} bytes is more than the largest B2 file ({MAX_LARGE_FILE_SIZE} bytes)"
        )
    return content_length > min(limits.effective_recommended, MAX_SMALL_FILE_SIZE)


def choose_part_size(content_length: int, limits: PartSizeLimits, part_size: int | None = None) -> int:
    """The part size used for ``content_length`` bytes: the override, or the recommended size grown as needed.

    Without an override the recommended size is raised just enough to keep within 10,000 parts. An override
    outside the limits, or one that would need more than 10,000 parts, is refused.
    """
    if content_length > MAX_LARGE_FILE_SIZE:
        raise FileTooLargeError(
            f"{content_length} bytes is more than the largest B2 file ({MAX_LARGE_FILE_SIZE} bytes)"
        )
    if part_size is not None:
        if not limits.absolute_minimum <= part_size <= limits.maximum:
            raise InvalidPartSizeError(
                f"part size {part_size} is outside {limits.absolute_minimum}..{limits.maximum} bytes"
            )
        if _ceil_div(content_length, part_size) > MAX_PART_NUMBER:
            raise InvalidPartSizeError(
                f"part size {part_size} would cut {content_length} bytes into more than "
                f"{MAX_PART_NUMBER} parts"
            )
        return part_size
    size = max(limits.effective_recommended, _ceil_div(content_length, MAX_PART_NUMBER))
    if size > limits.maximum:
        raise FileTooLargeError(
            f"{content_length} bytes needs parts larger than the maximum part size ({limits.maximum} bytes)"
        )
    return size


def plan_parts(
    content_length: int, limits: PartSizeLimits, part_size: int | None = None
) -> tuple[PartRange, ...]:
    """Cut ``content_length`` bytes into contiguous parts covering it exactly (empty content: no parts).

    Every part but the last has the chosen part size (so at least ``absolute_minimum``); the last holds the
    remainder (at least one byte).
    """
    if content_length < 0:
        raise PartPlanningError(f"content length must not be negative, got {content_length}")
    size = choose_part_size(content_length, limits, part_size)
    return tuple(
        PartRange(number=index + 1, offset=offset, length=min(size, content_length - offset))
        for index, offset in enumerate(range(0, content_length, size))
    )


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)
