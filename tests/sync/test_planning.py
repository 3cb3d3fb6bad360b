"""Pure sync planning: merging sorted sides and the per-name decision rules."""

import pytest

from b2kit.sync import (
    CompareMode,
    CopyAction,
    DeleteLocalAction,
    DeleteVersionAction,
    DestinationNewerError,
    Direction,
    DownloadAction,
    HideAction,
    NewerMode,
    SyncEntry,
    SyncOptions,
    UploadAction,
    VersionEntry,
    merge_sorted,
    plan_file,
)
from b2kit.sync._planning import ONE_DAY_MILLIS, needs_transfer

NOW = 1_000 * ONE_DAY_MILLIS


def local(name, size=10, mtime=5_000):
    return SyncEntry(name, size, mtime)


def remote(name, *versions):
    """versions: (file_id, action, size, mod_time, upload_timestamp), newest first."""
    vs = tuple(VersionEntry(*v) for v in versions)
    return SyncEntry(name, vs[0].size, vs[0].mod_time_millis, vs)


def b2(name, size=10, mtime=5_000, file_id="id1", uploaded=None):
    return remote(name, (file_id, "upload", size, mtime, uploaded if uploaded is not None else mtime))


def test_merge_pairs_equal_names_and_leaves_gaps_as_none():
    pairs = list(merge_sorted([local("a"), local("c"), local("d")], [b2("b"), b2("c")]))
    assert [(s and s.name, d and d.name) for s, d in pairs] == [
        ("a", None),
        (None, "b"),
        ("c", "c"),
        ("d", None),
    ]


def test_merge_handles_empty_sides():
    assert list(merge_sorted([], [])) == []
    assert [d.name for _s, d in merge_sorted([], [b2("x")])] == ["x"]


def test_missing_destination_is_transferred_in_each_direction():
    src = b2("a", file_id="f1")
    assert plan_file(local("a"), None, Direction.UP, SyncOptions(), NOW) == [UploadAction("a", 10, 5_000)]
    assert plan_file(src, None, Direction.DOWN, SyncOptions(), NOW) == [DownloadAction("a", 10, 5_000, "f1")]
    assert plan_file(src, None, Direction.COPY, SyncOptions(), NOW) == [CopyAction("a", 10, 5_000, "f1")]


def test_equal_modtime_means_nothing_to_do():
    assert plan_file(local("a"), b2("a"), Direction.UP, SyncOptions(), NOW) == []


def test_newer_source_is_uploaded():
    assert plan_file(local("a", mtime=6_000), b2("a"), Direction.UP, SyncOptions(), NOW) == [
        UploadAction("a", 10, 6_000)
    ]


def test_newer_destination_is_refused_by_default():
    with pytest.raises(DestinationNewerError, match=r"'a' \(modified 1970-01-01 00:00:05 UTC\) is newer"):
        plan_file(local("a", mtime=1_000), b2("a"), Direction.UP, SyncOptions(), NOW)


def test_skip_newer_leaves_newer_destination_alone():
    opts = SyncOptions(newer=NewerMode.SKIP)
    assert plan_file(local("a", mtime=1_000), b2("a"), Direction.UP, opts, NOW) == []


def test_replace_newer_overwrites_newer_destination():
    opts = SyncOptions(newer=NewerMode.REPLACE)
    assert plan_file(local("a", mtime=1_000), b2("a"), Direction.UP, opts, NOW) == [
        UploadAction("a", 10, 1_000)
    ]


def test_modtime_within_threshold_counts_as_equal():
    opts = SyncOptions(compare_threshold=1_000)
    assert not needs_transfer(local("a", mtime=5_999), b2("a"), opts)
    assert needs_transfer(local("a", mtime=6_001), b2("a"), opts)


def test_size_compare_ignores_time_and_uses_threshold():
    opts = SyncOptions(compare=CompareMode.SIZE, compare_threshold=2)
    assert not needs_transfer(local("a", size=12, mtime=1), b2("a", size=10), opts)
    assert needs_transfer(local("a", size=13, mtime=1), b2("a", size=10), opts)


