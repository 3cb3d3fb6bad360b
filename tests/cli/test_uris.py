"""Parsing b2:// and b2id:// URIs."""

import pytest

from b2kit.cli._uris import B2FileId, B2Path, BadUri, parse_b2_path, parse_b2_uri, parse_file_uri


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("b2://bucket", B2Path("bucket", "")),
        ("b2://bucket/", B2Path("bucket", "")),
        ("b2://bucket/a/b c.txt", B2Path("bucket", "a/b c.txt")),
        ("b2://bucket/dir/", B2Path("bucket", "dir/")),
        ("b2id://4_zabc_f123", B2FileId("4_zabc_f123")),
    ],
)
def test_valid_uris_parse(text, expected):
    assert parse_b2_uri(text) == expected


@pytest.mark.parametrize(
    "text", ["bucket/file", "s3://b/f", "b2://", "b2:///name", "b2id://", "b2id://a/b", ""]
)
def test_malformed_uris_are_rejected(text):
    with pytest.raises(BadUri):
        parse_b2_uri(text)


def test_path_uri_refuses_file_ids():
    with pytest.raises(BadUri, match="not accepted"):
        parse_b2_path("b2id://abc")


@pytest.mark.parametrize("text", ["b2://bucket", "b2://bucket/dir/"])
def test_file_uri_needs_a_file_name(text):
    with pytest.raises(BadUri, match="names no file"):
        parse_file_uri(text)


def test_uris_print_back_as_given():
    assert str(parse_b2_uri("b2://b/x/y")) == "b2://b/x/y"
    assert str(parse_b2_uri("b2id://xyz")) == "b2id://xyz"


def test_id_kind_accepts_only_file_ids():
    from b2kit.cli._uris import parse_file_id_uri

    assert parse_file_id_uri("b2id://abc") == B2FileId("abc")
    with pytest.raises(BadUri, match="b2id://"):
        parse_file_id_uri("b2://bucket/name")
