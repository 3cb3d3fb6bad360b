"""The official ``b2`` CLI 5.x drives our server end to end."""

from __future__ import annotations

import filecmp
import hashlib
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.compat


def _ls(cli, uri: str, *flags: str) -> list[str]:
    return cli.run("ls", *flags, uri).stdout.split()


def test_account_get_shows_our_server(cli, server):
    info = cli.run("account", "get").json()
    assert info["apiUrl"].startswith(server.realm)
    assert info["accountId"]


def test_bucket_create_list_update_delete(cli):
    bucket_id = cli.run("bucket", "create", "cli-bucket-one", "allPrivate").stdout.strip()
    cli.run("bucket", "create", "cli-bucket-two", "allPublic")
    listed = cli.run("bucket", "list").stdout
    assert bucket_id in listed and "cli-bucket-two" in listed

    updated = cli.run("bucket", "update", "cli-bucket-one", "allPublic").json()
    assert updated["bucketType"] == "allPublic"
    assert cli.run("bucket", "get", "cli-bucket-one").json()["bucketType"] == "allPublic"

    cli.run("bucket", "delete", "cli-bucket-one")
    assert "cli-bucket-one" not in cli.run("bucket", "list").stdout


def test_upload_small_and_large_then_download(cli, tmp_path, payload, large_size):
    cli.run("bucket", "create", "cli-files", "allPrivate")
    small = tmp_path / "small.txt"
    small.write_bytes(b"small cli file\n")
    big = tmp_path / "big.bin"
    big.write_bytes(payload(large_size, seed=9))

    small_info = cli.run("file", "upload", "--no-progress", "cli-files", str(small), "docs/small.txt").json()
    assert small_info["contentSha1"] == hashlib.sha1(small.read_bytes()).hexdigest()
    big_info = cli.run("file", "upload", "--no-progress", "cli-files", str(big), "big.bin").json()
    assert big_info["contentSha1"] == "none"
    assert big_info["fileInfo"]["large_file_sha1"] == hashlib.sha1(big.read_bytes()).hexdigest()

    back = tmp_path / "back.bin"
    cli.run("file", "download", "--no-progress", "b2://cli-files/big.bin", str(back))
    assert back.read_bytes() == big.read_bytes()
    by_id = tmp_path / "by-id.txt"
    cli.run("file", "download", "--no-progress", f"b2id://{small_info['fileId']}", str(by_id))
    assert by_id.read_bytes() == small.read_bytes()
    assert cli.run("file", "cat", "b2://cli-files/docs/small.txt").stdout == "small cli file\n"

    assert _ls(cli, "b2://cli-files") == ["big.bin", "docs/"]
    assert _ls(cli, "b2://cli-files", "-r") == ["big.bin", "docs/small.txt"]


def test_hide_unhide_and_versions(cli, tmp_path):
    cli.run("bucket", "create", "cli-hide", "allPrivate")
    local = tmp_path / "f.txt"
    local.write_text("one")
    cli.run("file", "upload", "--no-progress", "cli-hide", str(local), "f.txt")
    local.write_text("two")
    cli.run("file", "upload", "--no-progress", "cli-hide", str(local), "f.txt")
    assert _ls(cli, "b2://cli-hide", "--versions") == ["f.txt", "f.txt"]

    cli.run("file", "hide", "b2://cli-hide/f.txt")
    assert _ls(cli, "b2://cli-hide") == []
    assert cli.run("file", "cat", "b2://cli-hide/f.txt", check=False).returncode != 0
    cli.run("file", "unhide", "b2://cli-hide/f.txt")
    assert cli.run("file", "cat", "b2://cli-hide/f.txt").stdout == "two"


def test_server_side_copy(cli, tmp_path):
    cli.run("bucket", "create", "cli-copy-src", "allPrivate")
    cli.run("bucket", "create", "cli-copy-dst", "allPrivate")
    local = tmp_path / "c.txt"
    local.write_text("copy me")
    cli.run("file", "upload", "--no-progress", "cli-copy-src", str(local), "c.txt")
    copied = cli.run("file", "server-side-copy", "b2://cli-copy-src/c.txt", "b2://cli-copy-dst/c2.txt").json()
    assert copied["fileName"] == "c2.txt"
    assert cli.run("file", "cat", "b2://cli-copy-dst/c2.txt").stdout == "copy me"


