"""AsyncBucket against the real local server (mirrors tests/client/test_bucket.py, test_copy.py and
test_restrictions.py): every method, ls folder emulation, copies, key restrictions."""

from __future__ import annotations

import hashlib
import io
import logging
import os

import pytest
import urllib3

from b2kit import (
    Conflict,
    CopyOptions,
    DownloadDestBytes,
    FileAlreadyHidden,
    FileNotPresent,
    FileVersion,
    InMemoryAccountInfo,
    InvalidRange,
    MaxRetriesExceeded,
    ProgressListenerForTest,
    RestrictedBucket,
    RestrictedBucketMissing,
    Unauthorized,
    UploadOptions,
    UploadSourceBytes,
)
from b2kit._wire import NewFileSettings, StartLargeFile, UploadPart
from b2kit.aio import AsyncB2Api, AsyncBucket
from b2kit.server import LocalServer

from .conftest import FAST_RETRIES, new_bucket

PART = 1_000_000


async def names(pairs) -> list[tuple[str, str | None]]:
    return [(version.file_name, folder) async for version, folder in pairs]


async def make_tree(bucket: AsyncBucket) -> None:
    for name in ["a.txt", "b/1.txt", "b/2.txt", "b/c/3.txt", "d/4.txt", "e.txt"]:
        await bucket.upload_bytes(name.encode(), name)


async def read(downloaded) -> bytes:
    async with downloaded:
        return await downloaded.read()