def test_compare_none_never_replaces_existing_files():
    opts = SyncOptions(compare=CompareMode.NONE)
    assert not needs_transfer(local("a", size=1, mtime=99_999), b2("a"), opts)


def test_hidden_destination_is_replaced_even_if_marker_is_newer():
    dest = remote("a", ("h", "hide", 0, 9_000, 9_000), ("f", "upload", 10, 5_000, 5_000))
    assert plan_file(local("a"), dest, Direction.UP, SyncOptions(), NOW) == [UploadAction("a", 10, 5_000)]


def test_hidden_source_is_not_transferred():
    src = remote("a", ("h", "hide", 0, 9_000, 9_000), ("f", "upload", 10, 5_000, 5_000))
    assert plan_file(src, None, Direction.DOWN, SyncOptions(), NOW) == []


def test_without_delete_extra_destination_files_stay():
    assert plan_file(None, b2("a"), Direction.UP, SyncOptions(), NOW) == []
    assert plan_file(None, local("a"), Direction.DOWN, SyncOptions(), NOW) == []


def test_delete_removes_every_version_of_a_file_gone_from_source():
    dest = remote("a", ("f2", "upload", 10, 5_000, 5_000), ("f1", "upload", 9, 4_000, 4_000))
    assert plan_file(None, dest, Direction.UP, SyncOptions(delete=True), NOW) == [
        DeleteVersionAction("a", "f2", ""),
        DeleteVersionAction("a", "f1", "(old version)"),
    ]


def test_delete_keeps_current_version_and_drops_older_ones():
    dest = remote("a", ("f2", "upload", 10, 5_000, 5_000), ("f1", "upload", 9, 4_000, 4_000))
    assert plan_file(local("a"), dest, Direction.UP, SyncOptions(delete=True), NOW) == [
        DeleteVersionAction("a", "f1", "(old version)")
    ]


def test_delete_after_transfer_removes_the_replaced_version_too():
    dest = b2("a", file_id="f1")
    assert plan_file(local("a", mtime=9_000), dest, Direction.COPY, SyncOptions(delete=True), NOW)[1:] == [
        DeleteVersionAction("a", "f1", "(old version)")
    ]


def test_delete_local_file_missing_from_bucket():
    assert plan_file(None, local("a"), Direction.DOWN, SyncOptions(delete=True), NOW) == [
        DeleteLocalAction("a")
    ]


def test_delete_local_file_whose_b2_source_is_hidden():
    src = remote("a", ("h", "hide", 0, 9_000, 9_000), ("f", "upload", 10, 5_000, 5_000))
    assert plan_file(src, local("a"), Direction.DOWN, SyncOptions(delete=True), NOW) == [
        DeleteLocalAction("a")
    ]


def test_keep_days_hides_file_gone_from_source():
    dest = b2("a", uploaded=NOW - ONE_DAY_MILLIS)
    assert plan_file(None, dest, Direction.UP, SyncOptions(keep_days=5), NOW) == [HideAction("a")]


def test_keep_days_keeps_versions_visible_within_the_window():
    day = ONE_DAY_MILLIS
    dest = remote(
        "a",
        ("v5", "upload", 1, 0, NOW - 5 * day),
        ("v15", "upload", 1, 0, NOW - 15 * day),
        ("v25", "upload", 1, 0, NOW - 25 * day),
    )
    actions = plan_file(local("a", mtime=0, size=1), dest, Direction.UP, SyncOptions(keep_days=10), NOW)
    assert actions == [DeleteVersionAction("a", "v25", "(old version)")]


def test_keep_days_deletes_old_hide_marker_and_everything_below():
    day = ONE_DAY_MILLIS
    dest = remote("a", ("h", "hide", 0, 0, NOW - 20 * day), ("v", "upload", 1, 0, NOW - 30 * day))
    assert plan_file(None, dest, Direction.UP, SyncOptions(keep_days=10), NOW) == [
        DeleteVersionAction("a", "h", "(hide marker)"),
        DeleteVersionAction("a", "v", "(old version)"),
    ]


def test_keep_days_never_deletes_local_files():
    assert plan_file(None, local("a"), Direction.DOWN, SyncOptions(keep_days=1), NOW) == []
