"""The JSON the CLI prints for parts, unfinished large files and HEAD results (pure: no server)."""

from __future__ import annotations

from b2kit import DownloadVersion, Part, UnfinishedLargeFile
from b2kit.cli._json_views import file_json, part_json, unfinished_json


def test_a_part_in_b2_field_names():
    part = Part("4_zfile", 2, 100, "ab" * 20, content_md5="md5", upload_timestamp=7)
    assert part_json(part) == {
        "fileId": "4_zfile",
        "partNumber": 2,
        "contentLength": 100,
        "contentSha1": "ab" * 20,
        "contentMd5": "md5",
        "uploadTimestamp": 7,
    }


def test_an_unfinished_large_file_in_b2_field_names():
    unfinished = UnfinishedLargeFile("4_zf", "big.bin", "acct", "bkt", "text/plain", {"k": "v"}, 9)
    assert unfinished_json(unfinished) == {
        "fileId": "4_zf",
        "fileName": "big.bin",
        "bucketId": "bkt",
        "contentType": "text/plain",
        "fileInfo": {"k": "v"},
        "uploadTimestamp": 9,
    }


def test_a_head_result_reads_like_a_listed_upload():
    version = DownloadVersion("4_zd", "a.txt", 3, "text/plain", "cd" * 20, True, 5, {"x": "y"}, 3, (0, 2))
    assert file_json(version) == {
        "fileId": "4_zd",
        "fileName": "a.txt",
        "size": 3,
        "contentType": "text/plain",
        "contentSha1": "cd" * 20,
        "uploadTimestamp": 5,
        "fileInfo": {"x": "y"},
        "action": "upload",
    }
