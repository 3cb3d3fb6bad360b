"""The info dicts of ``ls``/``info``/``find``: files, folders, buckets and the root.

A file entry carries what fsspec needs (``name``, ``size``, ``type``) and what B2 knows: ``sha1`` (the
content SHA-1, or ``large_file_sha1`` for a large file that recorded one), ``file_id`` and ``version_id``
(the same B2 file id), ``modified``/``created`` (the upload time, as an aware datetime), ``mtime`` (seconds),
``content_type``, ``file_info`` and ``action``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from b2kit import Bucket, FileVersion
from b2kit.constants import LARGE_FILE_SHA1_INFO_KEY

_SHA1_HEX_LENGTH: Final = 40

Entry = dict[str, Any]


def sha1_of(version: FileVersion) -> str | None:
    """The whole-content SHA-1 (hex) of a version, when B2 knows one."""
    candidates = (version.content_sha1, version.file_info.get(LARGE_FILE_SHA1_INFO_KEY))
    for value in candidates:
        if value and len(value) == _SHA1_HEX_LENGTH and value != "none":
            return value.lower()
    return None


def file_entry(name: str, version: FileVersion) -> Entry:
    """The entry of one file version, called ``name`` (``bucket/key``, maybe with ``?versionId=``)."""
    uploaded = datetime.fromtimestamp(version.upload_timestamp / 1000, tz=UTC)
    return {
        "name": name,
        "size": version.size,
        "type": "file",
        "sha1": sha1_of(version),
        "file_id": version.id_,
        "version_id": version.id_,
        "modified": uploaded,
        "created": uploaded,
        "mtime": version.upload_timestamp / 1000,
        "upload_timestamp": version.upload_timestamp,
        "content_type": version.content_type,
        "file_info": dict(version.file_info),
        "action": version.action,
    }


def folder_entry(name: str) -> Entry:
    """An emulated folder (a name prefix ending in ``/``), called ``name`` without the slash."""
    return {"name": name, "size": 0, "type": "directory"}


def bucket_entry(bucket: Bucket) -> Entry:
    """A bucket: a directory at the top level."""
    return {
        "name": bucket.name,
        "size": 0,
        "type": "directory",
        "bucket_id": bucket.id_,
        "bucket_type": bucket.type_,
    }


ROOT_ENTRY: Final[Entry] = {"name": "", "size": 0, "type": "directory"}
