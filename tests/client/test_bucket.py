"""Bucket against the real local server: every method, including ls folder emulation."""

from __future__ import annotations

import io
import os

import pytest

from b2kit import (
    B2Api,
    Bucket,
    Conflict,
    CopyOptions,
    DownloadDestBytes,
    FileAlreadyHidden,
    FileNotPresent,
    FileVersion,
    UploadOptions,
    UploadSourceBytes,
)
from b2kit._wire import NewFileSettings, StartLargeFile, UploadPart
from b2kit.server import LocalServer


def names(pairs):
    return [(version.file_name, folder) for version, folder in pairs]


@pytest.fixture
def tree(bucket: Bucket) -> Bucket:
    for name in ["a.txt", "b/1.txt", "b/2.txt", "b/c/3.txt", "d/4.txt", "e.txt"]:
        bucket.upload_bytes(name.encode(), name)
    return bucket


def test_ls_top_level_shows_files_and_folders_once(tree: Bucket):
    assert names(tree.ls()) == [
        ("a.txt", None),
        ("b/1.txt", "b/"),
        ("d/4.txt", "d/"),
        ("e.txt", None),
    ]


def test_ls_sub_folder_with_or_without_trailing_slash(tree: Bucket):
    expected = [("b/1.txt", None), ("b/2.txt", None), ("b/c/3.txt", "b/c/")]
    assert names(tree.ls("b")) == expected
    assert names(tree.ls("b/")) == expected


def test_ls_recursive_lists_every_file_and_no_folders(tree: Bucket):
    assert [n for n, _ in names(tree.ls(recursive=True))] == [
        "a.txt",
        "b/1.txt",
        "b/2.txt",
        "b/c/3.txt",
        "d/4.txt",
        "e.txt",
    ]


def test_ls_pages_past_folders_with_small_fetch_count(tree: Bucket):
    assert names(tree.ls(fetch_count=1)) == names(tree.ls())


def test_ls_show_versions_yields_every_version(bucket: Bucket):
    bucket.upload_bytes(b"1", "f.txt")
    bucket.upload_bytes(b"22", "f.txt")
    bucket.hide_file("f.txt")
    assert [v.action for v, _ in bucket.ls(show_versions=True)] == ["hide", "upload", "upload"]
    assert list(bucket.ls()) == []


def test_list_file_names_and_versions(bucket: Bucket):
    bucket.upload_bytes(b"1", "x/one")
    bucket.upload_bytes(b"2", "x/one")
    bucket.upload_bytes(b"3", "y/two")
    assert [v.file_name for v in bucket.list_file_names()] == ["x/one", "y/two"]
    assert [v.file_name for v in bucket.list_file_names(prefix="y/")] == ["y/two"]
    assert [v.file_name for v in bucket.list_file_names(start_filename="y")] == ["y/two"]
    assert [v.file_name for v in bucket.list_file_names(max_entries=1)] == ["x/one"]
    versions = list(bucket.list_file_versions())
    assert [v.file_name for v in versions] == ["x/one", "x/one", "y/two"]
    assert versions[0].size == 1 and versions[0].upload_timestamp >= versions[1].upload_timestamp
    assert len(list(bucket.list_file_versions(max_entries=2))) == 2


def test_upload_bytes_with_content_type_and_info(bucket: Bucket):
    version = bucket.upload_bytes(b"{}", "data.json", content_type="application/json", file_info={"k": "v"})
    assert isinstance(version, FileVersion)
    assert (version.content_type, version.file_info, version.size) == ("application/json", {"k": "v"}, 2)


def test_upload_bytes_with_options_object(bucket: Bucket):
    options = UploadOptions(content_type="text/plain", file_info={"a": "b"})
    version = bucket.upload_bytes(b"abc", "opt.txt", options=options)
    assert (version.content_type, version.file_info) == ("text/plain", {"a": "b"})


