"""Code written for b2sdk 2.x: its spellings work where they can be told from the seed's (which still work).

Each test is one row of docs/migrating.md (named there).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import time
from pathlib import Path

import b2sdk.v2 as b2sdk_v2
import pytest

from b2kit import (
    SSE_B2_AES,
    B2Api,
    DownloadDestBytes,
    FileNotPresent,
    FileRetentionSetting,
    Filter,
    LegalHold,
    ProgressListenerForTest,
    RetentionMode,
    TerminalProgressListener,
    UploadOptions,
    UploadSourceBytes,
    UploadSourceLocalFileRange,
)


@pytest.fixture
def filled(bucket):
    for name in ("a.txt", "b.csv", "dir/c.txt", "dir/sub/d.txt"):
        bucket.upload_bytes(name.encode(), name)
    bucket.upload_bytes(b"a again", "a.txt")
    return bucket


def _names(entries):
    return [(v.file_name, folder) for v, folder in entries]


def test_ls_latest_only_false_lists_versions(filled):
    assert _names(filled.ls(latest_only=False)) == _names(filled.ls(show_versions=True))
    assert [v.file_name for v, _ in filled.ls(latest_only=False)][:2] == ["a.txt", "a.txt"]
    assert [v.file_name for v, _ in filled.ls("", False)][:2] == ["a.txt", "b.csv"]


def test_ls_path_keyword_and_a_file_path(filled):
    assert _names(filled.ls(path="dir")) == [("dir/c.txt", None), ("dir/sub/d.txt", "dir/sub/")]
    assert _names(filled.ls(path="a.txt")) == [("a.txt", None)]
    assert _names(filled.ls("a.txt", folder_to_list_can_be_a_file=True)) == [("a.txt", None)]
    assert len(list(filled.ls(path="a.txt", latest_only=False))) == 2
    assert list(filled.ls("a.txt")) == []  # the seed's (and b2sdk.v2's) ls: a folder named a.txt/


def test_ls_with_wildcard(filled):
    assert _names(filled.ls("*.txt", recursive=True, with_wildcard=True)) == [
        ("a.txt", None),
        ("dir/c.txt", None),
        ("dir/sub/d.txt", None),
    ]
    assert _names(filled.ls("dir/*.txt", recursive=True, with_wildcard=True)) == [
        ("dir/c.txt", None),
        ("dir/sub/d.txt", None),
    ]
    with pytest.raises(ValueError, match="recursive"):
        list(filled.ls("*.txt", with_wildcard=True))


@pytest.mark.parametrize("flavour", ["b2kit", "b2sdk"])
def test_ls_filters(filled, flavour):
    include, exclude = (
        (Filter.include, Filter.exclude)
        if flavour == "b2kit"
        else (
            b2sdk_v2.Filter.include,
            b2sdk_v2.Filter.exclude,
        )
    )
    only_txt = filled.ls(recursive=True, filters=[include("*.txt")])
    assert [v.file_name for v, _ in only_txt] == ["a.txt", "dir/c.txt", "dir/sub/d.txt"]
    no_sub = filled.ls(recursive=True, filters=[exclude("dir/sub/*")])
    assert [v.file_name for v, _ in no_sub] == ["a.txt", "b.csv", "dir/c.txt"]


def test_list_file_versions_of_one_name_by_keyword(filled):
    versions = list(filled.list_file_versions(file_name="a.txt"))
    assert [v.file_name for v in versions] == ["a.txt", "a.txt"]
    one_per_request = list(filled.list_file_versions(file_name="a.txt", fetch_count=1))
    assert [v.id_ for v in one_per_request] == [v.id_ for v in versions]  # a page size, as in b2sdk
    from_a_on = [v.file_name for v in filled.list_file_versions("a.txt")]
    assert from_a_on == ["a.txt", "a.txt", "b.csv", "dir/c.txt", "dir/sub/d.txt"]


def test_list_file_versions_of_one_name_positionally(filled):
    versions = [v.id_ for v in filled.list_file_versions(file_name="a.txt")]
    assert [v.id_ for v in filled.list_file_versions("a.txt", 1)] == versions
    assert [v.id_ for v in filled.list_file_versions("a.txt", fetch_count=5)] == versions
    assert len(list(filled.list_file_versions("a.txt", None, 2))) == 2  # the seed's: start name, id, limit
    with pytest.raises(ValueError, match="fetch_count"):
        list(filled.list_file_versions("a.txt", 0))


def test_download_file_by_name_with_a_positional_listener(filled):
    listener = ProgressListenerForTest()
    with filled.download_file_by_name("b.csv", listener) as downloaded:
        assert downloaded.read() == b"b.csv"
    assert listener.last_completed == len(b"b.csv")
    dest = DownloadDestBytes()
    filled.download_file_by_name("b.csv", dest, ProgressListenerForTest())
    assert dest.get_bytes_written() == b"b.csv"


def test_download_file_by_id_with_a_positional_listener(api: B2Api, filled):
    version = filled.upload_bytes(b"by id", "id.txt")
    listener = ProgressListenerForTest()
    with api.download_file_by_id(version.id_, listener) as downloaded:
        assert downloaded.read() == b"by id"
    assert listener.last_completed == len(b"by id")


def test_upload_local_file_with_b2sdk_keywords(bucket, tmp_path):
    local = tmp_path / "page.html"
    local.write_bytes(b"<html></html>")
    sha1 = hashlib.sha1(local.read_bytes()).hexdigest()
    version = bucket.upload_local_file(
        str(local), "page.html", content_type="text/html", cache_control="max-age=60", sha1_sum=sha1
    )
    assert version.content_sha1 == sha1
    assert version.file_info["b2-cache-control"] == "max-age=60"
    with bucket.download_file_by_name("page.html") as downloaded:
        assert downloaded.download_version.cache_control == "max-age=60"
    with pytest.raises(TypeError, match="upload_mode"):
        bucket.upload_local_file(str(local), "x", upload_mode="incremental")  # type: ignore[call-arg]
    seed_form = bucket.upload_local_file(str(local), "seed.html", options=UploadOptions(content_sha1=sha1))
    assert seed_form.content_sha1 == sha1


def test_upload_bytes_with_retention_and_legal_hold(api: B2Api):
    locked = api.create_bucket("spelling-locked", "allPrivate", is_file_lock_enabled=True)
    until = int(time.time() * 1000) + 86_400_000
    version = locked.upload_bytes(
        b"kept",
        "kept.txt",
        file_retention=FileRetentionSetting(RetentionMode.GOVERNANCE, until),
        legal_hold=LegalHold.ON,
        encryption=SSE_B2_AES,
        custom_upload_timestamp=1_600_000_000_000,
    )
    assert version.file_retention == FileRetentionSetting(RetentionMode.GOVERNANCE, until)
    assert version.legal_hold == LegalHold.ON
    assert version.upload_timestamp == 1_600_000_000_000
    locked.update_file_legal_hold(version.id_, "kept.txt", LegalHold.OFF)
    locked.delete_file_version(version.id_, "kept.txt", bypass_governance=True)
    assert list(locked.list_file_versions(file_name="kept.txt")) == []


def test_upload_with_content_type_and_file_info_keywords(bucket):
    version = bucket.upload(
        UploadSourceBytes(b"{}"), "x.json", content_type="application/json", file_info={"k": "v"}
    )
    assert (version.content_type, version.file_info["k"]) == ("application/json", "v")


def test_copy_with_b2sdk_keywords(bucket):
    source = bucket.upload_bytes(b"copy me", "src.txt")
    copied = bucket.copy(source.id_, "dst.txt", destination_encryption=SSE_B2_AES)
    assert copied.server_side_encryption == SSE_B2_AES
    headed = bucket.copy(
        source.id_,
        "dst2.txt",
        file_info={"k": "v"},
        cache_control="no-cache",
        content_disposition="attachment",
        content_encoding="identity",
        content_language="en",
        expires=dt.datetime(2033, 12, 1, 16, tzinfo=dt.UTC),
    )
    assert headed.file_info == {
        "k": "v",
        "b2-cache-control": "no-cache",
        "b2-content-disposition": "attachment",
        "b2-content-encoding": "identity",
        "b2-content-language": "en",
        "b2-expires": "Thu, 01 Dec 2033 16:00:00 GMT",
    }
    with bucket.download_file_by_id(headed.id_) as downloaded:
        assert downloaded.download_version.cache_control == "no-cache"
        assert downloaded.read() == b"copy me"
    with pytest.raises(TypeError, match="upload_mode"):
        bucket.copy(source.id_, "dst3.txt", upload_mode="x")  # type: ignore[call-arg]


def test_copy_with_the_source_metadata_told(bucket, server):
    data = os.urandom(2 * 1_000_000 + 11)  # larger than the test server's recommended part: copied in parts
    source = bucket.upload_bytes(data, "big.bin", content_type="text/x-old", file_info={"old": "1"})
    told = {"k": "v", "large_file_sha1": "0" * 40}
    copied = bucket.copy(
        source.id_, "big-copy.bin", length=len(data), source_file_info=told, source_content_type="text/x-told"
    )
    assert (copied.content_type, copied.file_info, copied.size) == ("text/x-told", {"k": "v"}, len(data))
    endpoints = [record.endpoint for record in server.requests()]
    assert "b2_copy_part" in endpoints and "b2_get_file_info" not in endpoints
    with bucket.download_file_by_id(copied.id_) as downloaded:
        assert downloaded.read() == data
    before = len(server.requests())
    kept = bucket.copy(source.id_, "kept.bin", length=len(data))  # nothing told: fetched, as before
    assert (kept.content_type, kept.file_info["old"]) == ("text/x-old", "1")
    assert [r.endpoint for r in server.requests()[before:]].count("b2_get_file_info") == 1


class OneWayStream(io.RawIOBase):
    """A non-seekable stream (a pipe) that records how far its reads ran ahead of the bytes sent."""

    def __init__(self, data: bytes, sent: ProgressListenerForTest) -> None:
        self._data = memoryview(data)
        self._position = 0
        self._sent = sent
        self.max_lead = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), 30_001, len(self._data) - self._position)
        buffer[:count] = self._data[self._position : self._position + count]
        self._position += count
        self.max_lead = max(self.max_lead, self._position - self._sent.last_completed)
        return count


class ReadSizeRecorder(io.RawIOBase):
    """A pipe-like stream that records how many bytes each read asked for."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._position = 0
        self.asked: list[int] = []

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self.asked.append(len(buffer))
        count = min(len(buffer), len(self._data) - self._position)
        buffer[:count] = self._data[self._position : self._position + count]
        self._position += count
        return count


