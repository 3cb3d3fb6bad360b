"""Unit tests for the pure part planner: invariants over any size, and the typed errors beyond B2's limits."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b2kit._exceptions import InvalidUserInput
from b2kit._protocol import MAX_LARGE_FILE_SIZE, MAX_PART_NUMBER, MAX_PART_SIZE
from b2kit._transfer._part_planning import (
    FileTooLargeError,
    InvalidPartSizeError,
    PartSizeLimits,
    choose_part_size,
    is_large_file,
    plan_parts,
)

REAL = PartSizeLimits(absolute_minimum=5_000_000, recommended=100_000_000)
TEST = PartSizeLimits(absolute_minimum=100_000, recommended=1_000_000)

limits_strategy = st.builds(
    lambda minimum, extra: PartSizeLimits(absolute_minimum=minimum, recommended=minimum + extra),
    st.integers(min_value=1, max_value=100_000_000),
    st.integers(min_value=0, max_value=200_000_000),
)


def check_invariants(content_length, limits, parts):
    assert len(parts) <= MAX_PART_NUMBER
    assert [part.number for part in parts] == list(range(1, len(parts) + 1))
    position = 0
    for part in parts:
        assert part.offset == position
        assert 1 <= part.length <= MAX_PART_SIZE
        position = part.end
    assert position == content_length
    assert all(part.length >= limits.absolute_minimum for part in parts[:-1])


@given(content_length=st.integers(min_value=0, max_value=MAX_LARGE_FILE_SIZE), limits=limits_strategy)
def test_plan_is_contiguous_exact_and_within_limits(content_length, limits):
    check_invariants(content_length, limits, plan_parts(content_length, limits))


@given(
    content_length=st.integers(min_value=0, max_value=10_000_000_000),
    part_size=st.integers(min_value=1_000_000, max_value=MAX_PART_SIZE),
)
def test_plan_with_a_valid_override_uses_it(content_length, part_size):
    limits = PartSizeLimits(absolute_minimum=1_000_000, recommended=50_000_000)
    parts = plan_parts(content_length, limits, part_size)
    check_invariants(content_length, limits, parts)
    assert all(part.length == part_size for part in parts[:-1])


def test_plan_uses_the_recommended_part_size():
    parts = plan_parts(5_500_000, TEST)
    assert [part.length for part in parts] == [1_000_000] * 5 + [500_000]


def test_ten_terabytes_fit_in_ten_thousand_parts():
    parts = plan_parts(MAX_LARGE_FILE_SIZE, REAL)
    assert len(parts) == MAX_PART_NUMBER
    assert parts[0].length == MAX_LARGE_FILE_SIZE // MAX_PART_NUMBER


def test_more_than_ten_terabytes_is_refused_with_a_typed_error():
    with pytest.raises(FileTooLargeError, match="largest B2 file"):
        plan_parts(MAX_LARGE_FILE_SIZE + 1, REAL)
    with pytest.raises(FileTooLargeError):
        is_large_file(MAX_LARGE_FILE_SIZE + 1, REAL)


def test_planning_errors_are_b2kit_errors_and_value_errors():
    assert issubclass(FileTooLargeError, InvalidUserInput)
    assert issubclass(InvalidPartSizeError, ValueError)


def test_part_size_below_the_minimum_is_refused():
    with pytest.raises(InvalidPartSizeError, match="outside"):
        choose_part_size(10_000_000, TEST, part_size=99_999)


def test_part_size_above_five_gigabytes_is_refused():
    with pytest.raises(InvalidPartSizeError):
        choose_part_size(10_000_000_000, REAL, part_size=MAX_PART_SIZE + 1)


def test_part_size_needing_more_than_ten_thousand_parts_is_refused():
    with pytest.raises(InvalidPartSizeError, match="10000 parts"):
        choose_part_size(10_001 * 5_000_000, REAL, part_size=5_000_000)


def test_recommended_size_grows_to_stay_within_ten_thousand_parts():
    size = choose_part_size(20_000 * 100_000_000, REAL)
    assert size == 200_000_000


def test_recommended_below_minimum_is_raised_to_the_minimum():
    limits = PartSizeLimits(absolute_minimum=2_000, recommended=1_000)
    assert choose_part_size(10_000, limits) == 2_000


def test_negative_length_is_refused():
    with pytest.raises(ValueError, match="negative"):
        plan_parts(-1, TEST)


def test_limits_must_be_sane():
    with pytest.raises(InvalidPartSizeError):
        PartSizeLimits(absolute_minimum=0, recommended=10)
    with pytest.raises(InvalidPartSizeError):
        PartSizeLimits(absolute_minimum=10, recommended=0)


@pytest.mark.parametrize(
    ("content_length", "large"),
    [(0, False), (1, False), (1_000_000, False), (1_000_001, True), (50_000_000, True)],
)
def test_large_when_bigger_than_one_recommended_part(content_length, large):
    assert is_large_file(content_length, TEST) is large


@given(content_length=st.integers(min_value=0, max_value=MAX_LARGE_FILE_SIZE), limits=limits_strategy)
def test_a_large_file_always_has_at_least_two_parts(content_length, limits):
    if is_large_file(content_length, limits):
        assert len(plan_parts(content_length, limits)) >= 2