def test_upload_local_file_records_mtime(bucket: Bucket, tmp_path):
    path = tmp_path / "local.bin"
    path.write_bytes(b"local bytes")
    os.utime(path, (1_600_000_000, 1_600_000_000))
    version = bucket.upload_local_file(path, "remote.bin")
    assert version.file_info["src_last_modified_millis"] == "1600000000000"
    assert version.mod_time_millis == 1_600_000_000_000


def test_upload_from_source_and_from_unbound_stream(bucket: Bucket):
    assert bucket.upload(UploadSourceBytes(b"source"), "src.bin").size == 6
    data = os.urandom(1_500_000)  # more than one recommended part: a large file from a stream
    version = bucket.upload(io.BytesIO(data), "stream.bin")
    assert version.size == len(data)
    assert bucket.download_file_by_name("stream.bin").read() == data


def test_download_file_by_name_into_destination_and_streaming(bucket: Bucket):
    bucket.upload_bytes(b"content", "dl.txt")
    dest = DownloadDestBytes()
    bucket.download_file_by_name("dl.txt", dest)
    assert dest.get_bytes_written() == b"content"
    with bucket.download_file_by_name("dl.txt", range_=(1, 3)) as downloaded:
        assert downloaded.read() == b"ont"


def test_download_file_by_id(bucket: Bucket):
    version = bucket.upload_bytes(b"by id", "id.txt")
    with bucket.download_file_by_id(version.id_) as downloaded:
        assert downloaded.read() == b"by id"


def test_get_download_url_and_authorization(server: LocalServer, bucket: Bucket):
    import urllib3

    bucket.upload_bytes(b"shared", "share/me.txt")
    bucket.upload_bytes(b"secret", "other.txt")
    token = bucket.get_download_authorization("share/", 600)
    url = bucket.get_download_url("share/me.txt")
    assert url.endswith(f"/file/{bucket.name}/share/me.txt")
    http = urllib3.PoolManager()
    assert http.request("GET", url, headers={"Authorization": token}).data == b"shared"
    denied = http.request("GET", bucket.get_download_url("other.txt"), headers={"Authorization": token})
    assert denied.status == 401
    assert http.request("GET", url).status == 401


def test_hide_file_and_errors(bucket: Bucket):
    bucket.upload_bytes(b"x", "hide.me")
    marker = bucket.hide_file("hide.me")
    assert marker.action == "hide"
    with pytest.raises(FileNotPresent):
        bucket.get_file_info_by_name("hide.me")
    with pytest.raises((FileAlreadyHidden, FileNotPresent)):
        bucket.hide_file("hide.me")
    with pytest.raises(FileNotPresent):
        bucket.hide_file("never.existed")


def test_delete_file_version(bucket: Bucket):
    old = bucket.upload_bytes(b"old", "v.txt")
    bucket.upload_bytes(b"new", "v.txt")
    result = bucket.delete_file_version(old.id_, "v.txt")
    assert result.file_id == old.id_
    assert [v.size for v in bucket.list_file_versions()] == [3]
    with pytest.raises(FileNotPresent):
        bucket.delete_file_version(old.id_, "v.txt")


def test_copy_whole_range_and_replace_metadata(api: B2Api, bucket: Bucket):
    source = bucket.upload_bytes(b"0123456789", "src.txt", content_type="text/plain", file_info={"a": "1"})
    whole = bucket.copy(source.id_, "copy.txt")
    assert (whole.size, whole.file_info) == (10, {"a": "1"})
    part = bucket.copy(source.id_, "part.txt", offset=2, length=3)
    assert bucket.download_file_by_name("part.txt").read() == b"234"
    assert part.size == 3
    replaced = bucket.copy(source.id_, "new-meta.txt", content_type="application/x-new", file_info={"b": "2"})
    assert (replaced.content_type, replaced.file_info) == ("application/x-new", {"b": "2"})
    other = api.create_bucket(f"{bucket.name}-dst", "allPrivate")
    across = other.copy(source.id_, "across.txt", options=CopyOptions())
    assert across.bucket_id == other.id_