def _write_tree(root: Path, big: bytes) -> None:
    (root / "a" / "b").mkdir(parents=True)
    (root / "top.txt").write_text("top")
    (root / "a" / "mid.txt").write_text("mid")
    (root / "a" / "b" / "deep.txt").write_text("deep")
    (root / "a" / "b" / "big.bin").write_bytes(big)
    (root / "a" / "b" / "empty.txt").write_bytes(b"")


def _same_tree(left: Path, right: Path) -> bool:
    def files(root: Path) -> list[str]:
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    names = files(left)
    if names != files(right):
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, names, shallow=False)
    return not mismatch and not errors


def test_sync_up_and_down_round_trips_a_tree(cli, tmp_path, payload, large_size):
    cli.run("bucket", "create", "cli-sync", "allPrivate")
    source = tmp_path / "source"
    _write_tree(source, payload(large_size, seed=11))

    cli.run("sync", "--no-progress", str(source), "b2://cli-sync/backup")
    assert _ls(cli, "b2://cli-sync/backup/", "-r") == [
        "backup/a/b/big.bin",
        "backup/a/b/deep.txt",
        "backup/a/b/empty.txt",
        "backup/a/mid.txt",
        "backup/top.txt",
    ]
    again = cli.run("sync", "--no-progress", str(source), "b2://cli-sync/backup").stdout
    assert "upload" not in again

    target = tmp_path / "target"
    cli.run("sync", "--no-progress", "b2://cli-sync/backup", str(target))
    assert _same_tree(source, target)


def test_rm_recursive_removes_a_folder(cli, tmp_path):
    cli.run("bucket", "create", "cli-rm", "allPrivate")
    local = tmp_path / "x.txt"
    local.write_text("x")
    for name in ("keep.txt", "gone/one.txt", "gone/sub/two.txt"):
        cli.run("file", "upload", "--no-progress", "cli-rm", str(local), name)

    cli.run("rm", "--no-progress", "-r", "b2://cli-rm/gone/")
    assert _ls(cli, "b2://cli-rm", "-r") == ["keep.txt"]

    cli.run("rm", "--no-progress", "-r", "--versions", "b2://cli-rm")
    assert _ls(cli, "b2://cli-rm", "-r", "--versions") == []
    cli.run("bucket", "delete", "cli-rm")


def test_restricted_key_via_cli(cli, tmp_path):
    cli.run("bucket", "create", "cli-keyed", "allPrivate")
    cli.run("bucket", "create", "cli-other", "allPrivate")
    created = cli.run(
        "key",
        "create",
        "--bucket",
        "cli-keyed",
        "--name-prefix",
        "ok/",
        "cli-limited",
        "listBuckets,listFiles,readFiles,writeFiles",
    ).stdout.split()
    key_id, key = created[0], created[1]
    assert key_id in cli.run("key", "list").stdout

    cli.use_key(key_id, key)
    local = tmp_path / "k.txt"
    local.write_text("k")
    cli.run("file", "upload", "--no-progress", "cli-keyed", str(local), "ok/k.txt")
    assert _ls(cli, "b2://cli-keyed/ok/") == ["ok/k.txt"]
    refused = cli.run("file", "upload", "--no-progress", "cli-keyed", str(local), "no/k.txt", check=False)
    assert refused.returncode != 0
    other = cli.run("file", "upload", "--no-progress", "cli-other", str(local), "ok/k.txt", check=False)
    assert other.returncode != 0