def test_upload_unbound_stream_reads_read_size_at_a_time(bucket):
    part = 150_000
    data = os.urandom(2 * part + 5)
    stream = ReadSizeRecorder(data)
    large = bucket.upload_unbound_stream(stream, "pipe.bin", buffer_size=part, read_size=4096)
    assert large.size == len(data)
    assert set(stream.asked) == {4096, part % 4096}  # 4 KiB reads; a part's last read asks for its rest
    assert stream.asked.count(4096) >= len(data) // 4096
    whole = ReadSizeRecorder(data)
    bucket.upload_unbound_stream(whole, "pipe2.bin", buffer_size=part)  # default: a read per part buffer
    assert whole.asked[:3] == [part, part, part]
    with bucket.download_file_by_id(large.id_) as downloaded:
        assert downloaded.read() == data


@pytest.mark.parametrize("buffers_count", [2, 3])
def test_upload_unbound_stream(bucket, buffers_count):
    part = 150_000
    data = os.urandom(5 * part + 7)
    listener = ProgressListenerForTest()
    stream = OneWayStream(data, listener)
    large = bucket.upload_unbound_stream(
        stream,
        "pipe.bin",
        "application/x-pipe",
        {"k": "v"},
        listener,
        buffers_count=buffers_count,
        buffer_size=part,
        cache_control="no-store",
    )
    assert (large.size, large.content_sha1, large.content_type) == (len(data), "none", "application/x-pipe")
    assert large.file_info == {"k": "v", "b2-cache-control": "no-store"}
    assert list(bucket.list_unfinished_large_files()) == []
    assert stream.max_lead <= buffers_count * part, "more part buffers were filled than buffers_count"
    with bucket.download_file_by_id(large.id_) as downloaded:
        assert downloaded.read() == data
    small = bucket.upload_unbound_stream(OneWayStream(b"tiny", ProgressListenerForTest()), "tiny.bin")
    assert small.content_sha1 == hashlib.sha1(b"tiny").hexdigest()
    with pytest.raises(ValueError, match="buffers_count"):
        bucket.upload_unbound_stream(io.BytesIO(b""), "x", buffers_count=1)