def test_unfinished_large_files_list_and_cancel(api: B2Api, bucket: Bucket):
    first = api.session.call(
        StartLargeFile(bucket.id_, "u/one.bin", NewFileSettings(file_info={"k": "1"}))
    ).raw
    api.session.call(StartLargeFile(bucket.id_, "w/two.bin"))
    unfinished = list(bucket.list_unfinished_large_files())
    assert [u.file_name for u in unfinished] == ["u/one.bin", "w/two.bin"]
    assert unfinished[0].file_info == {"k": "1"}
    assert [u.file_name for u in bucket.list_unfinished_large_files(prefix="w/")] == ["w/two.bin"]
    assert len(list(bucket.list_unfinished_large_files(batch_size=1))) == 2
    assert bucket.cancel_large_file(first["fileId"]).file_name == "u/one.bin"
    assert [u.file_name for u in bucket.list_unfinished_large_files()] == ["w/two.bin"]


def test_set_type_set_info_and_update(bucket: Bucket):
    public = bucket.set_type("allPublic")
    assert public.type_ == "allPublic" and bucket.type_ == "allPublic"
    revision = bucket.revision
    info = bucket.set_info({"owner": "me"}, if_revision_is=revision)
    assert info.bucket_info == {"owner": "me"}
    with pytest.raises(Conflict):
        bucket.set_info({"owner": "late"}, if_revision_is=revision)
    rules = [{"fileNamePrefix": "tmp/", "daysFromUploadingToHiding": 1, "daysFromHidingToDeleting": 1}]
    updated = bucket.update(lifecycle_rules=rules)
    assert updated.lifecycle_rules[0]["fileNamePrefix"] == "tmp/"


def test_get_file_info_by_id_and_by_name(bucket: Bucket):
    version = bucket.upload_bytes(b"info", "info/file name.txt", file_info={"color": "red"})
    by_id = bucket.get_file_info_by_id(version.id_)
    assert (by_id.file_name, by_id.size, by_id.file_info) == ("info/file name.txt", 4, {"color": "red"})
    by_name = bucket.get_file_info_by_name("info/file name.txt")
    assert (by_name.id_, by_name.size, by_name.file_info) == (version.id_, 4, {"color": "red"})
    assert by_name.content_sha1 == version.content_sha1
    with pytest.raises(FileNotPresent):
        bucket.get_file_info_by_name("missing.txt")


def test_list_parts_of_an_unfinished_file(api: B2Api, bucket: Bucket):
    import hashlib

    started = api.session.call(StartLargeFile(bucket.id_, "parts.bin")).raw
    data = b"p" * 100_000
    upload = UploadPart(1, len(data), hashlib.sha1(data).hexdigest())
    api.session.send_part(started["fileId"], upload, io.BytesIO(data))
    assert [p.part_number for p in bucket.list_parts(started["fileId"])] == [1]


def test_bucket_equality_repr_and_dict(api: B2Api, bucket: Bucket):
    again = api.get_bucket_by_id(bucket.id_)
    assert again == bucket and hash(again) == hash(bucket)
    assert bucket.name in repr(bucket)
    assert bucket.as_dict()["bucketName"] == bucket.name
    assert bucket.get_id() == bucket.id_


def test_upload_and_copy_report_progress(bucket: Bucket):
    from b2kit import ProgressListenerForTest

    listener = ProgressListenerForTest()
    version = bucket.upload_bytes(b"z" * 5000, "progress.bin", progress_listener=listener)
    assert (listener.total_bytes, listener.last_completed, listener.closed) == (5000, 5000, True)
    copy_listener = ProgressListenerForTest()
    bucket.copy(version.id_, "progress-copy.bin", progress_listener=copy_listener)
    assert (copy_listener.last_completed, copy_listener.closed) == (5000, True)
