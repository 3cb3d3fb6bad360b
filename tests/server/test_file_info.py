"""Unit tests for file-info validation and the b2-* header values."""

import pytest

from b2kit.server._errors import B2Error
from b2kit.server._rules._file_info import b2_value_ok, checked_file_info


def test_keys_are_lower_cased():
    assert checked_file_info({"Src_Last_Modified_Millis": "1"}, "f") == {"src_last_modified_millis": "1"}


@pytest.mark.parametrize(
    "info",
    [
        {"a b": "x"},
        {"": "x"},
        {"k": 5},
        {"k": "line\nbreak"},
        {"A": "1", "a": "2"},
        {"b2-other": "x"},
        {"x" * 51: "v"},
    ],
)
def test_bad_file_info_is_refused(info):
    with pytest.raises(B2Error):
        checked_file_info(info, "f")


def test_budget_counts_the_name_too():
    checked_file_info({"k": "v" * 6000}, "n" * 999)
    with pytest.raises(B2Error):
        checked_file_info({"k": "v" * 6000}, "n" * 1000)


@pytest.mark.parametrize(
    ("key", "value", "ok"),
    [
        ("b2-content-disposition", "attachment", True),
        ("b2-content-disposition", 'inline; filename="a b.txt"', True),
        ("b2-content-disposition", "attachment; filename*=UTF-8''%E2%82%AC.txt", True),
        ("b2-content-disposition", "attachment; filename*=ISO-8859-1''a.txt", False),
        ("b2-content-disposition", "attachment; filename*0=a", False),
        ("b2-content-disposition", 'attachment; filename="unterminated', False),
        ("b2-content-language", "en-US, de", True),
        ("b2-content-language", "english please", False),
        ("b2-expires", "Thu, 01 Dec 1994 16:00:00 GMT", True),
        ("b2-expires", "tomorrow", False),
        ("b2-cache-control", "max-age=3600, must-revalidate", True),
        ("b2-cache-control", "max age", False),
        ("b2-content-encoding", "gzip", True),
        ("b2-content-encoding", "gzip deflate", False),
        ("b2-content-encoding", "gzíp", False),
    ],
)
def test_b2_values(key, value, ok):
    assert b2_value_ok(key, value) is ok
