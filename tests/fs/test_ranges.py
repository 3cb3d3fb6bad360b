"""fsspec's ``start``/``end`` bounds made absolute (pure; the reads themselves are tested on the server)."""

from __future__ import annotations

import pytest

from b2kit.fs._ranges import resolve_range

SIZE = 10


def _no_size() -> int:
    raise AssertionError("the size was asked for although no bound needs it")


@pytest.mark.parametrize(
    ("start", "end", "resolved"),
    [
        (None, None, (0, None)),
        (0, None, (0, None)),
        (2, 5, (2, 5)),
        (None, 4, (0, 4)),
    ],
)
def test_bounds_that_need_no_size(start, end, resolved):
    assert resolve_range(start, end, _no_size) == resolved


@pytest.mark.parametrize(
    ("start", "end", "resolved"),
    [
        (-3, None, (7, 10)),
        (-30, None, (0, 10)),
        (2, -2, (2, 8)),
        (None, -30, (0, 0)),
        (4, None, (4, 10)),
    ],
)
def test_negative_and_open_bounds_count_from_the_size(start, end, resolved):
    assert resolve_range(start, end, lambda: SIZE) == resolved
