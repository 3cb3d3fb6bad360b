"""put/get (recursive, parallel), cp (server-side, copy parts for large files), mv, rm (delete or hide)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from b2kit.fs import B2FileSystem
from b2kit.server import FaultRule

PART = 1_000_000


def _local_tree(root: Path) -> dict[str, bytes]:
    rng = random.Random(3)
    files = {f"f{i}.txt": f"file {i}".encode() for i in range(12)}
    files["nested/deep/big.bin"] = rng.randbytes(int(2.5 * PART))  # above the part threshold
    files["nested/n.txt"] = b"nested"
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return files


def _versions(b2fs: B2FileSystem, bucket: str, name: str) -> list:
    return [
        v for v in b2fs.api.get_bucket_by_name(bucket).list_file_versions(prefix=name) if v.file_name == name
    ]


def test_put_and_get_recursive_round_trip(b2fs, bucket, tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    files = _local_tree(source)
    b2fs.put(str(source) + "/", f"{bucket}/up/", recursive=True)
    assert sorted(b2fs.find(f"{bucket}/up")) == sorted(f"{bucket}/up/{name}" for name in files)
    assert b2fs.info(f"{bucket}/up/nested/deep/big.bin")["sha1"] is not None  # large_file_sha1 recorded

    target = tmp_path / "target"
    b2fs.get(f"{bucket}/up/", str(target) + "/", recursive=True)
    got = {str(p.relative_to(target)): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert got == files
    assert not [p for p in target.rglob("*") if "partial" in p.name]


def test_put_file_and_get_file_single(b2fs, bucket, tmp_path):
    local = tmp_path / "one.txt"
    local.write_bytes(b"one")
    b2fs.put_file(str(local), f"{bucket}/one.txt")
    b2fs.get_file(f"{bucket}/one.txt", str(tmp_path / "back.txt"))
    assert (tmp_path / "back.txt").read_bytes() == b"one"
    with pytest.raises(FileExistsError):
        b2fs.put(str(local), f"{bucket}/one.txt", mode="create")


def test_get_of_a_missing_file_raises_and_writes_nothing(b2fs, bucket, tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    with pytest.raises(FileNotFoundError):
        b2fs.get_file(f"{bucket}/missing", str(target / "missing"))
    assert list(target.iterdir()) == []


def test_one_failure_in_a_parallel_put_is_raised(b2fs, tmp_path):
    local = tmp_path / "x.txt"
    local.write_bytes(b"x")
    with pytest.raises(FileNotFoundError):
        b2fs.put([str(local), str(local)], ["no-such-bucket-1/x", "no-such-bucket-1/y"])


def test_cp_is_server_side_and_copies_large_files_in_parts(server, b2fs, bucket):
    data = random.Random(4).randbytes(int(2.2 * PART))
    b2fs.pipe(f"{bucket}/src/big.bin", data)
    b2fs.pipe(f"{bucket}/src/small.txt", b"small")
    b2fs.mkdir("fsspec-tests-other")
    b2fs.cp(f"{bucket}/src/", "fsspec-tests-other/dst/", recursive=True)
    assert b2fs.cat_file("fsspec-tests-other/dst/big.bin") == data
    assert b2fs.cat_file("fsspec-tests-other/dst/small.txt") == b"small"
    assert b2fs.ukey("fsspec-tests-other/dst/big.bin") == b2fs.ukey(f"{bucket}/src/big.bin")

    server.faults.add(FaultRule("b2_copy_file", status=400, times=1))  # a whole-file copy would fail
    b2fs.cp(f"{bucket}/src/big.bin", f"{bucket}/again.bin")
    assert b2fs.cat_file(f"{bucket}/again.bin") == data
    assert len(server.faults.rules()) == 1  # never fired: the large copy went as b2_copy_part


def test_cp_of_a_missing_file_raises_unless_told_to_ignore(b2fs, bucket):
    with pytest.raises(FileNotFoundError):
        b2fs.cp_file(f"{bucket}/absent", f"{bucket}/copy")
    with pytest.raises(FileNotFoundError):
        b2fs.copy([f"{bucket}/absent"], [f"{bucket}/copy"])
    b2fs.copy([f"{bucket}/absent"], [f"{bucket}/copy"], on_error="ignore")
    assert not b2fs.exists(f"{bucket}/copy")


def test_mv_moves_a_folder(b2fs, bucket):
    b2fs.pipe({f"{bucket}/old/a": b"a", f"{bucket}/old/sub/b": b"b"})
    b2fs.mv(f"{bucket}/old", f"{bucket}/new", recursive=True)
    assert b2fs.find(bucket) == [f"{bucket}/new/a", f"{bucket}/new/sub/b"]
    assert _versions(b2fs, bucket, "old/a") == []


def test_rm_deletes_every_version_of_a_file(b2fs, bucket):
    for content in (b"1", b"2", b"3"):
        b2fs.pipe(f"{bucket}/v.txt", content)
    assert len(_versions(b2fs, bucket, "v.txt")) == 3
    b2fs.rm(f"{bucket}/v.txt")
    assert _versions(b2fs, bucket, "v.txt") == []
    assert not b2fs.exists(f"{bucket}/v.txt")
    with pytest.raises(FileNotFoundError):
        b2fs.rm(f"{bucket}/v.txt")


def test_rm_hide_mode_hides_and_keeps_the_history(storage_options, bucket, b2fs):
    hiding = B2FileSystem(skip_instance_cache=True, rm_mode="hide", **storage_options)
    b2fs.pipe(f"{bucket}/h.txt", b"kept")
    hiding.rm(f"{bucket}/h.txt")
    assert not hiding.exists(f"{bucket}/h.txt")
    assert [v.action for v in _versions(b2fs, bucket, "h.txt")] == ["hide", "upload"]
    b2fs.pipe(f"{bucket}/h2.txt", b"also")
    b2fs.rm(f"{bucket}/h2.txt", rm_mode="hide")
    assert [v.action for v in _versions(b2fs, bucket, "h2.txt")] == ["hide", "upload"]
    hiding.api.close()


def test_rm_recursive_removes_a_folder_and_a_bucket(b2fs, bucket):
    b2fs.pipe({f"{bucket}/d/1": b"1", f"{bucket}/d/e/2": b"2", f"{bucket}/keep": b"k"})
    b2fs.rm(f"{bucket}/d", recursive=True)
    assert b2fs.find(bucket) == [f"{bucket}/keep"]
    b2fs.rm(bucket, recursive=True)
    assert not b2fs.exists(bucket)
    assert bucket not in b2fs.ls("", detail=False)


def test_rm_finds_versions_across_listing_pages(b2fs, bucket, monkeypatch):
    monkeypatch.setattr("b2kit.fs._listing.VERSION_PAGE", 2)
    for content in (b"1", b"2", b"3", b"4", b"5"):
        b2fs.pipe(f"{bucket}/many.txt", content)
    b2fs.pipe(f"{bucket}/many.txt2", b"neighbour")
    b2fs.rm(f"{bucket}/many.txt")
    assert _versions(b2fs, bucket, "many.txt") == []
    assert b2fs.cat_file(f"{bucket}/many.txt2") == b"neighbour"