def test_delete_key_takes_the_key_object(api: B2Api):
    created = api.create_key(["listFiles"], "throwaway")
    deleted = api.delete_key(created)
    assert deleted.id_ == created.id_
    other = api.create_key(["listFiles"], "by-id")
    assert api.delete_key(other.id_).id_ == other.id_


def test_get_file_info_by_id_gives_the_file_version(api: B2Api, bucket):
    version = bucket.upload_bytes(b"info", "info.txt")
    assert bucket.get_file_info_by_id(version.id_).file_name == "info.txt"
    assert api.get_file_info(version.id_)["fileName"] == "info.txt"  # the seed's dict


def test_file_not_present_reads_the_same_from_info_and_download(bucket):
    with pytest.raises(FileNotPresent) as from_info:
        bucket.get_file_info_by_name("nope.txt")
    with pytest.raises(FileNotPresent) as from_download:
        bucket.download_file_by_name("nope.txt")
    assert str(from_info.value) == str(from_download.value)
    assert str(from_info.value) == f"File not present: {bucket.name}/nope.txt (HTTP 404 not_found)"


def test_terminal_progress_listener_replaces_tqdm(bucket, tmp_path):
    local = tmp_path / "f.bin"
    local.write_bytes(b"x" * 1000)
    with TerminalProgressListener("upload f.bin") as progress:
        bucket.upload_local_file(str(local), "f.bin", progress_listener=progress)
    assert progress.closed


