"""Sync against a real local server: up, down, B2→B2, no-op resync, delete, dry run, refusals, cancel."""

from __future__ import annotations

import os
import threading

import pytest

from b2kit.sync import (
    B2Folder,
    DestinationNewerError,
    EmptySourceError,
    LocalFolder,
    MissingSourceError,
    NewerMode,
    SyncActionsFailed,
    SyncCancelled,
    Synchronizer,
    SyncListener,
    SyncOptions,
    UnsupportedFolderPair,
)
from b2kit.sync._local_folder import PARTIAL_SUFFIX

BIG_NAME = "big/multi-part.bin"
BIG_SIZE = 2_500_000


def sync(source, dest, **options):
    return Synchronizer(SyncOptions(**options)).sync_folders(source, dest)


def b2_names(bucket, versions=False):
    return sorted(v.file_name for v, _ in bucket.ls("", show_versions=versions, recursive=True))


def test_up_and_down_round_trip_nested_tree_byte_for_byte(tmp_path, bucket, make_tree, read_tree):
    content = make_tree(tmp_path / "src")
    up = sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, "backup"))
    assert up.counts == {"upload": len(content)}
    assert up.bytes_transferred == sum(len(v) for v in content.values())
    assert b2_names(bucket) == sorted(f"backup/{n}" for n in content)

    down = sync(B2Folder(bucket, "backup"), LocalFolder(tmp_path / "dst"))
    assert down.counts == {"download": len(content)}
    assert read_tree(tmp_path / "dst") == content


class WaitForEachOther(SyncListener):
    """Holds every transfer until ``count`` have started: only passes when that many run at once."""

    def __init__(self, count):
        self.barrier = threading.Barrier(count, timeout=60)

    def action_started(self, action):
        self.barrier.wait()


@pytest.mark.parametrize("direction", ["up", "down"])
def test_default_options_move_many_small_files_at_once(tmp_path, bucket, direction):
    count = 24  # more than the 10 at once of a fixed thread count
    local = tmp_path / "files"
    local.mkdir()
    for index in range(count):
        (local / f"f{index:02d}").write_bytes(os.urandom(100))
    if direction == "down":
        sync(LocalFolder(local), B2Folder(bucket, "many"))
        local = tmp_path / "back"
    synchronizer = Synchronizer(SyncOptions(), WaitForEachOther(count))
    pair = (LocalFolder(local), B2Folder(bucket, "many"))
    report = synchronizer.sync_folders(*(pair if direction == "up" else pair[::-1]))
    assert report.files_transferred == count


def test_upload_records_source_mtime_and_download_restores_it(tmp_path, bucket, make_tree):
    make_tree(tmp_path / "src")
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    info = bucket.get_file_info_by_name("a.txt")
    assert info.file_info["src_last_modified_millis"] == "1700000000000"
    sync(B2Folder(bucket, ""), LocalFolder(tmp_path / "dst"))
    assert (tmp_path / "dst" / "a.txt").stat().st_mtime == 1_700_000_000


def test_large_file_goes_up_in_parts(tmp_path, bucket, make_tree):
    make_tree(tmp_path / "src")
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    info = bucket.get_file_info_by_name(BIG_NAME)
    assert info.size == BIG_SIZE
    assert info.content_sha1 in (None, "none")  # finished large files carry no whole-file SHA-1


def test_second_sync_of_unchanged_tree_transfers_nothing(tmp_path, bucket, make_tree):
    make_tree(tmp_path / "src")
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, "x"))
    sync(B2Folder(bucket, "x"), LocalFolder(tmp_path / "dst"))
    again_up = sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, "x"))
    again_down = sync(B2Folder(bucket, "x"), LocalFolder(tmp_path / "dst"))
    assert (again_up.files_transferred, again_up.bytes_transferred) == (0, 0)
    assert (again_down.files_transferred, again_down.bytes_transferred) == (0, 0)


def test_modified_file_is_uploaded_again_as_new_version(tmp_path, bucket, make_tree):
    make_tree(tmp_path / "src")
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    (tmp_path / "src" / "a.txt").write_bytes(b"alpha v2")
    report = sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    assert report.counts == {"upload": 1}
    assert b2_names(bucket, versions=True).count("a.txt") == 2


