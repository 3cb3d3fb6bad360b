"""Path parsing of ``b2://bucket/key?versionId=...`` (pure functions)."""

from __future__ import annotations

import pytest

from b2kit.fs._paths import B2Path, depth_below, parents_between, split_path, strip_protocol, with_version


@pytest.mark.parametrize(
    ("given", "stripped"),
    [
        ("b2://bucket/a/b.txt", "bucket/a/b.txt"),
        ("b2::bucket/a/", "bucket/a"),
        ("/bucket/a", "bucket/a"),
        ("bucket", "bucket"),
        ("b2://", ""),
        ("b2://bucket/a?versionId=4_z1", "bucket/a?versionId=4_z1"),
    ],
)
def test_strip_protocol(given, stripped):
    assert strip_protocol(given) == stripped


def test_split_path_into_bucket_key_and_version():
    assert split_path("b2://bucket/dir/file.csv") == B2Path("bucket", "dir/file.csv")
    assert split_path("bucket") == B2Path("bucket")
    assert split_path("") == B2Path("")
    assert split_path("bucket/k?versionId=4_zabc") == B2Path("bucket", "k", "4_zabc")


@pytest.mark.parametrize("bad", ["bucket?versionId=4_z", "bucket/k?versionId="])
def test_split_path_rejects_a_version_without_a_file(bad):
    with pytest.raises(ValueError):
        split_path(bad)


def test_folder_prefix_and_name():
    assert B2Path("b", "x/y").folder_prefix == "x/y/"
    assert B2Path("b").folder_prefix == ""
    assert B2Path("b", "x").name == "b/x"
    assert with_version("b/x", "4_z") == "b/x?versionId=4_z"


def test_parents_and_depth_below_a_folder():
    assert parents_between("b/a", "b/a/x/y/f") == ["b/a/x", "b/a/x/y"]
    assert parents_between("b", "b/f") == []
    assert depth_below("b/a", "b/a/f") == 1
    assert depth_below("b", "b/a/x/f") == 3