def test_list_buckets_takes_the_bucket_id_second(api: B2Api, bucket):
    assert [b.name for b in api.list_buckets(None, bucket.id_)] == [bucket.name]
    assert [b.name for b in api.list_buckets(bucket.name)] == [bucket.name]


def test_upload_source_local_file_range_in_b2sdk_order(bucket, tmp_path):
    local = tmp_path / "range.bin"
    local.write_bytes(b"0123456789")
    sha1 = hashlib.sha1(b"2345").hexdigest()
    b2sdk_order = UploadSourceLocalFileRange(local, sha1, 2, 4)
    b2kit_order = UploadSourceLocalFileRange(local, 2, 4, sha1)
    unknown_sha1 = UploadSourceLocalFileRange(local, None, 2, 4)
    for source in (b2sdk_order, b2kit_order, unknown_sha1):
        assert (source.get_content_length(), source.is_upload(), source.is_copy()) == (4, True, False)
    assert b2sdk_order.get_content_sha1() == b2kit_order.content_sha1 == sha1
    assert bucket.upload(b2sdk_order, "r.bin").content_sha1 == sha1
    with bucket.download_file_by_name("r.bin") as downloaded:
        assert downloaded.read() == b"2345"


def test_every_row_of_the_migrating_guide_names_a_test_here():
    root = Path(__file__).parents[2]
    rows = [
        line
        for line in (root / "docs" / "migrating.md").read_text().splitlines()
        if line.startswith("| ") and not line.startswith(("| What", "|---"))
    ]
    named = [name for row in rows for name in re.findall(r"`(test_\w+)`", row.rsplit("|", 2)[1])]
    assert len(rows) >= 15 and all(re.search(r"`test_\w+`", row.rsplit("|", 2)[1]) for row in rows)
    defined = {
        name
        for module in ("test_b2sdk_spellings.py", "test_create_file.py")
        for name in re.findall(r"^def (test_\w+)", (root / "tests" / "client" / module).read_text(), re.M)
    }
    assert sorted(set(named) - defined) == []
