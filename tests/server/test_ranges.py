"""Unit tests for the Range header parser."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b2kit.server._errors import B2Error
from b2kit.server._rules._ranges import parse_range


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-0", (0, 0)),
        ("bytes=2-5", (2, 5)),
        ("bytes=5-", (5, 9)),
        ("bytes=-3", (7, 9)),
        ("bytes=-30", (0, 9)),
        ("bytes=8-100", (8, 9)),
        (" bytes = 1 - 2 ", (1, 2)),
    ],
)
def test_satisfiable_ranges(header, expected):
    byte_range = parse_range(header, 10)
    assert (byte_range.first, byte_range.last) == expected


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "bytes=",
        "bytes=-",
        "bytes=5-2",
        "items=1-2",
        "bytes=1-2,4-5",
        "x",
        "bytes=" + "9" * 5000 + "-",
    ],
)
def test_unusable_ranges_mean_the_whole_file(header):
    assert parse_range(header, 10) is None


@pytest.mark.parametrize("header", ["bytes=10-", "bytes=10-20", "bytes=-0"])
def test_unsatisfiable_ranges_are_416(header):
    with pytest.raises(B2Error) as caught:
        parse_range(header, 10)
    assert caught.value.status == 416
    assert ("Content-Range", "bytes */10") in caught.value.headers


def test_whole_file_range_is_not_partial():
    assert not parse_range("bytes=0-9", 10).partial
    assert parse_range("bytes=0-8", 10).content_range() == "bytes 0-8/10"


@given(st.integers(0, 50), st.integers(0, 50), st.integers(1, 40))
def test_ranges_stay_inside_the_file(first, last, total):
    try:
        byte_range = parse_range(f"bytes={first}-{last}", total)
    except B2Error:
        assert first >= total
        return
    if byte_range is not None:
        assert 0 <= byte_range.first <= byte_range.last < total
        assert byte_range.length == byte_range.last - byte_range.first + 1
