"""Unit tests for typed parameter access (JSON bodies and coerced query strings)."""

import pytest

from b2kit.server._errors import B2Error
from b2kit.server._http._params import Params


def test_json_values_are_typed_and_null_is_absent():
    params = Params({"a": "x", "n": 5, "b": True, "l": ["p"], "o": {"k": "v"}, "z": None})
    assert (params.text("a"), params.opt_int("n"), params.opt_bool("b")) == ("x", 5, True)
    assert (params.opt_text_list("l"), params.opt_object("o")) == (["p"], {"k": "v"})
    assert params.opt_text("z") is None and not params.has("z")
    assert params.names() == {"a", "n", "b", "l", "o"}


@pytest.mark.parametrize(
    ("getter", "value"),
    [
        ("text", 5),
        ("opt_int", "5"),
        ("opt_int", True),
        ("opt_int", 1.5),
        ("opt_bool", 1),
        ("opt_list", "a"),
        ("opt_object", []),
        ("opt_text_list", [1]),
    ],
)
def test_wrong_json_types_are_400(getter, value):
    with pytest.raises(B2Error) as caught:
        getattr(Params({"f": value}), getter)("f")
    assert (caught.value.status, caught.value.code) == (400, "bad_request")


def test_required_missing_field_is_400():
    with pytest.raises(B2Error):
        Params({}).text("bucketId")
    with pytest.raises(B2Error):
        Params({"n": None}).integer("n")


def test_query_strings_are_coerced():
    params = Params(
        {
            "n": "100",
            "neg": "-2",
            "b": "TRUE",
            "l": '["a","b"]',
            "c": "a,b",
            "o": '{"k":"v"}',
            "rep": ["x", "y"],
        },
        from_query=True,
    )
    assert (params.opt_int("n"), params.opt_int("neg"), params.opt_bool("b")) == (100, -2, True)
    assert params.opt_text_list("l") == ["a", "b"]
    assert params.opt_text_list("c") == ["a", "b"]
    assert params.opt_text_list("rep") == ["x", "y"]
    assert params.opt_object("o") == {"k": "v"}


@pytest.mark.parametrize(
    ("getter", "value"), [("opt_int", "ten"), ("opt_int", "1" * 30), ("opt_bool", "yes"), ("opt_object", "x")]
)
def test_uncoercible_query_values_are_400(getter, value):
    with pytest.raises(B2Error):
        getattr(Params({"f": value}, from_query=True), getter)("f")


def test_numeric_strings_only_where_allowed_in_json():
    assert Params({"t": "123"}).opt_int("t", numeric_string=True) == 123
