"""Pure planning of a file made of pieces: which parts are copied server-side, which are uploaded.

``Bucket.create_file`` / ``concatenate`` (and their async twins) describe the new file as write intents.
:func:`lay_out` turns them into consecutive pieces (a copy preferred where intents overlap; a hole is an
error); :func:`plan_emerge` cuts the pieces into large-file parts under B2's rule that every part but the
last holds at least the absolute minimum part size. A B2 range big enough to be a part is copied with
``b2_copy_part``; smaller ranges are downloaded and uploaded with their neighbours, as b2sdk does, so the
client moves only those bytes. No I/O here: the sync and asyncio executors run the same plan.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from b2kit._exceptions import InvalidUserInput
from b2kit._protocol import MAX_PART_NUMBER
from b2kit._transfer._part_planning import PartPlanningError, PartSizeLimits
from b2kit._transfer._write_intents import CopySource, OutboundSource, WriteIntent


@dataclass(frozen=True)
class Piece:
    """``length`` bytes from ``offset`` of ``source`` (offsets relative to the source's own start)."""

    source: OutboundSource
    offset: int
    length: int

    @property
    def is_copy(self) -> bool:
        """True for a range of a B2 file."""
        return isinstance(self.source, CopySource)

    def split(self, length: int) -> tuple[Piece, Piece]:
        """The first ``length`` bytes and the rest."""
        head = Piece(self.source, self.offset, length)
        return head, Piece(self.source, self.offset + length, self.length - length)


@dataclass(frozen=True)
class CopiedPart:
    """Part ``number``: one B2 range, copied server-side (``b2_copy_part``)."""

    number: int
    piece: Piece

    @property
    def length(self) -> int:
        return self.piece.length


@dataclass(frozen=True)
class UploadedPart:
    """Part ``number``: local bytes and small B2 ranges, read (or downloaded) and uploaded as one body."""

    number: int
    pieces: tuple[Piece, ...]

    @property
    def length(self) -> int:
        return sum(piece.length for piece in self.pieces)


Part = CopiedPart | UploadedPart


@dataclass(frozen=True)
class PartSizes:
    """The sizes a plan keeps to: ``minimum`` for every part but the last, uploads cut at ``recommended``."""

    minimum: int
    recommended: int
    maximum: int

    @classmethod
    def choose(
        cls,
        limits: PartSizeLimits,
        min_part_size: int | None = None,
        recommended: int | None = None,
        max_part_size: int | None = None,
    ) -> PartSizes:
        """The account's sizes, narrowed by b2sdk's ``min_part_size`` / ``recommended_upload_part_size`` /
        ``max_part_size`` (InvalidUserInput when they contradict each other or B2's limits)."""
        minimum = max(limits.absolute_minimum, min_part_size or 0)
        maximum = min(limits.maximum, max_part_size or limits.maximum)
        chosen = recommended or min(max(limits.effective_recommended, minimum), maximum)
        if not minimum <= chosen <= maximum:
            raise InvalidUserInput(
                f"part sizes contradict each other: minimum {minimum}, recommended {chosen}, "
                f"maximum {maximum}"
            )
        return cls(minimum, chosen, maximum)


def lay_out(intents: Sequence[WriteIntent]) -> tuple[Piece, ...]:
    """The new file as consecutive pieces, from offset 0 to the end of the last intent.

    Where intents overlap, a copy source is used (no bytes through the client), else the first intent
    given. Bytes no intent covers are an error.
    """
    live = [intent for intent in intents if intent.length > 0]
    cuts = sorted({0} | {i.destination_offset for i in live} | {i.destination_end_offset for i in live})
    pieces: list[Piece] = []
    previous: WriteIntent | None = None
    for start, end in itertools.pairwise(cuts):
        covering = [i for i in live if i.destination_offset <= start and end <= i.destination_end_offset]
        if not covering:
            raise ValueError(f"Cannot emerge file with holes: nothing writes bytes {start}..{end - 1}")
        chosen = next((i for i in covering if i.is_copy()), covering[0])
        if chosen is previous:
            last = pieces.pop()
            pieces.append(Piece(last.source, last.offset, last.length + end - start))
        else:
            pieces.append(Piece(chosen.outbound_source, start - chosen.destination_offset, end - start))
        previous = chosen
    return tuple(pieces)


class _Planner:
    """State of :func:`plan_emerge`: the parts so far and the pieces waiting to be uploaded."""

    def __init__(self, sizes: PartSizes) -> None:
        self.sizes = sizes
        self.parts: list[Part] = []
        self.waiting: list[Piece] = []

    @property
    def waiting_bytes(self) -> int:
        return sum(piece.length for piece in self.waiting)

    def add_upload(self, piece: Piece) -> None:
        """Queue ``piece`` for uploading; send full parts while what stays behind can still be a part."""
        self.waiting.append(piece)
        while self.waiting_bytes >= self.sizes.recommended + self.sizes.minimum:
            self._upload_part(self.sizes.recommended)

    def add_copy(self, piece: Piece) -> None:
        """A B2 range of at least the minimum part size: copied, after the waiting bytes go up.

        Waiting bytes too few for a part borrow the copy's first bytes (downloaded), unless that would
        leave the copy too short to be a part itself; then the whole range is uploaded instead.
        """
        missing = self.sizes.minimum - self.waiting_bytes if self.waiting else 0
        if missing > 0:
            if piece.length - missing < self.sizes.minimum:
                self.add_upload(piece)
                return
            borrowed, piece = piece.split(missing)
            self.waiting.append(borrowed)
        self.flush()
        count = max(1, min(-(-piece.length // self.sizes.recommended), piece.length // self.sizes.minimum))
        base, extra = divmod(piece.length, count)
        for index in range(count):
            chunk, piece = piece.split(base + (1 if index < extra else 0))
            self.parts.append(CopiedPart(len(self.parts) + 1, chunk))

    def flush(self) -> None:
        """Upload every waiting byte: parts of the recommended size, the rest as one part (two if too big)."""
        while self.waiting_bytes >= self.sizes.recommended + self.sizes.minimum:
            self._upload_part(self.sizes.recommended)
        if self.waiting_bytes > self.sizes.maximum:
            self._upload_part(self.waiting_bytes // 2)
        if self.waiting:
            self._upload_part(self.waiting_bytes)

    def _upload_part(self, length: int) -> None:
        taken: list[Piece] = []
        while length > 0:
            piece = self.waiting.pop(0)
            if piece.length > length:
                piece, rest = piece.split(length)
                self.waiting.insert(0, rest)
            taken.append(piece)
            length -= piece.length
        self.parts.append(UploadedPart(len(self.parts) + 1, tuple(taken)))


def plan_emerge(pieces: Sequence[Piece], sizes: PartSizes) -> tuple[Part, ...]:
    """The parts of a large file holding ``pieces`` in order (no parts for an empty file).

    Every part but the last has at least ``sizes.minimum`` bytes; upload parts have ``sizes.recommended``
    bytes except where a copy or the end interrupts them.
    """
    planner = _Planner(sizes)
    for piece in pieces:
        if piece.is_copy and piece.length >= sizes.minimum:
            planner.add_copy(piece)
        else:
            planner.add_upload(piece)
    planner.flush()
    if len(planner.parts) > MAX_PART_NUMBER:
        raise PartPlanningError(
            f"the new file would need {len(planner.parts)} parts; B2 allows {MAX_PART_NUMBER}"
        )
    return tuple(planner.parts)
