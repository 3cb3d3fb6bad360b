"""AsyncBucket: the asyncio twin of :class:`~b2kit._api._bucket.Bucket`, method for method.

Listing methods are async iterators (``async for file_version, folder in bucket.ls(...)``); everything that
does I/O is awaited; ``get_id``, ``as_dict``, ``get_download_url`` stay plain. Uploads accept what the sync
``Bucket.upload`` accepts and also an async iterable of bytes (a request body, a generator), sent as parts
when it outgrows one part.
"""

from __future__ import annotations

import asyncio
import dataclasses
import fnmatch
import os
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Final, Unpack

from b2kit import _protocol as p
from b2kit._api._b2sdk_spellings import (
    CopyKeywords,
    HeaderKeywords,
    UnboundStreamSettings,
    UploadKeywords,
    copy_options,
    one_name_listing,
    upload_options,
)
from b2kit._api._bucket import DEFAULT_UNFINISHED_BATCH, LIST_FILE_NAMES_MAX, _starting_at, _with_metadata
from b2kit._api._listing_filters import FilterLike, NameMatcher, wildcard_prefix
from b2kit._models import (
    DownloadVersion,
    EncryptionSetting,
    FileIdAndName,
    FileRetentionSetting,
    FileVersion,
    LegalHold,
    Part,
    UnfinishedLargeFile,
)
from b2kit._transfer._copy import CopyOptions
from b2kit._transfer._download_dest import AbstractDownloadDestination
from b2kit._transfer._progress import AbstractProgressListener
from b2kit._transfer._upload import UploadOptions
from b2kit._transfer._upload_source import UploadSource, UploadSourceBytes, UploadSourceLocalFile
from b2kit._wire import (
    GetBucketNotificationRules,
    GetDownloadAuthorization,
    GetFileInfo,
    HideFile,
    ListFileNames,
    ListFileVersions,
    ListUnfinishedLargeFiles,
    SetBucketNotificationRules,
    UpdateBucket,
    UpdateFileLegalHold,
    UpdateFileRetention,
)
from b2kit.aio._download import AsyncDownloadedFile, save_to_destination

if TYPE_CHECKING:
    from b2kit.aio._api import AsyncB2Api

_STREAM_READ: Final = 1024 * 1024