def test_newer_destination_refused_by_default_skipped_or_replaced_on_request(tmp_path, bucket, make_tree):
    make_tree(tmp_path / "src")
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    os.utime(tmp_path / "src" / "a.txt", (1_600_000_000, 1_600_000_000))
    with pytest.raises(DestinationNewerError, match=r"a\.txt"):
        sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    assert (
        sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""), newer=NewerMode.SKIP).files_transferred == 0
    )
    assert sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""), newer=NewerMode.REPLACE).counts == {
        "upload": 1
    }


def test_delete_removes_remote_files_gone_locally_with_all_versions(tmp_path, bucket, make_tree):
    make_tree(tmp_path / "src")
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    (tmp_path / "src" / "a.txt").unlink()
    (tmp_path / "src" / "b" / "c.txt").write_bytes(b"changed")
    report = sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""), delete=True)
    assert report.counts == {"upload": 1, "delete": 2}  # a.txt, and the old version of b/c.txt
    assert "a.txt" not in b2_names(bucket, versions=True)
    assert b2_names(bucket, versions=True).count("b/c.txt") == 1


def test_without_delete_remote_extras_stay(tmp_path, bucket, make_tree):
    make_tree(tmp_path / "src")
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    (tmp_path / "src" / "a.txt").unlink()
    assert sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, "")).counts == {}
    assert "a.txt" in b2_names(bucket)


def test_keep_days_hides_remote_file_gone_locally(tmp_path, bucket, make_tree):
    make_tree(tmp_path / "src")
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    (tmp_path / "src" / "a.txt").unlink()
    assert sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""), keep_days=7).counts == {"hide": 1}
    assert "a.txt" not in b2_names(bucket)
    assert "a.txt" in b2_names(bucket, versions=True)


def test_delete_down_removes_local_files_missing_on_b2(tmp_path, bucket, make_tree):
    make_tree(tmp_path / "src")
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    (tmp_path / "dst").mkdir()
    (tmp_path / "dst" / "stray.txt").write_bytes(b"x")
    report = sync(B2Folder(bucket, ""), LocalFolder(tmp_path / "dst"), delete=True)
    assert report.counts["delete"] == 1
    assert not (tmp_path / "dst" / "stray.txt").exists()


def test_dry_run_reports_actions_but_changes_nothing(tmp_path, bucket, make_tree):
    content = make_tree(tmp_path / "src")
    report = sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""), dry_run=True)
    assert report.dry_run and report.counts == {"upload": len(content)}
    assert b2_names(bucket) == []
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    down = sync(B2Folder(bucket, ""), LocalFolder(tmp_path / "dst"), dry_run=True)
    assert down.counts == {"download": len(content)}
    assert not (tmp_path / "dst").exists()


def test_b2_to_b2_sync_copies_server_side(tmp_path, api, bucket, make_tree, read_tree):
    content = make_tree(tmp_path / "src")
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, "one"))
    other = api.create_bucket("sync-tests-copy", "allPrivate")
    report = sync(B2Folder(bucket, "one"), B2Folder(other, "two"))
    assert report.counts == {"copy": len(content)}
    sync(B2Folder(other, "two"), LocalFolder(tmp_path / "dst"))
    assert read_tree(tmp_path / "dst") == content
    assert sync(B2Folder(bucket, "one"), B2Folder(other, "two")).files_transferred == 0


def test_empty_source_is_refused_unless_allowed(tmp_path, bucket, make_tree):
    make_tree(tmp_path / "src")
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    (tmp_path / "empty").mkdir()
    with pytest.raises(EmptySourceError):
        sync(LocalFolder(tmp_path / "empty"), B2Folder(bucket, ""), delete=True)
    assert b2_names(bucket) != []
    sync(LocalFolder(tmp_path / "empty"), B2Folder(bucket, ""), delete=True, allow_empty_source=True)
    assert b2_names(bucket, versions=True) == []


def test_local_to_local_is_refused(tmp_path):
    with pytest.raises(UnsupportedFolderPair):
        sync(LocalFolder(tmp_path), LocalFolder(tmp_path / "x"))


