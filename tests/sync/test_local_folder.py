"""Walking a local tree: B2 name order, filters, symlinks, partial downloads and bad names."""

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b2kit.sync import LocalFolder, ScanPolicy, SyncOptions
from b2kit.sync._local_folder import PARTIAL_SUFFIX


def make(root, names):
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode())


def names(folder, warnings=None, policy=None):
    sink = warnings.append if warnings is not None else (lambda _m: None)
    return [e.name for e in folder.walk(policy or ScanPolicy(), sink)]


def test_walk_yields_b2_byte_order_across_directories(tmp_path):
    files = ["a-b", "a/b", "a/c/d", "a0", "B", "é/x", "z", "ä"]
    make(tmp_path, files)
    got = names(LocalFolder(tmp_path))
    assert got == sorted(files, key=lambda n: n.encode())


def test_walk_reports_size_and_millisecond_mtime(tmp_path):
    make(tmp_path, ["f"])
    os.utime(tmp_path / "f", ns=(1_700_000_000_123_456_789, 1_700_000_000_123_456_789))
    (entry,) = LocalFolder(tmp_path).walk()
    assert (entry.size, entry.mod_time_millis) == (1, 1_700_000_000_123)


def test_missing_root_yields_nothing(tmp_path):
    assert names(LocalFolder(tmp_path / "nope")) == []


def test_partial_downloads_are_invisible(tmp_path):
    make(tmp_path, ["keep", f".abc{PARTIAL_SUFFIX}"])
    assert names(LocalFolder(tmp_path)) == ["keep"]


def test_filters_skip_files_and_whole_directories(tmp_path):
    make(tmp_path, ["a.txt", "a.tmp", "cache/x", "sub/cache/y", "sub/z"])
    opts = SyncOptions(exclude_regexes=(r".*\.tmp$",), exclude_dir_regexes=("sub/cache",))
    assert names(LocalFolder(tmp_path), policy=ScanPolicy.from_options(opts)) == [
        "a.txt",
        "cache/x",
        "sub/z",
    ]


def test_symlinks_followed_or_excluded(tmp_path):
    root = tmp_path / "root"
    make(tmp_path, ["outside/f", "root/real"])
    (root / "link").symlink_to(tmp_path / "outside")
    (root / "flink").symlink_to(root / "real")
    assert names(LocalFolder(root)) == ["flink", "link/f", "real"]
    assert names(LocalFolder(root), policy=ScanPolicy(follow_symlinks=False)) == ["real"]


def test_broken_symlink_and_loop_are_warned_and_skipped(tmp_path):
    make(tmp_path, ["d/f"])
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d")
    (tmp_path / "broken").symlink_to(tmp_path / "missing")
    warnings = []
    assert names(LocalFolder(tmp_path), warnings) == ["d/f"]
    assert any("loop" in w for w in warnings)
    assert any("broken" in w for w in warnings)


def test_name_b2_cannot_store_is_warned_and_skipped(tmp_path):
    make(tmp_path, ["ok"])
    (tmp_path / "bad\x01name").write_bytes(b"x")
    os.close(os.open(os.fsencode(tmp_path) + b"/\xff\xfe", os.O_CREAT | os.O_WRONLY))
    warnings = []
    assert names(LocalFolder(tmp_path), warnings) == ["ok"]
    assert len(warnings) == 2


def test_full_path_maps_slashes_to_local_separators(tmp_path):
    assert LocalFolder(tmp_path).full_path("a/b/c") == tmp_path / "a" / "b" / "c"


_SEGMENT = st.text(alphabet="a-0./ é~!Z", min_size=1, max_size=4).filter(
    lambda s: "/" not in s and s not in (".", "..")
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paths=st.lists(st.lists(_SEGMENT, min_size=1, max_size=3).map("/".join), min_size=1, max_size=12))
def test_walk_order_is_byte_order_of_full_names_for_any_tree(tmp_path_factory, paths):
    root = tmp_path_factory.mktemp("tree")
    files = []
    for name in paths:
        # a name cannot be both a file and a directory: skip names that clash with earlier ones
        if any(f == name or f.startswith(name + "/") or name.startswith(f + "/") for f in files):
            continue
        files.append(name)
        make(root, [name])
    assert names(LocalFolder(root)) == sorted(files, key=lambda n: n.encode())