def test_download_auth_and_url(cli, tmp_path, server):
    cli.run("bucket", "create", "cli-share", "allPrivate")
    local = tmp_path / "s.txt"
    local.write_text("shared")
    cli.run("file", "upload", "--no-progress", "cli-share", str(local), "pub/s.txt")
    cli.run("file", "upload", "--no-progress", "cli-share", str(local), "priv/s.txt")
    token = cli.run("bucket", "get-download-auth", "--prefix", "pub/", "cli-share").stdout.strip()
    url = cli.run("file", "url", "b2://cli-share/pub/s.txt").stdout.strip()
    assert url.startswith(server.realm)

    request = urllib.request.Request(url, headers={"Authorization": token})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.read() == b"shared"
    denied = urllib.request.Request(url.replace("/pub/", "/priv/"), headers={"Authorization": token})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(denied, timeout=30)
    assert refused.value.code == 401
    assert json.loads(refused.value.read())["code"] == "unauthorized"


def test_sync_between_buckets_copies_server_side(cli, tmp_path, payload, large_size):
    cli.run("bucket", "create", "cli-sync-a", "allPrivate")
    cli.run("bucket", "create", "cli-sync-b", "allPrivate")
    source = tmp_path / "source"
    _write_tree(source, payload(large_size, seed=13))
    cli.run("sync", "--no-progress", str(source), "b2://cli-sync-a/tree")

    cli.run("sync", "--no-progress", "b2://cli-sync-a/tree", "b2://cli-sync-b/copy")
    assert len(_ls(cli, "b2://cli-sync-b/copy/", "-r")) == 5
    target = tmp_path / "target"
    cli.run("sync", "--no-progress", "b2://cli-sync-b/copy", str(target))
    assert _same_tree(source, target)


def test_unfinished_large_files_listed_and_cancelled(cli, b2api_master):
    bucket = b2api_master.create_bucket("cli-large", "allPrivate")
    started = b2api_master.services.large_file.start_large_file(bucket.id_, "pending.bin", "b2/x-auto", {})
    listed = cli.run("file", "large", "unfinished", "list", "b2://cli-large").stdout
    assert started.file_id in listed and "pending.bin" in listed
    cli.run("file", "large", "unfinished", "cancel", f"b2id://{started.file_id}")
    assert cli.run("file", "large", "unfinished", "list", "b2://cli-large").stdout.strip() == ""


def test_file_lock_through_cli(cli, tmp_path):
    cli.run("bucket", "create", "--file-lock-enabled", "cli-locked", "allPrivate")
    bucket = cli.run("bucket", "get", "cli-locked").json()
    assert bucket["isFileLockEnabled"] is True
    local = tmp_path / "l.txt"
    local.write_text("locked")
    info = cli.run("file", "upload", "--no-progress", "cli-locked", str(local), "l.txt").json()
    cli.run("file", "update", "--legal-hold", "on", "b2://cli-locked/l.txt")
    assert cli.run("file", "info", f"b2id://{info['fileId']}").json()["legalHold"] == "on"
    refused = cli.run("rm", "--no-progress", "--versions", "-r", "b2://cli-locked", check=False)
    assert refused.returncode != 0
    cli.run("file", "update", "--legal-hold", "off", "b2://cli-locked/l.txt")
    cli.run("rm", "--no-progress", "--versions", "-r", "b2://cli-locked")
    assert _ls(cli, "b2://cli-locked", "-r", "--versions") == []


def test_notification_rules_through_cli(cli):
    cli.run("bucket", "create", "cli-notify", "allPrivate")
    created = cli.run(
        "bucket",
        "notification-rule",
        "create",
        "--json",
        "--event-type",
        "b2:ObjectCreated:*",
        "--webhook-url",
        "https://example.com/hook",
        "b2://cli-notify/in/",
        "my-rule",
    ).json()
    assert created["name"] == "my-rule"
    assert created["objectNamePrefix"] == "in/"
    listed = cli.run("bucket", "notification-rule", "list", "--json", "b2://cli-notify").json()
    assert [rule["name"] for rule in listed] == ["my-rule"]
    cli.run("bucket", "notification-rule", "delete", "b2://cli-notify", "my-rule")
    assert cli.run("bucket", "notification-rule", "list", "--json", "b2://cli-notify").json() == []
