"""The pure planner of a file made of pieces: the layout of write intents, which parts are copied."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b2kit import CopySource, InvalidUserInput, UploadSourceBytes, WriteIntent
from b2kit._transfer._emerge_planning import (
    CopiedPart,
    PartSizes,
    Piece,
    UploadedPart,
    lay_out,
    plan_emerge,
)
from b2kit._transfer._part_planning import PartSizeLimits

SIZES = PartSizes(minimum=100, recommended=1000, maximum=5000)


def copy(length: int, file_id: str = "f") -> CopySource:
    return CopySource(file_id, 0, length)


def local(length: int) -> UploadSourceBytes:
    return UploadSourceBytes(bytes(length))


def shape(parts) -> list[tuple[str, int]]:
    return [("copy" if isinstance(p, CopiedPart) else "upload", p.length) for p in parts]


def test_lay_out_concatenates_and_prefers_a_copy_where_intents_overlap():
    remote, patch = copy(3000), local(500)
    pieces = lay_out([WriteIntent(remote), WriteIntent(patch, 1000), WriteIntent(local(200), 3000)])
    assert [(p.is_copy, p.offset, p.length) for p in pieces] == [(True, 0, 3000), (False, 0, 200)]
    uploaded_first = lay_out([WriteIntent(patch, 0), WriteIntent(remote, 200)])
    assert [(p.is_copy, p.offset, p.length) for p in uploaded_first] == [(False, 0, 200), (True, 0, 3000)]


def test_lay_out_refuses_holes():
    with pytest.raises(ValueError, match="holes"):
        lay_out([WriteIntent(local(10)), WriteIntent(local(10), 20)])


def test_a_write_intent_needs_a_length():
    with pytest.raises(ValueError, match="unknown length"):
        WriteIntent(CopySource("f"))
    assert [
        i.destination_offset for i in WriteIntent.wrap_sources_iterator([local(3), copy(4), local(5)])
    ] == [
        0,
        3,
        7,
    ]


def test_a_big_range_is_copied_and_a_short_upload_borrows_its_first_bytes():
    pieces = [Piece(local(50), 0, 50), Piece(copy(5000), 0, 5000), Piece(local(30), 0, 30)]
    parts = plan_emerge(pieces, SIZES)
    assert shape(parts) == [("upload", 100)] + [("copy", 990)] * 5 + [("upload", 30)]
    first = parts[0]
    assert isinstance(first, UploadedPart)
    assert [(p.is_copy, p.offset, p.length) for p in first.pieces] == [(False, 0, 50), (True, 0, 50)]
    second = parts[1]
    assert isinstance(second, CopiedPart) and second.piece.offset == 50


def test_ranges_too_small_to_be_parts_are_uploaded_with_their_neighbours():
    pieces = [Piece(copy(99), 0, 99), Piece(local(1500), 0, 1500), Piece(copy(90), 0, 90)]
    parts = plan_emerge(pieces, SIZES)
    assert shape(parts) == [("upload", 1000), ("upload", 689)]
    last = parts[1]
    assert isinstance(last, UploadedPart)
    assert [(p.is_copy, p.offset, p.length) for p in last.pieces] == [(False, 901, 599), (True, 0, 90)]
    with_a_part_sized_range = [*pieces[:2], Piece(copy(150), 0, 150)]
    assert shape(plan_emerge(with_a_part_sized_range, SIZES)) == [
        ("upload", 1000),
        ("upload", 599),
        ("copy", 150),
    ]


def test_a_copy_that_borrowing_would_leave_too_short_is_uploaded_whole():
    pieces = [Piece(local(60), 0, 60), Piece(copy(120), 0, 120), Piece(local(10), 0, 10)]
    assert shape(plan_emerge(pieces, SIZES)) == [("upload", 190)]


def test_an_empty_file_has_no_parts():
    assert plan_emerge([], SIZES) == ()


def test_part_sizes_follow_the_account_and_b2sdk_knobs():
    limits = PartSizeLimits(absolute_minimum=100, recommended=1000)
    assert PartSizes.choose(limits) == PartSizes(100, 1000, limits.maximum)
    assert PartSizes.choose(limits, 200, 300, 400) == PartSizes(200, 300, 400)
    with pytest.raises(InvalidUserInput, match="contradict"):
        PartSizes.choose(limits, min_part_size=500, recommended=300)


lengths = st.lists(st.tuples(st.booleans(), st.integers(min_value=1, max_value=4000)), max_size=8)


@given(lengths)
def test_every_plan_covers_the_file_in_order_with_valid_parts(spec):
    pieces = [Piece(copy(n) if is_copy else local(n), 0, n) for is_copy, n in spec]
    parts = plan_emerge(pieces, SIZES)
    assert [p.number for p in parts] == list(range(1, len(parts) + 1))
    assert sum(p.length for p in parts) == sum(n for _, n in spec)
    assert all(SIZES.minimum <= p.length <= SIZES.maximum for p in parts[:-1])
    flat = [q for p in parts for q in ((p.piece,) if isinstance(p, CopiedPart) else p.pieces)]
    rebuilt: list[tuple[int, int, int]] = []  # (piece index, offset, length), merged when contiguous
    for q in flat:
        index = next(i for i, original in enumerate(pieces) if original.source is q.source)
        if rebuilt and rebuilt[-1][0] == index and rebuilt[-1][1] + rebuilt[-1][2] == q.offset:
            rebuilt[-1] = (index, rebuilt[-1][1], rebuilt[-1][2] + q.length)
        else:
            rebuilt.append((index, q.offset, q.length))
    assert rebuilt == [(i, 0, n) for i, (_, n) in enumerate(spec)]
    assert all(p.piece.is_copy and p.length >= SIZES.minimum for p in parts if isinstance(p, CopiedPart))
