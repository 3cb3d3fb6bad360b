"""open("rb") with ranged reads, a block cache and seek; open("wb") streaming; cat_file, cat, pipe."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import random

import fsspec
import pytest

from b2kit.fs import B2FileSystem
from b2kit.server import FaultRule

PART = 1_000_000  # the test server's recommended part size: the threshold of a large file


def _unfinished(b2fs: B2FileSystem, bucket: str) -> list:
    return list(b2fs.api.get_bucket_by_name(bucket).list_unfinished_large_files())


def test_random_access_reads_ranges_through_a_block_cache(b2fs, bucket):
    data = random.Random(1).randbytes(300_000)
    b2fs.pipe(f"{bucket}/blob.bin", data)
    with b2fs.open(f"{bucket}/blob.bin", "rb", block_size=64 * 1024) as f:
        assert f.size == len(data)
        for offset in (250_000, 10, 131_071, 299_990, 70_000):
            f.seek(offset)
            assert f.read(20) == data[offset : offset + 20]
        assert f.cache.miss_count == 5  # one ranged download per block touched
        f.seek(12)
        assert f.read(8) == data[12:20]
        assert f.cache.hit_count >= 1  # the block is still cached
        f.seek(-5, os.SEEK_END)
        assert f.read() == data[-5:]
        assert f.tell() == len(data)


def test_reads_stay_on_the_version_opened(b2fs, bucket):
    b2fs.pipe(f"{bucket}/moving.txt", b"first version")
    with b2fs.open(f"{bucket}/moving.txt", "rb", cache_type="none") as f:
        b2fs.pipe(f"{bucket}/moving.txt", b"SECOND VERSION, longer")
        assert f.read() == b"first version"


def test_small_write_is_one_upload_with_its_sha1(b2fs, bucket):
    with b2fs.open(f"b2://{bucket}/small.txt", "wb") as f:
        f.write(b"hello ")
        f.write(b"world")
    info = b2fs.info(f"{bucket}/small.txt")
    assert info["size"] == 11
    assert info["sha1"] == hashlib.sha1(b"hello world").hexdigest()  # a large file would have none


def test_large_write_goes_up_in_parts_holding_about_one_block(b2fs, bucket):
    data = random.Random(2).randbytes(int(2.5 * PART))
    with b2fs.open(f"{bucket}/large.bin", "wb") as f:
        assert f.blocksize == PART
        for start in range(0, len(data), 100_000):
            f.write(data[start : start + 100_000])
            assert f.buffer.tell() <= f.blocksize + 100_000
    info = b2fs.info(f"{bucket}/large.bin")
    assert info["size"] == len(data)
    assert info["sha1"] is None  # finished large file: B2 has no whole-file SHA-1 for a stream
    assert b2fs.cat_file(f"{bucket}/large.bin") == data
    assert _unfinished(b2fs, bucket) == []


def test_written_files_keep_the_content_type_and_file_info_given_to_open(b2fs, bucket):
    for name, size in (("typed-small.txt", 5), ("typed-large.bin", PART + 5)):
        path = f"{bucket}/{name}"
        with b2fs.open(path, "wb", content_type="text/x-b2kit", file_info={"origin": "open"}) as f:
            f.write(b"t" * size)
        info = b2fs.info(path)
        assert (info["size"], info["content_type"]) == (size, "text/x-b2kit")
        assert info["file_info"]["origin"] == "open"


def test_a_file_open_for_reading_pickles_and_goes_on_where_it_was(b2fs, bucket):
    b2fs.pipe(f"{bucket}/pickled.txt", b"hello world")
    with b2fs.open(f"{bucket}/pickled.txt", "rb") as f:
        f.seek(6)
        clone = pickle.loads(pickle.dumps(f))
    with clone:
        assert clone.read() == b"world"


def test_write_of_exactly_one_block_is_a_small_upload(b2fs, bucket):
    with b2fs.open(f"{bucket}/one-block.bin", "wb") as f:
        f.write(b"x" * PART)
    assert b2fs.info(f"{bucket}/one-block.bin")["sha1"] == hashlib.sha1(b"x" * PART).hexdigest()


def test_write_block_size_is_at_least_the_minimum_part(b2fs, bucket):
    with b2fs.open(f"{bucket}/tiny-blocks.bin", "wb", block_size=10) as f:
        assert f.blocksize == 100_000  # the server's absoluteMinimumPartSize
        f.write(b"z" * 250_001)
    assert b2fs.cat_file(f"{bucket}/tiny-blocks.bin") == b"z" * 250_001


def test_an_exception_inside_with_leaves_no_file_and_no_unfinished_upload(b2fs, bucket):
    with pytest.raises(RuntimeError, match="boom"), b2fs.open(f"{bucket}/broken.bin", "wb") as f:
        f.write(b"y" * (2 * PART + 1))
        raise RuntimeError("boom")
    assert not b2fs.exists(f"{bucket}/broken.bin")
    assert _unfinished(b2fs, bucket) == []


def test_a_failed_part_cancels_the_large_file(server, b2fs, bucket):
    server.faults.add(FaultRule("b2_upload_part", status=400, times=1))
    with pytest.raises(OSError), b2fs.open(f"{bucket}/failing.bin", "wb") as f:
        f.write(b"y" * (2 * PART + 1))
    assert not b2fs.exists(f"{bucket}/failing.bin")
    assert _unfinished(b2fs, bucket) == []


def test_transaction_makes_files_visible_only_at_its_end(b2fs, bucket):
    with b2fs.transaction:
        with b2fs.open(f"{bucket}/tx-small.txt", "wb") as f:
            f.write(b"small")
        with b2fs.open(f"{bucket}/tx-large.bin", "wb") as f:
            f.write(b"L" * (PART + 10))
        assert not b2fs.exists(f"{bucket}/tx-small.txt")
        assert not b2fs.exists(f"{bucket}/tx-large.bin")
    assert b2fs.cat_file(f"{bucket}/tx-small.txt") == b"small"
    assert b2fs.size(f"{bucket}/tx-large.bin") == PART + 10


def test_exclusive_create_refuses_an_existing_file(b2fs, bucket):
    b2fs.pipe(f"{bucket}/x.txt", b"1")
    with pytest.raises(FileExistsError):
        b2fs.open(f"{bucket}/x.txt", "xb")
    with pytest.raises(FileExistsError):
        b2fs.pipe_file(f"{bucket}/x.txt", b"2", mode="create")
    with pytest.raises(NotImplementedError):
        b2fs.open(f"{bucket}/x.txt", "ab")


def test_cat_file_reads_ranges_without_opening(b2fs, bucket):
    b2fs.pipe(f"{bucket}/digits.txt", b"0123456789")
    path = f"{bucket}/digits.txt"
    assert b2fs.cat_file(path) == b"0123456789"
    assert b2fs.cat_file(path, 2, 5) == b"234"
    assert b2fs.cat_file(path, start=7) == b"789"
    assert b2fs.cat_file(path, -3) == b"789"
    assert b2fs.cat_file(path, 1, -7) == b"12"
    assert b2fs.cat_file(path, 8, 100) == b"89"
    assert b2fs.cat_file(path, 20, 30) == b""
    assert b2fs.cat_file(path, 5, 5) == b""


def test_cat_and_pipe_of_several_files(b2fs, bucket):
    b2fs.pipe({f"{bucket}/m/1": b"one", f"{bucket}/m/2": b"two"})
    assert b2fs.cat(f"{bucket}/m", recursive=True) == {f"{bucket}/m/1": b"one", f"{bucket}/m/2": b"two"}
    assert b2fs.cat(f"{bucket}/m/1") == b"one"
    assert b2fs.cat([f"{bucket}/m/2"]) == {f"{bucket}/m/2": b"two"}
    assert b2fs.head(f"{bucket}/m/1", 2) == b"on" and b2fs.tail(f"{bucket}/m/2", 2) == b"wo"


def test_empty_file_round_trip(b2fs, bucket):
    b2fs.touch(f"{bucket}/empty")
    assert b2fs.cat_file(f"{bucket}/empty") == b""
    with b2fs.open(f"{bucket}/empty", "rb") as f:
        assert f.read() == b""


def test_text_mode_and_fsspec_open_with_a_url(storage_options, b2fs, bucket):
    with fsspec.open(f"b2://{bucket}/notes/t.txt", "w", **storage_options) as f:
        f.write("héllo\nworld\n")
    with fsspec.open(f"b2://{bucket}/notes/t.txt", "r", encoding="utf-8", **storage_options) as f:
        assert f.readlines() == ["héllo\n", "world\n"]
    with b2fs.open(f"{bucket}/notes/t.txt", "rb") as f:
        assert io.BufferedReader(f).readline() == "héllo\n".encode()


def test_opening_a_folder_or_bucket_is_a_directory_error(b2fs, bucket):
    b2fs.pipe(f"{bucket}/dir/f", b"f")
    with pytest.raises(IsADirectoryError):
        b2fs.open(f"{bucket}/dir", "rb")
    with pytest.raises(IsADirectoryError):
        b2fs.open(bucket, "wb")
    with pytest.raises(IsADirectoryError):
        b2fs.cat_file(f"{bucket}/dir")