class AsyncBucket:
    """One bucket of the account: its settings and the files in it."""

    def __init__(
        self,
        api: AsyncB2Api,
        id_: str,
        name: str | None = None,
        type_: str | None = None,
        bucket_info: Mapping[str, str] | None = None,
        cors_rules: Sequence[Mapping[str, Any]] | None = None,
        lifecycle_rules: Sequence[Mapping[str, Any]] | None = None,
        revision: int | None = None,
        bucket_dict: Mapping[str, Any] | None = None,
    ) -> None:
        self.api = api
        self.id_ = id_
        self.name = name
        self.type_ = type_
        self.bucket_info = dict(bucket_info or {})
        self.cors_rules = list(cors_rules or [])
        self.lifecycle_rules = list(lifecycle_rules or [])
        self.revision = revision
        self.bucket_dict = dict(bucket_dict or {})

    @classmethod
    def from_api_bucket_dict(cls, api: AsyncB2Api, bucket_dict: Mapping[str, Any]) -> AsyncBucket:
        """An AsyncBucket from a bucket JSON object (protocol §4.5)."""
        bucket = cls(api, bucket_dict["bucketId"])
        bucket._load(bucket_dict)
        return bucket

    def _load(self, bucket_dict: Mapping[str, Any]) -> None:
        self.name = bucket_dict["bucketName"]
        self.type_ = bucket_dict.get("bucketType")
        self.bucket_info = dict(bucket_dict.get("bucketInfo") or {})
        self.cors_rules = list(bucket_dict.get("corsRules") or [])
        self.lifecycle_rules = list(bucket_dict.get("lifecycleRules") or [])
        self.revision = bucket_dict.get("revision")
        self.bucket_dict = dict(bucket_dict)

    async def _name(self) -> str:
        if self.name is None:
            self.name = (await self.api.get_bucket_by_id(self.id_)).name
        if self.name is None:
            raise ValueError(f"bucket {self.id_} has no name")
        return self.name

    def get_id(self) -> str:
        return self.id_

    def as_dict(self) -> dict[str, Any]:
        """The bucket's JSON shape (what B2 returned, with our current knowledge of its settings)."""
        return {
            **self.bucket_dict,
            "accountId": self.bucket_dict.get("accountId", self.api.get_account_id()),
            "bucketId": self.id_,
            "bucketName": self.name,
            "bucketType": self.type_,
            "bucketInfo": self.bucket_info,
            "corsRules": self.cors_rules,
            "lifecycleRules": self.lifecycle_rules,
            "revision": self.revision,
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AsyncBucket) and other.id_ == self.id_

    def __hash__(self) -> int:
        return hash(self.id_)

    def __repr__(self) -> str:
        return f"AsyncBucket<{self.id_},{self.name},{self.type_}>"

    # --- bucket settings -----------------------------------------------------------------------------------

    async def update(
        self,
        bucket_type: str | None = None,
        bucket_info: Mapping[str, str] | None = None,
        cors_rules: Sequence[Mapping[str, Any]] | None = None,
        lifecycle_rules: Sequence[Mapping[str, Any]] | None = None,
        if_revision_is: int | None = None,
        *,
        default_server_side_encryption: EncryptionSetting | None = None,
        default_retention: Mapping[str, Any] | None = None,
        is_file_lock_enabled: bool | None = None,
    ) -> AsyncBucket:
        """Change the given settings (others stay); returns the updated bucket (Conflict if stale)."""
        call = UpdateBucket(
            self.api.get_account_id(),
            self.id_,
            bucket_type=bucket_type,
            bucket_info=bucket_info,
            cors_rules=cors_rules,
            lifecycle_rules=lifecycle_rules,
            if_revision_is=if_revision_is,
            default_server_side_encryption=default_server_side_encryption,
            default_retention=default_retention,
            file_lock_enabled=is_file_lock_enabled,
        )
        response = await self.api.session.call(call)
        self._load(response)
        return AsyncBucket.from_api_bucket_dict(self.api, response)

    async def set_type(self, bucket_type: str) -> AsyncBucket:
        """Make the bucket ``allPublic`` or ``allPrivate``."""
        return await self.update(bucket_type=bucket_type)

    async def set_info(
        self, new_bucket_info: Mapping[str, str], if_revision_is: int | None = None
    ) -> AsyncBucket:
        """Replace the bucket info map."""
        return await self.update(bucket_info=new_bucket_info, if_revision_is=if_revision_is)

    async def get_notification_rules(self) -> list[dict[str, Any]]:
        return await self.api.session.call(GetBucketNotificationRules(self.id_))

    async def set_notification_rules(self, rules: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return await self.api.session.call(SetBucketNotificationRules(self.id_, rules))

    # --- listing -------------------------------------------------------------------------------------------

    async def list_file_names(
        self, start_filename: str | None = None, max_entries: int | None = None, prefix: str | None = None
    ) -> AsyncIterator[FileVersion]:
        """Current versions of files (names in order), from ``start_filename``, at most ``max_entries``."""
        first = ListFileNames(self.id_, start_filename, LIST_FILE_NAMES_MAX, prefix)
        async for entry in self.api.session.paged(first, max_entries).items():
            yield FileVersion.from_api_response(entry)

    async def list_file_versions(
        self,
        start_filename: str | None = None,
        start_file_id: str | int | None = None,
        max_entries: int | None = None,
        prefix: str | None = None,
        *,
        file_name: str | None = None,
        fetch_count: int | None = None,
    ) -> AsyncIterator[FileVersion]:
        """Every version (uploads, hide markers, unfinished large files), names ascending, newest first;
        in b2sdk 2.x's form ``list_file_versions(file_name, fetch_count)`` (``fetch_count`` an int, or either
        by keyword) the versions of that one name only, ``fetch_count`` per request."""
        one_name = one_name_listing(start_filename, start_file_id, file_name, fetch_count)
        if one_name is not None:
            async for version in self._versions_of(*one_name):
                yield version
            return
        start_id = None if isinstance(start_file_id, int) else start_file_id
        first = ListFileVersions(self.id_, start_filename, start_id, LIST_FILE_NAMES_MAX, prefix)
        async for entry in self.api.session.paged(first, max_entries).items():
            yield FileVersion.from_api_response(entry)

    async def _versions_of(
        self, file_name: str, fetch_count: int | None = None
    ) -> AsyncIterator[FileVersion]:
        """The versions of exactly ``file_name``, newest first, ``fetch_count`` per request."""
        first = ListFileVersions(self.id_, file_name, None, fetch_count or LIST_FILE_NAMES_MAX, file_name)
        async for entry in self.api.session.paged(first).items():
            version = FileVersion.from_api_response(entry)
            if version.file_name != file_name:
                return
            yield version

    async def ls(
        self,
        folder_to_list: str = "",
        show_versions: bool = False,
        recursive: bool = False,
        fetch_count: int | None = LIST_FILE_NAMES_MAX,
        *,
        path: str | None = None,
        latest_only: bool | None = None,
        with_wildcard: bool = False,
        filters: Sequence[FilterLike] = (),
        folder_to_list_can_be_a_file: bool = False,
    ) -> AsyncIterator[tuple[FileVersion, str | None]]:
        """``(file_version, folder_name)`` for the files and folders directly in ``folder_to_list``: the sync
        ``Bucket.ls`` (a sub-folder yielded once, with its first file; with ``path`` or
        ``folder_to_list_can_be_a_file=True`` a path naming a file yields it; b2sdk 2.x's ``latest_only``,
        ``with_wildcard`` and ``filters`` keywords)."""
        target = path if path is not None else folder_to_list
        versions = show_versions if latest_only is None else not latest_only
        if with_wildcard and not recursive:
            raise ValueError("with_wildcard needs recursive=True")
        can_be_a_file = path is not None or folder_to_list_can_be_a_file
        if can_be_a_file and target and not with_wildcard and not target.endswith("/"):
            found = [version async for version in self._versions_of(target, fetch_count)]
            found = found if versions else found[:1]
            if found:
                for version in found:
                    if versions or version.action == "upload":
                        yield version, None
                return
        matcher = NameMatcher(filters)

        def keeps(name: str) -> bool:
            return (not with_wildcard or fnmatch.fnmatchcase(name, target)) and matcher.keeps(name)

        async for entry in self._walk(target, versions, recursive, fetch_count, with_wildcard, keeps):
            yield entry

    async def _walk(
        self,
        target: str,
        versions: bool,
        recursive: bool,
        fetch_count: int | None,
        with_wildcard: bool,
        keeps: Callable[[str], bool],
    ) -> AsyncIterator[tuple[FileVersion, str | None]]:
        """The listing under ``target`` as a folder (or under a wildcard pattern's folder part).

        Names ``keeps`` refuses are skipped before folders are formed, so a folder shows when any name in it
        passes (as in b2sdk).
        """
        prefix = wildcard_prefix(target) if with_wildcard else target
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        count = fetch_count or LIST_FILE_NAMES_MAX
        first: ListFileNames | ListFileVersions = (
            ListFileVersions(self.id_, prefix, None, count, prefix)
            if versions
            else ListFileNames(self.id_, prefix, count, prefix)
        )
        pager = self.api.session.paged(first)
        current_dir: str | None = None
        async for response in pager.pages():
            for entry in response["files"]:
                version = FileVersion.from_api_response(entry)
                if not version.file_name.startswith(prefix):
                    return
                if not keeps(version.file_name):
                    continue
                after_prefix = version.file_name[len(prefix) :]
                if recursive or "/" not in after_prefix:
                    yield version, None
                    current_dir = None
                    continue
                folder = after_prefix.split("/", 1)[0] + "/"
                if folder != current_dir:
                    current_dir = folder
                    yield version, prefix + folder
            next_name = response.get("nextFileName")
            if next_name is not None and current_dir is not None:
                # skip the rest of the folder: "0" is the character right after "/"
                skip_to = max(next_name, prefix + current_dir[:-1] + "0")
                pager.restart_at(_starting_at(first, skip_to))

    async def list_unfinished_large_files(
        self, start_file_id: str | None = None, batch_size: int | None = None, prefix: str | None = None
    ) -> AsyncIterator[UnfinishedLargeFile]:
        """Large files started and neither finished nor cancelled, oldest first."""
        count = min(batch_size or DEFAULT_UNFINISHED_BATCH, DEFAULT_UNFINISHED_BATCH)
        first = ListUnfinishedLargeFiles(self.id_, start_file_id, count, prefix)
        async for entry in self.api.session.paged(first).items():
            yield UnfinishedLargeFile.from_api_response(entry)

    def list_parts(
        self, file_id: str, start_part_number: int | None = None, batch_size: int | None = None
    ) -> AsyncIterator[Part]:
        """The uploaded parts of one of this bucket's unfinished large files."""
        return self.api.list_parts(file_id, start_part_number, batch_size)

    # --- file info -----------------------------------------------------------------------------------------

    async def get_file_info_by_id(self, file_id: str) -> FileVersion:
        """The version with this id."""
        return FileVersion.from_api_response(await self.api.session.call(GetFileInfo(file_id)))

    async def get_file_info_by_name(self, file_name: str) -> DownloadVersion:
        """The current version of ``file_name`` (from a HEAD request); FileNotPresent when there is none."""
        headers = await self.api.session.get_file_info_by_name(await self._name(), file_name)
        return DownloadVersion.from_response_headers(headers)

    # --- uploads -------------------------------------------------------------------------------------------

    async def upload(
        self,
        upload_source: UploadSource | BinaryIO | IO[bytes] | AsyncIterable[bytes],
        file_name: str,
        progress_listener: AbstractProgressListener | None = None,
        *,
        options: UploadOptions | None = None,
        content_type: str | None = None,
        file_info: Mapping[str, str] | None = None,
        **b2sdk_keywords: Unpack[UploadKeywords],
    ) -> FileVersion:
        """Upload from an UploadSource (known length), an async iterable of bytes or a readable binary stream
        (unknown length: sent as parts once it outgrows one part); b2sdk 2.x's keywords accepted too."""
        options = upload_options(_with_metadata(options, content_type, file_info), b2sdk_keywords, "upload")
        manager = self.api.upload_manager
        async with self.api.transfer_slots:
            if isinstance(upload_source, UploadSource):
                response = await manager.upload(
                    self.id_, file_name, upload_source, options, progress_listener
                )
            else:
                stream = (
                    upload_source if isinstance(upload_source, AsyncIterable) else self._read(upload_source)
                )
                response = await manager.upload_stream(
                    self.id_, file_name, stream, options, progress_listener
                )
        return FileVersion.from_api_response(response)

    async def _read(self, stream: BinaryIO | IO[bytes]) -> AsyncIterator[bytes]:
        """A blocking binary stream read in the executor, block by block."""
        loop = asyncio.get_running_loop()
        while chunk := await loop.run_in_executor(self.api.get_thread_pool(), stream.read, _STREAM_READ):
            yield chunk

    async def upload_bytes(
        self,
        data_bytes: bytes,
        file_name: str,
        content_type: str | None = None,
        file_info: Mapping[str, str] | None = None,
        progress_listener: AbstractProgressListener | None = None,
        *,
        options: UploadOptions | None = None,
        **b2sdk_keywords: Unpack[UploadKeywords],
    ) -> FileVersion:
        """Upload bytes held in memory as ``file_name`` (b2sdk 2.x's keywords accepted too)."""
        opts = upload_options(
            _with_metadata(options, content_type, file_info), b2sdk_keywords, "upload_bytes"
        )
        return await self.upload(UploadSourceBytes(data_bytes), file_name, progress_listener, options=opts)

    async def upload_local_file(
        self,
        local_file: str | os.PathLike[str],
        file_name: str,
        content_type: str | None = None,
        file_info: Mapping[str, str] | None = None,
        progress_listener: AbstractProgressListener | None = None,
        *,
        options: UploadOptions | None = None,
        **b2sdk_keywords: Unpack[UploadKeywords],
    ) -> FileVersion:
        """Upload a local file as ``file_name``, recording its mtime as ``src_last_modified_millis`` (b2sdk
        2.x's keywords accepted too)."""
        source = UploadSourceLocalFile(Path(local_file))
        opts = upload_options(
            _with_metadata(options, content_type, file_info), b2sdk_keywords, "upload_local_file"
        )
        mtime = source.last_modified_millis
        if mtime is not None and p.SRC_LAST_MODIFIED_MILLIS not in opts.file_info:
            opts = dataclasses.replace(
                opts, file_info={**opts.file_info, p.SRC_LAST_MODIFIED_MILLIS: str(mtime)}
            )
        return await self.upload(source, file_name, progress_listener, options=opts)

    async def upload_unbound_stream(
        self,
        read_only_object: BinaryIO | IO[bytes] | AsyncIterable[bytes],
        file_name: str,
        content_type: str | None = None,
        file_info: Mapping[str, str] | None = None,
        progress_listener: AbstractProgressListener | None = None,
        recommended_upload_part_size: int | None = None,
        encryption: EncryptionSetting | None = None,
        file_retention: FileRetentionSetting | None = None,
        legal_hold: LegalHold | None = None,
        min_part_size: int | None = None,
        max_part_size: int | None = None,
        large_file_sha1: str | None = None,
        buffers_count: int = 2,
        buffer_size: int | None = None,
        read_size: int = 8192,
        unused_buffer_timeout_seconds: float = 3600.0,
        custom_upload_timestamp: int | None = None,
        *,
        options: UploadOptions | None = None,
        **header_keywords: Unpack[HeaderKeywords],
    ) -> FileVersion:
        """Upload a readable, non-seekable stream (or an async iterable of bytes) of unknown length; b2sdk
        2.x's call: at most ``buffers_count`` part buffers, a small file if it ends within one part."""
        settings = UnboundStreamSettings(
            buffers_count,
            buffer_size,
            recommended_upload_part_size,
            min_part_size,
            max_part_size,
            read_size,
            unused_buffer_timeout_seconds,
        )
        given = {
            "encryption": encryption,
            "file_retention": file_retention,
            "legal_hold": legal_hold,
            "large_file_sha1": large_file_sha1,
            "custom_upload_timestamp": custom_upload_timestamp,
            **header_keywords,
        }
        base = _with_metadata(options, content_type, file_info)
        opts = settings.options(upload_options(base, given, "upload_unbound_stream"))
        stream = (
            read_only_object if isinstance(read_only_object, AsyncIterable) else self._read(read_only_object)
        )
        async with self.api.transfer_slots:
            response = await self.api.upload_manager.upload_stream(
                self.id_, file_name, stream, opts, progress_listener, settings.parts_in_flight
            )
        return FileVersion.from_api_response(response)

    # --- downloads -----------------------------------------------------------------------------------------

    async def download_file_by_name(
        self,
        file_name: str,
        download_dest: AbstractDownloadDestination | AbstractProgressListener | None = None,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        *,
        encryption: EncryptionSetting | None = None,
    ) -> AsyncDownloadedFile | dict[str, Any]:
        """Download the current version of ``file_name`` (see :meth:`AsyncB2Api.download_file_by_id`); a
        progress listener as the second argument (b2sdk 2.x's order) is taken as ``progress_listener``."""
        if isinstance(download_dest, AbstractProgressListener):
            download_dest, progress_listener = None, download_dest
        downloaded = await self.api.download_manager.download_file_by_name(
            await self._name(), file_name, progress_listener, range_, encryption
        )
        if download_dest is None:
            return downloaded
        return await save_to_destination(downloaded, download_dest)

    async def download_file_by_id(
        self,
        file_id: str,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        *,
        encryption: EncryptionSetting | None = None,
    ) -> AsyncDownloadedFile:
        """Download a version of a file in this bucket by id (unread body; ``async with`` it)."""
        return await self.api.download_manager.download_file_by_id(
            file_id, progress_listener, range_, encryption
        )

    def get_download_url(self, filename: str) -> str:
        """The URL that downloads the current version of ``filename`` (the bucket's name must be known)."""
        if self.name is None:
            raise ValueError(f"bucket {self.id_} has no name yet: get it with api.get_bucket_by_id")
        return self.api.get_download_url_for_file_name(self.name, filename)

    async def get_download_authorization(self, file_name_prefix: str, valid_duration_in_seconds: int) -> str:
        """A token that lets anyone download files starting with ``file_name_prefix`` for a while."""
        call = GetDownloadAuthorization(self.id_, file_name_prefix, valid_duration_in_seconds)
        response = await self.api.session.call(call)
        return str(response["authorizationToken"])

    # --- changes to files ----------------------------------------------------------------------------------

    async def hide_file(self, file_name: str) -> FileVersion:
        """Add a hide marker so ``file_name`` disappears from name listings and downloads by name."""
        return FileVersion.from_api_response(await self.api.session.call(HideFile(self.id_, file_name)))

    async def delete_file_version(
        self, file_id: str, file_name: str, bypass_governance: bool = False
    ) -> FileIdAndName:
        """Permanently delete one version of a file (``bypass_governance`` past a governance retention)."""
        return await self.api.delete_file_version(file_id, file_name, bypass_governance)

    async def cancel_large_file(self, file_id: str) -> FileIdAndName:
        """Cancel an unfinished large file."""
        return await self.api.cancel_large_file(file_id)

    async def update_file_retention(
        self,
        file_id: str,
        file_name: str,
        file_retention: FileRetentionSetting,
        bypass_governance: bool = False,
    ) -> FileRetentionSetting:
        call = UpdateFileRetention(file_id, file_name, file_retention, bypass_governance)
        response = await self.api.session.call(call)
        return FileRetentionSetting.from_response(response.get("fileRetention"))

    async def update_file_legal_hold(
        self, file_id: str, file_name: str, legal_hold: LegalHold
    ) -> LegalHold | None:
        response = await self.api.session.call(UpdateFileLegalHold(file_id, file_name, legal_hold))
        return LegalHold.from_response(response.get("legalHold"))

    async def copy(
        self,
        file_id: str,
        new_file_name: str,
        content_type: str | None = None,
        file_info: Mapping[str, str] | None = None,
        offset: int = 0,
        length: int | None = None,
        progress_listener: AbstractProgressListener | None = None,
        *,
        options: CopyOptions | None = None,
        **b2sdk_keywords: Unpack[CopyKeywords],
    ) -> FileVersion:
        """Copy a file version server-side into this bucket as ``new_file_name`` (optionally a byte range;
        b2sdk 2.x's copy keywords accepted too)."""
        opts = copy_options(
            options,
            b2sdk_keywords,
            destination_bucket_id=self.id_,
            content_type=content_type,
            file_info=file_info,
            offset=offset,
            length=length,
        )
        response = await self.api.copy_manager.copy(file_id, new_file_name, opts, progress_listener)
        return FileVersion.from_api_response(response)
