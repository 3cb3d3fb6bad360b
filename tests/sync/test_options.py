"""SyncOptions validation and the name filters built from it."""

import pytest

from b2kit.sync import InvalidSyncOptions, NameFilter, SyncOptions


def test_delete_and_keep_days_are_exclusive():
    with pytest.raises(InvalidSyncOptions, match="together"):
        SyncOptions(delete=True, keep_days=3)


@pytest.mark.parametrize(
    "kwargs",
    [{"keep_days": -1}, {"compare_threshold": -5}, {"max_workers": 0}, {"exclude_regexes": ("(",)}],
)
def test_malformed_options_are_rejected(kwargs):
    with pytest.raises(InvalidSyncOptions):
        SyncOptions(**kwargs)


def test_options_are_immutable():
    opts = SyncOptions()
    with pytest.raises(AttributeError):
        opts.delete = True  # type: ignore[misc]


def test_exclude_regex_matches_from_start_of_relative_path():
    f = NameFilter.from_options(SyncOptions(exclude_regexes=(r".*\.tmp",)))
    assert f.excludes_file("a/b.tmp")
    assert not f.excludes_file("a/b.txt")


def test_include_regex_overrides_exclude():
    f = NameFilter.from_options(SyncOptions(exclude_regexes=(r".*",), include_regexes=(r".*\.keep$",)))
    assert f.excludes_file("x.txt")
    assert not f.excludes_file("x.keep")


def test_exclude_dir_regex_must_match_whole_dir_path():
    f = NameFilter.from_options(SyncOptions(exclude_dir_regexes=("cache",)))
    assert f.excludes_dir("cache")
    assert not f.excludes_dir("cache2")
    assert f.excludes_any_parent("cache/x/y.txt")
    assert not f.excludes_any_parent("a/cache")
