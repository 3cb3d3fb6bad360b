"""The official b2sdk uploads, downloads, lists, hides and deletes files on our server."""

from __future__ import annotations

import hashlib
import io

import pytest

pytestmark = pytest.mark.compat


@pytest.fixture
def bucket(b2api):
    return b2api.create_bucket("compat-files", "allPrivate")


def _download(bucket, name, **kwargs) -> bytes:
    out = io.BytesIO()
    bucket.download_file_by_name(name, **kwargs).save(out)
    return out.getvalue()


def test_small_upload_and_download_by_name_and_id(b2api, bucket):
    version = bucket.upload_bytes(b"hello compat", "dir/hello.txt", file_info={"color": "blue"})
    assert version.size == 12
    assert version.content_sha1 == hashlib.sha1(b"hello compat").hexdigest()
    assert version.content_type == "text/plain"

    assert _download(bucket, "dir/hello.txt") == b"hello compat"
    out = io.BytesIO()
    downloaded = b2api.download_file_by_id(version.id_)
    downloaded.save(out)
    assert out.getvalue() == b"hello compat"
    assert downloaded.download_version.file_info["color"] == "blue"


def test_large_upload_uses_parts_and_downloads_back(bucket, tmp_path, payload, large_size):
    data = payload(large_size)
    source = tmp_path / "big.bin"
    source.write_bytes(data)

    version = bucket.upload_local_file(str(source), "big/file.bin")

    assert version.size == large_size
    assert version.content_sha1 == "none"
    assert version.file_info["large_file_sha1"] == hashlib.sha1(data).hexdigest()
    target = tmp_path / "back.bin"
    bucket.download_file_by_name("big/file.bin").save_to(str(target))
    assert target.read_bytes() == data


def test_unbound_stream_upload_becomes_large_file(bucket, payload, large_size):
    data = payload(large_size, seed=3)
    version = bucket.upload_unbound_stream(io.BytesIO(data), "stream.bin")
    assert version.size == large_size
    assert _download(bucket, "stream.bin") == data


def test_ranged_downloads_small_and_large(bucket, payload, large_size):
    small = payload(5000, seed=1)
    bucket.upload_bytes(small, "small.bin")
    assert _download(bucket, "small.bin", range_=(10, 19)) == small[10:20]

    big = payload(large_size, seed=2)
    bucket.upload_bytes(big, "big.bin")
    start, end = 999_990, 1_000_019  # spans the first part boundary
    assert _download(bucket, "big.bin", range_=(start, end)) == big[start : end + 1]


def test_ls_shows_folders_and_versions(bucket):
    for name in ("a.txt", "docs/one.txt", "docs/two.txt", "docs/deep/three.txt"):
        bucket.upload_bytes(b"v1", name)
    bucket.upload_bytes(b"v2", "a.txt")

    top = [folder or fv.file_name for fv, folder in bucket.ls()]
    assert top == ["a.txt", "docs/"]

    docs = [folder or fv.file_name for fv, folder in bucket.ls("docs")]
    assert docs == ["docs/deep/", "docs/one.txt", "docs/two.txt"]

    recursive = sorted(fv.file_name for fv, _ in bucket.ls(recursive=True))
    assert recursive == ["a.txt", "docs/deep/three.txt", "docs/one.txt", "docs/two.txt"]

    versions = [fv.file_name for fv, _ in bucket.ls(latest_only=False, recursive=True)]
    assert versions.count("a.txt") == 2


def test_hide_and_unhide(bucket, flavour):
    bucket.upload_bytes(b"visible", "h.txt")
    hidden = bucket.hide_file("h.txt")
    assert hidden.action == "hide"
    assert [fv.file_name for fv, _ in bucket.ls(recursive=True)] == []
    with pytest.raises(flavour.module.exception.FileNotPresent):
        _download(bucket, "h.txt")

    bucket.unhide_file("h.txt")
    assert _download(bucket, "h.txt") == b"visible"


def test_delete_file_version_makes_older_current(bucket):
    bucket.upload_bytes(b"old", "d.txt")
    newer = bucket.upload_bytes(b"new", "d.txt")
    bucket.delete_file_version(newer.id_, "d.txt")
    assert _download(bucket, "d.txt") == b"old"


def test_unfinished_large_file_is_listed_and_cancelled(b2api, bucket):
    started = b2api.services.large_file.start_large_file(bucket.id_, "pending.bin", "b2/x-auto", {})
    unfinished = list(bucket.list_unfinished_large_files())
    assert [f.file_id for f in unfinished] == [started.file_id]
    bucket.cancel_large_file(started.file_id)
    assert list(bucket.list_unfinished_large_files()) == []


def test_upload_resumes_a_matching_unfinished_large_file(b2api, bucket, tmp_path, payload, large_size):
    data = payload(large_size, seed=7)
    source = tmp_path / "resume.bin"
    source.write_bytes(data)
    info = {"large_file_sha1": hashlib.sha1(data).hexdigest()}  # what upload_local_file itself sends
    started = b2api.services.large_file.start_large_file(bucket.id_, "resume.bin", "b2/x-auto", info)
    first_part = data[:1_000_000]
    part_url = b2api.session.get_upload_part_url(started.file_id)
    b2api.session.raw_api.upload_part(
        part_url["uploadUrl"],
        part_url["authorizationToken"],
        1,
        len(first_part),
        hashlib.sha1(first_part).hexdigest(),
        io.BytesIO(first_part),
    )

    version = bucket.upload_local_file(str(source), "resume.bin")

    assert version.id_ == started.file_id
    assert _download(bucket, "resume.bin") == data
    assert list(bucket.list_unfinished_large_files()) == []


def test_sse_c_large_file_round_trip_and_copy(bucket, flavour, payload, large_size):
    m = flavour.module
    key = m.EncryptionKey(secret=b"0123456789abcdef0123456789abcdef", key_id="compat-key")
    sse_c = m.EncryptionSetting(mode=m.EncryptionMode.SSE_C, algorithm=m.EncryptionAlgorithm.AES256, key=key)
    data = payload(large_size, seed=17)

    version = bucket.upload_bytes(data, "secret.bin", encryption=sse_c)
    assert version.server_side_encryption.mode == m.EncryptionMode.SSE_C
    out = io.BytesIO()
    bucket.download_file_by_name("secret.bin", encryption=sse_c).save(out)
    assert out.getvalue() == data

    sse_b2 = m.EncryptionSetting(mode=m.EncryptionMode.SSE_B2, algorithm=m.EncryptionAlgorithm.AES256)
    copied = bucket.copy(
        version.id_,
        "plain.bin",
        length=large_size,
        max_part_size=1_000_000,
        source_encryption=sse_c,
        destination_encryption=sse_b2,
        source_content_type="application/octet-stream",
        source_file_info=version.file_info,
    )
    assert copied.server_side_encryption.mode == m.EncryptionMode.SSE_B2
    assert _download(bucket, "plain.bin") == data
