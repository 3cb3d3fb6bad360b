"""ls, info, exists, find, glob, walk, du, checksum/ukey: folders emulated from ``/``, buckets at the top."""

from __future__ import annotations

import hashlib
from datetime import datetime

import fsspec
import pytest

from b2kit.fs import B2FileSystem


@pytest.fixture
def tree(b2fs: B2FileSystem, bucket: str) -> str:
    for name, data in {
        "top.txt": b"top",
        "data/a.csv": b"a,b\n1,2\n",
        "data/sub/b.bin": b"\x00" * 100,
        "data/sub/deeper/c.txt": b"c",
        "data-2/other.txt": b"other",
    }.items():
        b2fs.pipe(f"{bucket}/{name}", data)
    return bucket


def test_protocol_is_registered_through_the_entry_point(storage_options):
    assert fsspec.get_filesystem_class("b2") is B2FileSystem
    fs = fsspec.filesystem("b2", **storage_options)
    assert isinstance(fs, B2FileSystem)


def test_ls_root_lists_buckets_as_directories(b2fs, bucket):
    entries = b2fs.ls("")
    assert [(e["name"], e["type"]) for e in entries] == [(bucket, "directory")]
    assert entries[0]["bucket_id"]


def test_ls_detail_has_size_type_sha1_modified_and_file_id(b2fs, tree):
    entries = {e["name"]: e for e in b2fs.ls(f"b2://{tree}/data")}
    assert set(entries) == {f"{tree}/data/a.csv", f"{tree}/data/sub"}
    csv = entries[f"{tree}/data/a.csv"]
    assert csv["type"] == "file"
    assert csv["size"] == 8
    assert csv["sha1"] == hashlib.sha1(b"a,b\n1,2\n").hexdigest()
    assert isinstance(csv["modified"], datetime) and csv["modified"].tzinfo is not None
    assert csv["file_id"] and csv["version_id"] == csv["file_id"]
    assert entries[f"{tree}/data/sub"] == {"name": f"{tree}/data/sub", "size": 0, "type": "directory"}
    assert b2fs.ls(f"{tree}/data", detail=False) == [f"{tree}/data/a.csv", f"{tree}/data/sub"]


def test_ls_of_a_file_is_the_file_and_of_nothing_is_not_found(b2fs, tree):
    assert b2fs.ls(f"{tree}/top.txt", detail=False) == [f"{tree}/top.txt"]
    with pytest.raises(FileNotFoundError):
        b2fs.ls(f"{tree}/nothing-here")


def test_info_tells_files_folders_buckets_and_missing_apart(b2fs, tree):
    assert b2fs.info(f"{tree}/data/a.csv")["type"] == "file"
    assert b2fs.info(f"{tree}/data")["type"] == "directory"  # "data-2/..." and "data/..." do not mix
    assert b2fs.info(tree)["type"] == "directory"
    assert b2fs.info("")["type"] == "directory"
    assert b2fs.exists(f"{tree}/data/sub/deeper")
    assert not b2fs.exists(f"{tree}/dat")
    assert not b2fs.exists("no-such-bucket-here/x")
    with pytest.raises(FileNotFoundError):
        b2fs.info(f"{tree}/data/missing.csv")


def test_find_walk_glob_and_du(b2fs, tree):
    assert b2fs.find(f"{tree}/data") == [
        f"{tree}/data/a.csv",
        f"{tree}/data/sub/b.bin",
        f"{tree}/data/sub/deeper/c.txt",
    ]
    assert b2fs.find(f"{tree}/data", maxdepth=1) == [f"{tree}/data/a.csv"]
    with_dirs = b2fs.find(f"{tree}/data", withdirs=True, detail=True)
    assert with_dirs[f"{tree}/data/sub/deeper"]["type"] == "directory"
    assert with_dirs[f"{tree}/data"]["type"] == "directory"
    walked = {root: (sorted(dirs), sorted(files)) for root, dirs, files in b2fs.walk(f"{tree}/data")}
    assert walked == {
        f"{tree}/data": (["sub"], ["a.csv"]),
        f"{tree}/data/sub": (["deeper"], ["b.bin"]),
        f"{tree}/data/sub/deeper": ([], ["c.txt"]),
    }
    assert b2fs.glob(f"{tree}/data/**/*.txt") == [f"{tree}/data/sub/deeper/c.txt"]
    assert b2fs.glob(f"{tree}/data*") == [f"{tree}/data", f"{tree}/data-2"]
    assert b2fs.glob(f"b2://{tree}/*.txt") == [f"{tree}/top.txt"]
    assert b2fs.du(f"{tree}/data") == 8 + 100 + 1
    assert b2fs.du(tree, total=False)[f"{tree}/top.txt"] == 3


def test_find_of_a_file_is_the_file(b2fs, tree):
    assert b2fs.find(f"{tree}/top.txt") == [f"{tree}/top.txt"]
    assert b2fs.find(f"{tree}/missing") == []


def test_checksum_and_ukey_come_from_the_sha1(b2fs, tree):
    sha1 = hashlib.sha1(b"top").hexdigest()
    assert b2fs.ukey(f"{tree}/top.txt") == sha1
    assert b2fs.checksum(f"{tree}/top.txt") == int(sha1, 16)
    b2fs.pipe(f"{tree}/top.txt", b"changed")
    assert b2fs.ukey(f"{tree}/top.txt") == hashlib.sha1(b"changed").hexdigest()
    assert b2fs.modified(f"{tree}/top.txt") == b2fs.info(f"{tree}/top.txt")["modified"]


def test_listing_cache_sees_writes_of_the_same_filesystem(b2fs, tree):
    assert b2fs.ls(f"{tree}/data", detail=False) == [f"{tree}/data/a.csv", f"{tree}/data/sub"]
    b2fs.pipe(f"{tree}/data/new.txt", b"n")
    assert f"{tree}/data/new.txt" in b2fs.ls(f"{tree}/data", detail=False)
    b2fs.rm(f"{tree}/data/new.txt")
    assert f"{tree}/data/new.txt" not in b2fs.ls(f"{tree}/data", detail=False)
