"""b2sdk 2.x's spellings on the async twins (mirrors tests/client/test_b2sdk_spellings.py)."""

from __future__ import annotations

import hashlib
import io
import os
import time

import pytest

from b2kit import (
    SSE_B2_AES,
    DownloadDestBytes,
    FileNotPresent,
    FileRetentionSetting,
    Filter,
    LegalHold,
    ProgressListenerForTest,
    RetentionMode,
    UploadOptions,
    UploadSourceBytes,
)
from b2kit.aio import AsyncBucket

from ..client.test_b2sdk_spellings import ReadSizeRecorder
from .conftest import new_bucket


async def filled(api, name: str) -> AsyncBucket:
    bucket = await new_bucket(api, name)
    for file_name in ("a.txt", "b.csv", "dir/c.txt", "dir/sub/d.txt"):
        await bucket.upload_bytes(file_name.encode(), file_name)
    await bucket.upload_bytes(b"a again", "a.txt")
    return bucket


async def names(entries) -> list[tuple[str, str | None]]:
    return [(v.file_name, folder) async for v, folder in entries]


async def read(downloaded) -> bytes:
    async with downloaded:
        return await downloaded.read()


async def test_ls_latest_only_path_and_a_file_path(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await filled(api, bucket_name)
        assert await names(bucket.ls(latest_only=False)) == await names(bucket.ls(show_versions=True))
        assert [n for n, _ in await names(bucket.ls(latest_only=False))][:2] == ["a.txt", "a.txt"]
        assert await names(bucket.ls(path="dir")) == [("dir/c.txt", None), ("dir/sub/d.txt", "dir/sub/")]
        assert await names(bucket.ls(path="a.txt")) == [("a.txt", None)]
        assert await names(bucket.ls("a.txt", folder_to_list_can_be_a_file=True)) == [("a.txt", None)]
        assert len(await names(bucket.ls(path="a.txt", latest_only=False))) == 2
        assert await names(bucket.ls("a.txt")) == []  # the seed's ls: a folder named a.txt/


async def test_ls_with_wildcard_and_filters(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await filled(api, bucket_name)
        assert await names(bucket.ls("dir/*.txt", recursive=True, with_wildcard=True)) == [
            ("dir/c.txt", None),
            ("dir/sub/d.txt", None),
        ]
        with pytest.raises(ValueError, match="recursive"):
            await names(bucket.ls("*.txt", with_wildcard=True))
        only_txt = await names(bucket.ls(recursive=True, filters=[Filter.include("*.txt")]))
        assert [n for n, _ in only_txt] == ["a.txt", "dir/c.txt", "dir/sub/d.txt"]
        no_sub = await names(bucket.ls(recursive=True, filters=[Filter.exclude("dir/sub/*")]))
        assert [n for n, _ in no_sub] == ["a.txt", "b.csv", "dir/c.txt"]


async def test_list_file_versions_of_one_name_by_keyword(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await filled(api, bucket_name)
        assert [v.file_name async for v in bucket.list_file_versions(file_name="a.txt")] == ["a.txt", "a.txt"]
        versions = [v.id_ async for v in bucket.list_file_versions(file_name="a.txt")]
        assert [v.id_ async for v in bucket.list_file_versions(file_name="a.txt", fetch_count=1)] == versions
        assert [v.id_ async for v in bucket.list_file_versions("a.txt", 1)] == versions
        assert len([v async for v in bucket.list_file_versions("a.txt", None, 2)]) == 2  # the seed's form


async def test_file_not_present_reads_the_same_from_info_and_download(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        with pytest.raises(FileNotPresent) as from_info:
            await bucket.get_file_info_by_name("nope.txt")
        with pytest.raises(FileNotPresent) as from_download:
            await bucket.download_file_by_name("nope.txt")
    assert str(from_info.value) == str(from_download.value)
    assert str(from_info.value) == f"File not present: {bucket_name}/nope.txt (HTTP 404 not_found)"


async def test_downloads_with_a_positional_listener(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await filled(api, bucket_name)
        listener = ProgressListenerForTest()
        assert await read(await bucket.download_file_by_name("b.csv", listener)) == b"b.csv"
        assert listener.last_completed == len(b"b.csv")
        dest = DownloadDestBytes()
        await bucket.download_file_by_name("b.csv", dest, ProgressListenerForTest())
        assert dest.get_bytes_written() == b"b.csv"
        version = await bucket.upload_bytes(b"by id", "id.txt")
        listener = ProgressListenerForTest()
        assert await read(await api.download_file_by_id(version.id_, listener)) == b"by id"
        assert listener.last_completed == len(b"by id")


async def test_uploads_with_b2sdk_keywords(make_aio_api, bucket_name, tmp_path):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        local = tmp_path / "page.html"
        local.write_bytes(b"<html></html>")
        sha1 = hashlib.sha1(local.read_bytes()).hexdigest()
        version = await bucket.upload_local_file(
            str(local), "page.html", content_type="text/html", cache_control="max-age=60", sha1_sum=sha1
        )
        assert version.content_sha1 == sha1
        assert version.file_info["b2-cache-control"] == "max-age=60"
        with pytest.raises(TypeError, match="upload_mode"):
            await bucket.upload_local_file(str(local), "x", upload_mode="incremental")
        seed_form = await bucket.upload_local_file(
            str(local), "seed.html", options=UploadOptions(content_sha1=sha1)
        )
        assert seed_form.content_sha1 == sha1
        source = UploadSourceBytes(b"{}")
        typed = await bucket.upload(source, "x.json", content_type="application/json", file_info={"k": "v"})
        assert (typed.content_type, typed.file_info["k"]) == ("application/json", "v")


async def test_retention_legal_hold_and_bypassing_governance(make_aio_api):
    async with make_aio_api() as api:
        locked = await api.create_bucket("spelling-locked", "allPrivate", is_file_lock_enabled=True)
        until = int(time.time() * 1000) + 86_400_000
        version = await locked.upload_bytes(
            b"kept",
            "kept.txt",
            file_retention=FileRetentionSetting(RetentionMode.GOVERNANCE, until),
            legal_hold=LegalHold.ON,
            encryption=SSE_B2_AES,
            custom_upload_timestamp=1_600_000_000_000,
        )
        assert version.file_retention == FileRetentionSetting(RetentionMode.GOVERNANCE, until)
        assert (version.legal_hold, version.upload_timestamp) == (LegalHold.ON, 1_600_000_000_000)
        await locked.update_file_legal_hold(version.id_, "kept.txt", LegalHold.OFF)
        await locked.delete_file_version(version.id_, "kept.txt", bypass_governance=True)
        assert [v async for v in locked.list_file_versions(file_name="kept.txt")] == []


async def test_copy_keywords_and_delete_key_by_object(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        source = await bucket.upload_bytes(b"copy me", "src.txt")
        copied = await bucket.copy(source.id_, "dst.txt", destination_encryption=SSE_B2_AES)
        assert copied.server_side_encryption == SSE_B2_AES
        headed = await bucket.copy(source.id_, "dst2.txt", cache_control="no-cache", content_language="en")
        assert headed.file_info == {"b2-cache-control": "no-cache", "b2-content-language": "en"}
        with pytest.raises(TypeError, match="upload_mode"):
            await bucket.copy(source.id_, "dst3.txt", upload_mode="x")
        created = await api.create_key(["listFiles"], "throwaway")
        assert (await api.delete_key(created)).id_ == created.id_


async def test_copy_with_the_source_metadata_told(make_aio_api, bucket_name, server):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(2 * 1_000_000 + 11)  # copied in parts on the test server
        source = await bucket.upload_bytes(data, "big.bin", content_type="text/x-old")
        before = len(server.requests())
        copied = await bucket.copy(
            source.id_,
            "c.bin",
            length=len(data),
            source_file_info={"k": "v"},
            source_content_type="text/x-told",
        )
        assert (copied.content_type, copied.file_info) == ("text/x-told", {"k": "v"})
        endpoints = [record.endpoint for record in server.requests()[before:]]
        assert "b2_copy_part" in endpoints and "b2_get_file_info" not in endpoints
        assert await read(await bucket.download_file_by_id(copied.id_)) == data


async def test_upload_unbound_stream(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(3 * 150_000 + 7)
        large = await bucket.upload_unbound_stream(
            io.BufferedReader(io.BytesIO(data)), "pipe.bin", buffer_size=150_000, content_encoding="gzip"
        )
        assert (large.size, large.content_sha1) == (len(data), "none")
        assert large.file_info == {"b2-content-encoding": "gzip"}
        assert await read(await bucket.download_file_by_id(large.id_)) == data

        async def chunks():
            yield b"ti"
            yield b"ny"

        small = await bucket.upload_unbound_stream(chunks(), "tiny.bin")
        assert small.content_sha1 == hashlib.sha1(b"tiny").hexdigest()
        with pytest.raises(ValueError, match="buffers_count"):
            await bucket.upload_unbound_stream(chunks(), "x", buffers_count=1)


async def test_upload_unbound_stream_reads_read_size_at_a_time(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(2 * 150_000 + 5)
        stream = ReadSizeRecorder(data)
        large = await bucket.upload_unbound_stream(stream, "pipe.bin", buffer_size=150_000, read_size=4096)
        assert large.size == len(data)
        assert set(stream.asked) == {4096}
        assert await read(await bucket.download_file_by_id(large.id_)) == data
