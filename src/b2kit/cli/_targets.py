"""Turning parsed B2 URIs into SDK objects: buckets, file versions, file ids."""

from __future__ import annotations

from collections.abc import Iterator

from b2kit import B2Api, Bucket, DownloadVersion, FileVersion
from b2kit.cli._uris import B2FileId, B2Path, B2Uri


def bucket_of(api: B2Api, path: B2Path) -> Bucket:
    """The bucket a ``b2://`` URI names (NonExistentBucket when there is none)."""
    return api.get_bucket_by_name(path.bucket)


def file_info(api: B2Api, uri: B2Uri) -> FileVersion | DownloadVersion:
    """Metadata of the file a URI names: by id, or the newest visible version by name."""
    if isinstance(uri, B2FileId):
        return FileVersion.from_api_response(api.get_file_info(uri.file_id))
    return bucket_of(api, uri).get_file_info_by_name(uri.name)


def versions_of(bucket: Bucket, file_name: str) -> Iterator[FileVersion]:
    """Every version of exactly ``file_name`` (hide markers too), newest first."""
    for version in bucket.list_file_versions(start_filename=file_name, prefix=file_name):
        if version.file_name != file_name:
            return
        yield version