async def test_ls_folders_sub_folders_recursive_and_small_pages(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        tree = await new_bucket(api, bucket_name)
        await make_tree(tree)
        top = [("a.txt", None), ("b/1.txt", "b/"), ("d/4.txt", "d/"), ("e.txt", None)]
        assert await names(tree.ls()) == top
        sub = [("b/1.txt", None), ("b/2.txt", None), ("b/c/3.txt", "b/c/")]
        assert await names(tree.ls("b")) == sub
        assert await names(tree.ls("b/")) == sub
        every = [n for n, _ in await names(tree.ls(recursive=True))]
        assert every == ["a.txt", "b/1.txt", "b/2.txt", "b/c/3.txt", "d/4.txt", "e.txt"]
        assert await names(tree.ls(fetch_count=1)) == top


async def test_ls_show_versions_yields_every_version(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        await bucket.upload_bytes(b"1", "f.txt")
        await bucket.upload_bytes(b"22", "f.txt")
        await bucket.hide_file("f.txt")
        assert [v.action async for v, _ in bucket.ls(show_versions=True)] == ["hide", "upload", "upload"]
        assert await names(bucket.ls()) == []


async def test_list_file_names_and_versions(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        await bucket.upload_bytes(b"1", "x/one")
        await bucket.upload_bytes(b"2", "x/one")
        await bucket.upload_bytes(b"3", "y/two")
        assert [v.file_name async for v in bucket.list_file_names()] == ["x/one", "y/two"]
        assert [v.file_name async for v in bucket.list_file_names(prefix="y/")] == ["y/two"]
        assert [v.file_name async for v in bucket.list_file_names(start_filename="y")] == ["y/two"]
        assert [v.file_name async for v in bucket.list_file_names(max_entries=1)] == ["x/one"]
        versions = [v async for v in bucket.list_file_versions()]
        assert [v.file_name for v in versions] == ["x/one", "x/one", "y/two"]
        assert versions[0].size == 1 and versions[0].upload_timestamp >= versions[1].upload_timestamp
        assert len([v async for v in bucket.list_file_versions(max_entries=2)]) == 2


async def test_upload_bytes_with_metadata_and_options(make_aio_api, bucket_name, tmp_path):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        version = await bucket.upload_bytes(
            b"{}", "data.json", content_type="application/json", file_info={"k": "v"}
        )
        assert isinstance(version, FileVersion)
        assert (version.content_type, version.file_info, version.size) == ("application/json", {"k": "v"}, 2)
        options = UploadOptions(content_type="text/plain", file_info={"a": "b"})
        version = await bucket.upload_bytes(b"abc", "opt.txt", options=options)
        assert (version.content_type, version.file_info) == ("text/plain", {"a": "b"})
        path = tmp_path / "local.bin"
        path.write_bytes(b"local bytes")
        os.utime(path, (1_600_000_000, 1_600_000_000))
        version = await bucket.upload_local_file(path, "remote.bin")
        assert version.mod_time_millis == 1_600_000_000_000


async def test_upload_from_source_and_from_unbound_stream(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        assert (await bucket.upload(UploadSourceBytes(b"source"), "src.bin")).size == 6
        data = os.urandom(1_500_000)
        version = await bucket.upload(io.BytesIO(data), "stream.bin")
        assert version.size == len(data)
        assert await read(await bucket.download_file_by_name("stream.bin")) == data


async def test_downloads_into_destination_ranged_and_by_id(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        version = await bucket.upload_bytes(b"content", "dl.txt")
        dest = DownloadDestBytes()
        await bucket.download_file_by_name("dl.txt", dest)
        assert dest.get_bytes_written() == b"content"
        assert await read(await bucket.download_file_by_name("dl.txt", range_=(1, 3))) == b"ont"
        assert await read(await bucket.download_file_by_id(version.id_)) == b"content"


async def test_get_download_url_and_authorization(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        await bucket.upload_bytes(b"shared", "share/me.txt")
        await bucket.upload_bytes(b"secret", "other.txt")
        token = await bucket.get_download_authorization("share/", 600)
        url = bucket.get_download_url("share/me.txt")
        assert url.endswith(f"/file/{bucket_name}/share/me.txt")
        http = urllib3.PoolManager()
        assert http.request("GET", url, headers={"Authorization": token}).data == b"shared"
        denied = http.request("GET", bucket.get_download_url("other.txt"), headers={"Authorization": token})
        assert denied.status == 401


async def test_hide_delete_and_errors(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        await bucket.upload_bytes(b"x", "hide.me")
        assert (await bucket.hide_file("hide.me")).action == "hide"
        with pytest.raises(FileNotPresent):
            await bucket.get_file_info_by_name("hide.me")
        with pytest.raises((FileAlreadyHidden, FileNotPresent)):
            await bucket.hide_file("hide.me")
        with pytest.raises(FileNotPresent):
            await bucket.hide_file("never.existed")
        old = await bucket.upload_bytes(b"old", "v.txt")
        await bucket.upload_bytes(b"new", "v.txt")
        assert (await bucket.delete_file_version(old.id_, "v.txt")).file_id == old.id_
        assert [v.size async for v in bucket.list_file_versions(prefix="v.txt")] == [3]
        with pytest.raises(FileNotPresent):
            await bucket.delete_file_version(old.id_, "v.txt")


async def test_copy_whole_range_replace_metadata_and_across_buckets(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        source = await bucket.upload_bytes(
            b"0123456789", "src.txt", content_type="text/plain", file_info={"a": "1"}
        )
        whole = await bucket.copy(source.id_, "copy.txt")
        assert (whole.size, whole.file_info) == (10, {"a": "1"})
        part = await bucket.copy(source.id_, "part.txt", offset=2, length=3)
        assert part.size == 3
        assert await read(await bucket.download_file_by_name("part.txt")) == b"234"
        replaced = await bucket.copy(
            source.id_, "new.txt", content_type="application/x-new", file_info={"b": "2"}
        )
        assert (replaced.content_type, replaced.file_info) == ("application/x-new", {"b": "2"})
        other = await api.create_bucket(f"{bucket_name}-dst", "allPrivate")
        assert (await other.copy(source.id_, "across.txt", options=CopyOptions())).bucket_id == other.id_
        with pytest.raises(InvalidRange):
            await bucket.copy(source.id_, "bad.txt", offset=5, length=50)


async def test_large_copy_uses_parallel_parts_and_keeps_metadata(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        data = os.urandom(3 * PART + 5)
        sha1 = hashlib.sha1(data).hexdigest()
        source = await bucket.upload_bytes(data, "big.bin", file_info={"owner": "ann"})
        assert source.file_info["large_file_sha1"] == sha1
        listener = ProgressListenerForTest()
        copied = await bucket.copy(source.id_, "big-copy.bin", progress_listener=listener)
        assert copied.file_info == {"owner": "ann", "large_file_sha1": sha1}
        assert (listener.last_completed, listener.closed) == (len(data), True)
        assert await read(await bucket.download_file_by_id(copied.id_)) == data
        ranged = await bucket.copy(source.id_, "big-range.bin", offset=10, length=2 * PART + 1)
        assert "large_file_sha1" not in ranged.file_info


async def test_unfinished_large_files_list_and_cancel(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        first = (
            await api.session.call(
                StartLargeFile(bucket.id_, "u/one.bin", NewFileSettings(file_info={"k": "1"}))
            )
        ).raw
        await api.session.call(StartLargeFile(bucket.id_, "w/two.bin"))
        unfinished = [u async for u in bucket.list_unfinished_large_files()]
        assert [u.file_name for u in unfinished] == ["u/one.bin", "w/two.bin"]
        assert unfinished[0].file_info == {"k": "1"}
        assert [u.file_name async for u in bucket.list_unfinished_large_files(prefix="w/")] == ["w/two.bin"]
        assert len([u async for u in bucket.list_unfinished_large_files(batch_size=1)]) == 2
        data = b"p" * 100_000
        await api.session.send_part(
            first["fileId"], UploadPart(1, len(data), hashlib.sha1(data).hexdigest()), data
        )
        assert [p.part_number async for p in bucket.list_parts(first["fileId"])] == [1]
        assert (await bucket.cancel_large_file(first["fileId"])).file_name == "u/one.bin"
        assert [u.file_name async for u in bucket.list_unfinished_large_files()] == ["w/two.bin"]


async def test_set_type_set_info_update_and_notification_rules(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        public = await bucket.set_type("allPublic")
        assert public.type_ == "allPublic" and bucket.type_ == "allPublic"
        revision = bucket.revision
        assert (await bucket.set_info({"owner": "me"}, if_revision_is=revision)).bucket_info == {
            "owner": "me"
        }
        with pytest.raises(Conflict):
            await bucket.set_info({"owner": "late"}, if_revision_is=revision)
        rules = [{"fileNamePrefix": "tmp/", "daysFromUploadingToHiding": 1, "daysFromHidingToDeleting": 1}]
        assert (await bucket.update(lifecycle_rules=rules)).lifecycle_rules[0]["fileNamePrefix"] == "tmp/"
        assert await bucket.get_notification_rules() == []


async def test_get_file_info_by_id_and_by_name(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        version = await bucket.upload_bytes(b"info", "info/file name.txt", file_info={"color": "red"})
        by_id = await bucket.get_file_info_by_id(version.id_)
        assert (by_id.file_name, by_id.size, by_id.file_info) == ("info/file name.txt", 4, {"color": "red"})
        by_name = await bucket.get_file_info_by_name("info/file name.txt")
        assert (by_name.id_, by_name.size, by_name.content_sha1) == (version.id_, 4, version.content_sha1)
        with pytest.raises(FileNotPresent):
            await bucket.get_file_info_by_name("missing.txt")


async def test_bucket_equality_repr_and_dict(make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        again = await api.get_bucket_by_id(bucket.id_)
        assert again == bucket and hash(again) == hash(bucket)
        assert bucket_name in repr(bucket)
        assert bucket.as_dict()["bucketName"] == bucket_name
        assert bucket.get_id() == bucket.id_


async def restricted(server: LocalServer, api: AsyncB2Api, capabilities, **kwargs) -> AsyncB2Api:
    key = await api.create_key(capabilities, "limited", **kwargs)
    limited = AsyncB2Api(InMemoryAccountInfo(), retry_policy=FAST_RETRIES)
    await limited.authorize_account(server.realm, key.id_, key.application_key)
    return limited


async def test_bucket_restricted_key(server: LocalServer, make_aio_api, bucket_name):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        capabilities = ["listBuckets", "listFiles", "readFiles", "writeFiles"]
        async with await restricted(server, api, capabilities, bucket_id=bucket.id_) as limited:
            with pytest.raises(RestrictedBucket, match="other-bucket"):
                await limited.get_bucket_by_name("other-bucket")
            with pytest.raises(RestrictedBucket):
                limited.get_download_url_for_file_name("other-bucket", "x")
            mine = await limited.get_bucket_by_name(bucket_name)
            await mine.upload_bytes(b"allowed", "ok.txt")
            assert [v.file_name async for v in mine.list_file_names()] == ["ok.txt"]
            with pytest.raises(Unauthorized):
                await limited.list_buckets()


async def test_missing_capability_and_name_prefix_raise_unauthorized(
    server: LocalServer, make_aio_api, bucket_name
):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        async with await restricted(server, api, ["listBuckets", "listFiles"]) as limited:
            mine = await limited.get_bucket_by_name(bucket_name)
            with pytest.raises((Unauthorized, MaxRetriesExceeded), match=r"(?i)unauthorized"):
                await mine.upload_bytes(b"nope", "nope.txt")
            with pytest.raises(Unauthorized):
                await limited.create_bucket("not-allowed-bucket", "allPrivate")
        capabilities = ["listBuckets", "listFiles", "writeFiles"]
        async with await restricted(
            server, api, capabilities, bucket_id=bucket.id_, name_prefix="pub/"
        ) as limited:
            mine = await limited.get_bucket_by_name(bucket_name)
            assert (await mine.upload_bytes(b"in", "pub/in.txt")).file_name == "pub/in.txt"
            with pytest.raises(Unauthorized, match="restricted to files starting with 'pub/'"):
                await mine.upload_bytes(b"out", "private/out.txt")
            with pytest.raises(Unauthorized, match="restricted to files starting with 'pub/'"):
                [v async for v in mine.list_file_names()]


async def test_key_for_a_deleted_bucket_and_wrong_secret(server: LocalServer, make_aio_api, caplog):
    caplog.set_level(logging.DEBUG, logger="b2kit")
    async with make_aio_api() as api:
        doomed = await api.create_bucket("doomed-bucket", "allPrivate")
        key = await api.create_key(["listBuckets", "listFiles"], "orphan", bucket_id=doomed.id_)
        await api.delete_bucket(doomed)
        async with AsyncB2Api(InMemoryAccountInfo()) as orphan:
            with pytest.raises(RestrictedBucketMissing):
                await orphan.authorize_account(server.realm, key.id_, key.application_key)
        async with AsyncB2Api(InMemoryAccountInfo()) as wrong:
            with pytest.raises(Unauthorized) as caught:
                await wrong.authorize_account(server.realm, server.key_id, "wrong-secret")
    assert caught.value.status == 401
    assert not [r for r in caplog.records if "retry" in r.getMessage()]


async def test_logs_never_contain_keys_or_tokens(server: LocalServer, make_aio_api, bucket_name, caplog):
    caplog.set_level(logging.DEBUG, logger="b2kit")
    async with make_aio_api() as api:
        await new_bucket(api, bucket_name)
        token = api.account_info.get_account_auth_token()
        server.expire_tokens()
        mine = await api.get_bucket_by_name(bucket_name)
        await mine.upload_bytes(b"logged?", "log.txt")
        text = "\n".join(r.getMessage() for r in caplog.records)
        assert server.key not in text
        assert token not in text
        assert api.account_info.get_account_auth_token() not in text


async def test_key_without_list_buckets_still_reaches_its_bucket(
    server: LocalServer, make_aio_api, bucket_name
):
    async with make_aio_api() as api:
        bucket = await new_bucket(api, bucket_name)
        async with await restricted(server, api, ["writeFiles", "readFiles"], bucket_id=bucket.id_) as writer:
            mine = await writer.get_bucket_by_name(bucket_name)
            assert (await writer.get_bucket_by_id(bucket.id_)).name == bucket_name
            assert (await mine.upload_bytes(b"written", "w.txt")).size == 7
            assert await read(await mine.download_file_by_name("w.txt")) == b"written"
            with pytest.raises(Unauthorized):
                await writer.list_buckets(bucket_name)
