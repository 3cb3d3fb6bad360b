"""Buckets as top-level directories (mkdir/makedirs/rmdir) and version awareness (s3fs/gcsfs style)."""

from __future__ import annotations

import errno

import fsspec
import pytest

from b2kit.fs import B2FileSystem


def test_mkdir_creates_a_bucket_and_refuses_an_existing_one(b2fs):
    b2fs.mkdir("fsspec-made", bucket_type="allPublic")
    assert b2fs.info("fsspec-made")["bucket_type"] == "allPublic"
    with pytest.raises(FileExistsError):
        b2fs.mkdir("fsspec-made")
    with pytest.raises(FileExistsError):
        b2fs.makedirs("fsspec-made")
    b2fs.makedirs("fsspec-made", exist_ok=True)
    b2fs.makedirs("fsspec-made/folder/inside")  # folders need no creating
    assert not b2fs.exists("fsspec-made/folder")


def test_mkdir_of_a_folder_creates_its_missing_bucket_unless_told_not_to(b2fs):
    with pytest.raises(FileNotFoundError):
        b2fs.mkdir("fsspec-later/folder", create_parents=False)
    b2fs.mkdir("fsspec-later/folder")
    assert b2fs.isdir("fsspec-later")


def test_rmdir_deletes_an_empty_bucket_only(b2fs, bucket):
    b2fs.pipe(f"{bucket}/dir/f", b"f")
    with pytest.raises(OSError) as caught:
        b2fs.rmdir(bucket)
    assert caught.value.errno == errno.ENOTEMPTY
    with pytest.raises(OSError) as caught:
        b2fs.rmdir(f"{bucket}/dir")
    assert caught.value.errno == errno.ENOTEMPTY
    b2fs.rm(f"{bucket}/dir/f")
    b2fs.rmdir(bucket)
    assert not b2fs.exists(bucket)


@pytest.fixture
def versioned(storage_options, b2fs, bucket):
    fs = B2FileSystem(skip_instance_cache=True, version_aware=True, **storage_options)
    b2fs.pipe(f"{bucket}/doc.txt", b"version one")
    b2fs.pipe(f"{bucket}/doc.txt", b"version two")
    yield fs
    fs.api.close()


def test_object_version_info_lists_versions_newest_first(versioned, bucket):
    versions = versioned.object_version_info(f"{bucket}/doc.txt")
    assert [v["size"] for v in versions] == [11, 11]
    newest, oldest = versions
    assert newest["upload_timestamp"] >= oldest["upload_timestamp"]
    assert versioned.cat_file(oldest["name"]) == b"version one"
    assert oldest["name"] == f"{bucket}/doc.txt?versionId={oldest['version_id']}"


def test_a_version_id_in_the_url_opens_that_version(versioned, storage_options, bucket):
    oldest = versioned.object_version_info(f"{bucket}/doc.txt")[-1]["version_id"]
    with versioned.open(f"b2://{bucket}/doc.txt?versionId={oldest}", "rb") as f:
        assert f.read() == b"version one"
    with versioned.open(f"{bucket}/doc.txt", "rb", version_id=oldest) as f:
        assert f.read() == b"version one"
    assert versioned.info(f"{bucket}/doc.txt?versionId={oldest}")["version_id"] == oldest
    with fsspec.open(f"b2://{bucket}/doc.txt?versionId={oldest}", "rb", **storage_options) as f:
        assert f.read() == b"version one"  # the URL makes the filesystem version-aware


def test_ls_versions_and_rm_of_one_version(versioned, bucket):
    names = versioned.ls(bucket, detail=False, versions=True)
    assert len(names) == 2 and all("?versionId=" in name for name in names)
    newest = versioned.object_version_info(f"{bucket}/doc.txt")[0]["name"]
    versioned.rm(newest)
    assert versioned.cat_file(f"{bucket}/doc.txt") == b"version one"


def test_versions_need_a_version_aware_filesystem(b2fs, bucket):
    with pytest.raises(ValueError, match="version_aware"):
        b2fs.cat_file(f"{bucket}/doc.txt?versionId=4_zsomething")
    with pytest.raises(ValueError, match="version_aware"):
        b2fs.object_version_info(f"{bucket}/doc.txt")


def test_a_version_of_another_file_is_not_found(versioned, bucket):
    versioned.pipe(f"{bucket}/other.txt", b"other")
    other_id = versioned.info(f"{bucket}/other.txt")["version_id"]
    with pytest.raises(FileNotFoundError):
        versioned.info(f"{bucket}/doc.txt?versionId={other_id}")
