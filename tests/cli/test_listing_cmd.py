"""``b2kit ls`` and ``b2kit rm``."""

import pytest


@pytest.fixture
def files(run_ok, bucket_name, tmp_path):
    names = ["a.txt", "dir/b.txt", "dir/sub/c.txt", "zeta/é.txt"]
    for name in names:
        local = tmp_path / "f"
        local.write_bytes(name.encode())
        run_ok("file", "upload", bucket_name, local, name)
    return names


def test_ls_lists_one_level_with_folders(run_ok, bucket_name, files):
    assert run_ok("ls", f"b2://{bucket_name}").stdout.split("\n")[:-1] == ["a.txt", "dir/", "zeta/"]
    assert run_ok("ls", f"b2://{bucket_name}/dir/").stdout.split() == ["dir/b.txt", "dir/sub/"]


def test_ls_recursive(run_ok, bucket_name, files):
    assert run_ok("ls", "-r", f"b2://{bucket_name}").stdout.split("\n")[:-1] == sorted(files)


def test_ls_long_and_json(run_ok, run_json, bucket_name, files):
    long_lines = run_ok("ls", "-r", "--long", f"b2://{bucket_name}").stdout.splitlines()
    assert all(line.split()[1] == "upload" for line in long_lines)
    listed = run_json("ls", "-r", "--json", f"b2://{bucket_name}")
    assert [f["fileName"] for f in listed] == sorted(files)


def test_ls_versions_shows_hide_markers(run_ok, run_json, bucket_name, files):
    run_ok("file", "hide", f"b2://{bucket_name}/a.txt")
    listed = run_json("ls", "-r", "--versions", "--json", f"b2://{bucket_name}")
    assert [f["action"] for f in listed if f["fileName"] == "a.txt"] == ["hide", "upload"]


def test_rm_single_file(run_ok, bucket_name, files):
    run_ok("rm", f"b2://{bucket_name}/a.txt")
    assert "a.txt" not in run_ok("ls", "-r", f"b2://{bucket_name}").stdout.split()


def test_rm_folder_needs_recursive(run, bucket_name, files):
    result = run("rm", f"b2://{bucket_name}/dir/")
    assert result.exit_code == 1
    assert "-r" in result.stderr


def test_rm_dry_run_removes_nothing(run_ok, run_json, bucket_name, files):
    planned = run_json("rm", "-r", "--dry-run", "--json", f"b2://{bucket_name}/dir/")
    assert planned["dryRun"] is True
    assert sorted(f["fileName"] for f in planned["deleted"]) == ["dir/b.txt", "dir/sub/c.txt"]
    assert run_ok("ls", "-r", f"b2://{bucket_name}").stdout.split() == sorted(files)


def test_rm_recursive_versions_removes_everything_under_prefix(run_ok, run_json, bucket_name, files):
    run_ok("file", "hide", f"b2://{bucket_name}/dir/b.txt")
    run_ok("rm", "-r", "--versions", f"b2://{bucket_name}/dir/")
    remaining = run_json("ls", "-r", "--versions", "--json", f"b2://{bucket_name}")
    assert sorted(f["fileName"] for f in remaining) == ["a.txt", "zeta/é.txt"]


def test_ls_unknown_bucket_fails(run, authorized):
    result = run("ls", "b2://no-such-bucket")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
