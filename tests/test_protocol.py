"""Unit tests for the shared protocol module: B2's published percent-encoding vectors and name rules."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b2kit import _protocol as p


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        (" ", "%20"),
        ("!$'()*-.:;=@_~", "!$'()*-.:;=@_~"),
        ("/", "/"),
        ('"#%&+,<>?[\\]^`{|}\x7f', "%22%23%25%26%2B%2C%3C%3E%3F%5B%5C%5D%5E%60%7B%7C%7D%7F"),
        ("自由", "%E8%87%AA%E7%94%B1"),
        ("\U00010400", "%F0%90%90%80"),
        ("dir/a b.txt", "dir/a%20b.txt"),
    ],
)
def test_encode_name_matches_b2_vectors(raw: str, encoded: str) -> None:
    assert p.encode_name(raw) == encoded


def test_decode_name_treats_plus_as_space_and_percent_2b_as_plus() -> None:
    assert p.decode_name("a+b%2Bc") == "a b+c"


def test_decode_name_rejects_invalid_utf8() -> None:
    with pytest.raises(ValueError):
        p.decode_name("%FF%FE")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1))
def test_encode_then_decode_round_trips(name: str) -> None:
    assert p.decode_name(p.encode_name(name)) == name


@pytest.mark.parametrize(
    "name",
    ["", "a\x00b", "tab\there", "del\x7f", "x" * 1025, "é" * 513],
)
def test_file_name_problem_refuses_illegal_names(name: str) -> None:
    assert p.file_name_problem(name) is not None


@pytest.mark.parametrize("name", ["a", "../x", "a//b", "%", "+", "日本/語.txt", "x" * 1024])
def test_file_name_problem_accepts_awkward_legal_names(name: str) -> None:
    assert p.file_name_problem(name) is None
