"""AsyncBucket.create_file / concatenate: the sync plan run as tasks (as tests/client/test_create_file.py)."""

from __future__ import annotations

import os

import pytest

from b2kit import BadRequest, CopySource, ProgressListenerForTest, UploadSourceBytes, WriteIntent
from b2kit.server import FaultRule

from ..client.test_create_file import traffic
from .conftest import new_bucket


async def stored(bucket, file_id: str) -> bytes:
    async with await bucket.download_file_by_id(file_id) as downloaded:
        return await downloaded.read()


async def test_concatenate_copies_big_ranges_and_moves_only_small_ones(make_aio_api, bucket_name, server):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(2_500_000)
        big = await bucket.upload_bytes(data, "big.bin", content_type="application/x-big")
        middle = os.urandom(300_000)
        before = len(server.requests())
        listener = ProgressListenerForTest()
        sources = [
            CopySource(big.id_, 0, 2_500_000),
            UploadSourceBytes(middle),
            CopySource(big.id_, 10, 50_000),
        ]
        made = await bucket.concatenate(sources, "joined.bin", progress_listener=listener)
        seen = traffic(server, before)
        expected = data + middle + data[10:50_010]
        assert await stored(bucket, made.id_) == expected
        assert (seen["b2_copy_part"][0], seen["b2_upload_part"][0]) == (3, 1)
        assert seen["b2_download_file_by_id"][2] < 60_000
        assert listener.last_completed == listener.total_bytes == len(expected)

        same = await bucket.create_file([WriteIntent(CopySource(big.id_, 0, 2_500_000))], "same.bin")
        assert same.content_type == "application/x-big"
        small = await bucket.concatenate_stream(
            iter([UploadSourceBytes(b"a"), CopySource(big.id_, 0, 3)]), "s"
        )
        assert await stored(bucket, small.id_) == b"a" + data[:3]
        with pytest.raises(ValueError, match="holes"):
            await bucket.create_file_stream(iter([WriteIntent(UploadSourceBytes(b"x"), 5)]), "hole.bin")


async def test_continue_large_file_id_keeps_the_parts_already_there(make_aio_api, bucket_name, server):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        big = await bucket.upload_bytes(os.urandom(1_500_000), "big.bin")
        sources = [UploadSourceBytes(b"x" * 150_000), CopySource(big.id_, 0, 1_500_000)]
        server.faults.add(FaultRule("b2_finish_large_file", status=400, code="bad_request", times=1))
        with pytest.raises(BadRequest):
            await bucket.concatenate(sources, "resumed.bin")
        (unfinished,) = [f async for f in bucket.list_unfinished_large_files()]
        before = len(server.requests())
        made = await bucket.concatenate(sources, "resumed.bin", continue_large_file_id=unfinished.file_id)
        assert made.id_ == unfinished.file_id
        assert "b2_copy_part" not in traffic(server, before)
