"""``b2kit sync`` end to end: up, down, B2→B2, no-op resync, --delete, --dry-run, refusals, bad input."""

import os

import pytest

TREE = {
    "top.txt": b"top",
    "a/b/c.txt": b"deep" * 1000,
    "a/b-c.txt": b"sorts before a/b/",
    "ünïcödé/名前.txt": "名前".encode(),
    "big/part.bin": os.urandom(2_300_000),
}


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "tree"
    for name, data in TREE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def read_tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_sync_up_down_and_b2_to_b2_byte_for_byte(run_ok, run_json, bucket_name, tree, tmp_path):
    up = run_json("sync", "--json", tree, f"b2://{bucket_name}/up")
    assert up["counts"] == {"upload": len(TREE)}
    assert up["bytesTransferred"] == sum(map(len, TREE.values()))
    run_ok("bucket", "create", "cli-copy-target")
    copied = run_json("sync", "--json", f"b2://{bucket_name}/up", "b2://cli-copy-target/copied")
    assert copied["counts"] == {"copy": len(TREE)}
    run_ok("sync", "b2://cli-copy-target/copied", tmp_path / "down")
    assert read_tree(tmp_path / "down") == TREE


def test_sync_prints_each_action_and_a_summary(run_ok, bucket_name, tree):
    result = run_ok("sync", tree, f"b2://{bucket_name}")
    assert sorted(result.stdout.splitlines()) == sorted(f"upload {name}" for name in TREE)
    assert result.stderr.startswith("sync done: 5 upload")


def test_quiet_sync_prints_nothing(run_ok, bucket_name, tree):
    result = run_ok("sync", "-q", tree, f"b2://{bucket_name}")
    assert result.output == ""


def test_second_sync_transfers_nothing(run_ok, run_json, bucket_name, tree, tmp_path):
    run_ok("sync", tree, f"b2://{bucket_name}")
    run_ok("sync", f"b2://{bucket_name}", tmp_path / "down")
    assert run_json("sync", "--json", tree, f"b2://{bucket_name}")["filesTransferred"] == 0
    assert run_json("sync", "--json", f"b2://{bucket_name}", tmp_path / "down")["filesTransferred"] == 0


def test_delete_flag_removes_destination_extras(run_ok, run_json, bucket_name, tree):
    run_ok("sync", tree, f"b2://{bucket_name}")
    (tree / "top.txt").unlink()
    report = run_json("sync", "--json", "--delete", tree, f"b2://{bucket_name}")
    assert report["counts"] == {"delete": 1}
    listed = run_json("ls", "-r", "--versions", "--json", f"b2://{bucket_name}")
    assert "top.txt" not in [f["fileName"] for f in listed]


def test_dry_run_changes_nothing(run_ok, run_json, bucket_name, tree):
    result = run_ok("sync", "--dry-run", tree, f"b2://{bucket_name}")
    assert "upload top.txt" in result.stdout
    assert run_json("ls", "-r", "--json", f"b2://{bucket_name}") == []


def test_newer_destination_refused_then_skipped(run_ok, run, bucket_name, tree):
    run_ok("sync", tree, f"b2://{bucket_name}")
    os.utime(tree / "top.txt", (1_000_000_000, 1_000_000_000))
    refused = run("sync", tree, f"b2://{bucket_name}")
    assert refused.exit_code == 1
    assert "newer" in refused.stderr and "top.txt" in refused.stderr
    skipped = run_ok("sync", "--skip-newer", tree, f"b2://{bucket_name}")
    assert "upload" not in skipped.stdout


def test_empty_source_is_refused(run, bucket_name, tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("sync", tmp_path / "empty", f"b2://{bucket_name}")
    assert result.exit_code == 1
    assert "empty" in result.stderr


@pytest.mark.parametrize(
    ("args", "exit_code", "needle"),
    [
        (("--delete", "--keep-days", "3"), 2, "together"),
        (("--skip-newer", "--replace-newer"), 2, "together"),
        (("--exclude-regex", "("), 1, "regular expression"),
    ],
)
def test_contradictory_or_bad_options_fail(run, bucket_name, tree, args, exit_code, needle):
    result = run("sync", *args, tree, f"b2://{bucket_name}")
    assert result.exit_code == exit_code
    assert needle in result.output


def test_unknown_bucket_and_local_to_local_fail(run, authorized, tree, tmp_path):
    assert run("sync", tree, "b2://no-such-bucket").exit_code == 1
    result = run("sync", tree, tmp_path / "other")
    assert result.exit_code == 1
    assert "b2://" in result.stderr


def test_keep_days_hides_instead_of_deleting(run_ok, run_json, bucket_name, tree):
    run_ok("sync", tree, f"b2://{bucket_name}")
    (tree / "top.txt").unlink()
    assert run_json("sync", "--json", "--keep-days", "30", tree, f"b2://{bucket_name}")["counts"] == {
        "hide": 1
    }
    versions = run_json("ls", "-r", "--versions", "--json", f"b2://{bucket_name}")
    assert [v["action"] for v in versions if v["fileName"] == "top.txt"] == ["hide", "upload"]


def test_exclude_and_include_regexes(run_ok, run_json, bucket_name, tree):
    args = ("--exclude-regex", r".*\.txt$", "--include-regex", "top", "--exclude-dir-regex", "big")
    run_ok("sync", *args, tree, f"b2://{bucket_name}")
    names = sorted(f["fileName"] for f in run_json("ls", "-r", "--json", f"b2://{bucket_name}"))
    assert names == ["top.txt"]


def test_compare_by_size_ignores_touched_files(run_ok, run_json, bucket_name, tree):
    run_ok("sync", tree, f"b2://{bucket_name}")
    os.utime(tree / "top.txt", (2_000_000_000, 2_000_000_000))
    by_size = run_json("sync", "--json", "--compare-versions", "size", tree, f"b2://{bucket_name}")
    assert by_size["filesTransferred"] == 0
    by_time = run_json("sync", "--json", tree, f"b2://{bucket_name}")
    assert by_time["counts"] == {"upload": 1}


def test_failed_file_gives_exit_1_with_its_error_and_the_rest_is_synced(
    run, run_ok, bucket_name, tree, tmp_path
):
    run_ok("sync", tree, f"b2://{bucket_name}")
    (tmp_path / "down" / "top.txt").mkdir(parents=True)
    result = run("sync", f"b2://{bucket_name}", tmp_path / "down")
    assert result.exit_code == 1
    assert "Error: download top.txt:" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: 1 file(s) failed; top.txt")
    assert (tmp_path / "down" / "a" / "b" / "c.txt").read_bytes() == TREE["a/b/c.txt"]