def test_excluded_files_are_neither_uploaded_nor_deleted(tmp_path, bucket, make_tree):
    make_tree(tmp_path / "src")
    report = sync(
        LocalFolder(tmp_path / "src"),
        B2Folder(bucket, ""),
        exclude_regexes=(r".*\.txt$",),
        exclude_dir_regexes=("big",),
    )
    assert not any(n.endswith(".txt") or n.startswith("big/") for n in b2_names(bucket))
    assert report.files_transferred == len(b2_names(bucket))


class CancelOnFirstBytes(SyncListener):
    def __init__(self):
        self.synchronizer = None

    def bytes_transferred(self, byte_count):
        self.synchronizer.cancel()


def test_cancelled_download_leaves_no_partial_file(tmp_path, bucket, make_tree, read_tree):
    make_tree(tmp_path / "src")
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    listener = CancelOnFirstBytes()
    synchronizer = Synchronizer(SyncOptions(max_workers=1), listener)
    listener.synchronizer = synchronizer
    with pytest.raises(SyncCancelled):
        synchronizer.sync_folders(B2Folder(bucket, ""), LocalFolder(tmp_path / "dst"))
    leftovers = [p.name for p in (tmp_path / "dst").rglob("*") if p.is_file()]
    assert not [n for n in leftovers if n.endswith(PARTIAL_SUFFIX)]
    src = read_tree(tmp_path / "src")
    assert all(src[name] == data for name, data in read_tree(tmp_path / "dst").items())
    assert len(leftovers) < len(src)


def test_download_cut_short_is_retried_and_leaves_no_partial_file(
    tmp_path, server, bucket, make_tree, read_tree
):
    from b2kit.server._faults import FaultRule

    content = make_tree(tmp_path / "src")
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    server.faults.add(FaultRule("b2_download_file_by_id", fault="truncate", after_bytes=10, times=3))
    sync(B2Folder(bucket, ""), LocalFolder(tmp_path / "dst"))
    assert read_tree(tmp_path / "dst") == content


def test_cancel_during_upload_stops_cleanly(tmp_path, bucket, make_tree):
    make_tree(tmp_path / "src")
    listener = CancelOnFirstBytes()
    synchronizer = Synchronizer(SyncOptions(max_workers=1), listener)
    listener.synchronizer = synchronizer
    with pytest.raises(SyncCancelled):
        synchronizer.sync_folders(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    assert len(b2_names(bucket)) < 9


def test_missing_local_source_is_an_error_not_an_empty_source(tmp_path, bucket, make_tree):
    make_tree(tmp_path / "src")
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    with pytest.raises(MissingSourceError, match="does not exist"):
        sync(LocalFolder(tmp_path / "typo"), B2Folder(bucket, ""), delete=True, allow_empty_source=True)
    assert b2_names(bucket) != []


class Recorder(SyncListener):
    def __init__(self):
        self.warnings = []

    def warning(self, message):
        self.warnings.append(message)


def test_b2_names_that_would_escape_the_destination_are_skipped(tmp_path, bucket):
    for name in ("ok.txt", "a/../../escape.txt", "/abs.txt", "b//c.txt", "./dot.txt"):
        bucket.upload_bytes(b"x", name)
    recorder = Recorder()
    outer = tmp_path / "outer"
    report = Synchronizer(SyncOptions(), recorder).sync_folders(
        B2Folder(bucket, ""), LocalFolder(outer / "a" / "dst")
    )
    assert report.counts == {"download": 1}
    assert [p.relative_to(outer).as_posix() for p in outer.rglob("*") if p.is_file()] == ["a/dst/ok.txt"]
    assert not (tmp_path / "escape.txt").exists()
    assert len(recorder.warnings) == 4


def test_one_failing_file_does_not_stop_the_others(tmp_path, bucket, make_tree, read_tree):
    content = make_tree(tmp_path / "src")
    sync(LocalFolder(tmp_path / "src"), B2Folder(bucket, ""))
    (tmp_path / "dst" / "a.txt").mkdir(parents=True)  # a directory where a file must go
    with pytest.raises(SyncActionsFailed, match=r"1 file\(s\) failed; a\.txt") as failed:
        sync(B2Folder(bucket, ""), LocalFolder(tmp_path / "dst"))
    assert failed.value.report.counts == {"download": len(content) - 1}
    got = read_tree(tmp_path / "dst")
    assert got == {name: data for name, data in content.items() if name != "a.txt"}
