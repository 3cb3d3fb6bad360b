"""Bucket: file operations inside one bucket, and the bucket's own settings.

A Bucket is a thin handle: listing and metadata calls go to the session; uploads, downloads and copies go to
the transfer managers of its :class:`B2Api` (which own threads, part planning and checks).
Upload and copy settings travel as one options object (:class:`UploadOptions`,
:class:`CopyOptions`); the few most common ones are also plain arguments, as in b2sdk.

:meth:`Bucket.ls` emulates folders on B2's flat namespace the way b2sdk does: it lists with a prefix and,
when a page ends inside a sub-folder, jumps past that folder instead of paging through its contents.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import itertools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Unpack, cast, overload

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
from b2kit._transfer._download import DownloadedFile
from b2kit._transfer._download_dest import AbstractDownloadDestination, download_to_destination
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

if TYPE_CHECKING:
    from b2kit._api._b2api import B2Api
    from b2kit._session._pager import Pager

LIST_FILE_NAMES_MAX = p.MAX_LIST_FILE_COUNT
DEFAULT_UNFINISHED_BATCH = p.MAX_UNFINISHED_LIST_COUNT


def _with_metadata(
    options: UploadOptions | None, content_type: str | None, file_info: Mapping[str, str] | None
) -> UploadOptions:
    opts = options or UploadOptions()
    if content_type is not None:
        opts = dataclasses.replace(opts, content_type=content_type)
    if file_info is not None:
        opts = dataclasses.replace(opts, file_info=dict(file_info))
    return opts


def _versions(pager: Pager[ListFileNames] | Pager[ListFileVersions]) -> Iterator[FileVersion]:
    return (FileVersion.from_api_response(entry) for entry in pager.items())


def _starting_at(first: ListFileNames | ListFileVersions, file_name: str) -> ListFileNames | ListFileVersions:
    """``first`` continued from ``file_name`` (a version listing from that name's newest version)."""
    if isinstance(first, ListFileVersions):
        return dataclasses.replace(first, start_file_name=file_name, start_file_id=None)
    return dataclasses.replace(first, start_file_name=file_name)


class Bucket:
    """One bucket of the account: its settings and the files in it."""

    def __init__(
        self,
        api: B2Api,
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
    def from_api_bucket_dict(cls, api: B2Api, bucket_dict: Mapping[str, Any]) -> Bucket:
        """A Bucket from a bucket JSON object (protocol §4.5)."""
        bucket = cls(api, bucket_dict["bucketId"])
        bucket._load(bucket_dict)
        return bucket

    def _load(self, bucket_dict: Mapping[str, Any]) -> None:
        """Take the settings of a bucket JSON object."""
        self.name = bucket_dict["bucketName"]
        self.type_ = bucket_dict.get("bucketType")
        self.bucket_info = dict(bucket_dict.get("bucketInfo") or {})
        self.cors_rules = list(bucket_dict.get("corsRules") or [])
        self.lifecycle_rules = list(bucket_dict.get("lifecycleRules") or [])
        self.revision = bucket_dict.get("revision")
        self.bucket_dict = dict(bucket_dict)

    def _name(self) -> str:
        if self.name is None:
            self.name = self.api.get_bucket_by_id(self.id_).name
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
        return isinstance(other, Bucket) and other.id_ == self.id_

    def __hash__(self) -> int:
        return hash(self.id_)

    def __repr__(self) -> str:
        return f"Bucket<{self.id_},{self.name},{self.type_}>"

    # --- bucket settings -----------------------------------------------------------------------------------

    def update(
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
    ) -> Bucket:
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
        response = self.api.session.call(call)
        self._load(response)
        return Bucket.from_api_bucket_dict(self.api, response)

    def set_type(self, bucket_type: str) -> Bucket:
        """Make the bucket ``allPublic`` or ``allPrivate``."""
        return self.update(bucket_type=bucket_type)

    def set_info(self, new_bucket_info: Mapping[str, str], if_revision_is: int | None = None) -> Bucket:
        """Replace the bucket info map."""
        return self.update(bucket_info=new_bucket_info, if_revision_is=if_revision_is)

    def get_notification_rules(self) -> list[dict[str, Any]]:
        return self.api.session.call(GetBucketNotificationRules(self.id_))

    def set_notification_rules(self, rules: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return self.api.session.call(SetBucketNotificationRules(self.id_, rules))

    # --- listing -------------------------------------------------------------------------------------------

    def list_file_names(
        self, start_filename: str | None = None, max_entries: int | None = None, prefix: str | None = None
    ) -> Iterator[FileVersion]:
        """Current versions of files (names in order), from ``start_filename``, at most ``max_entries``."""
        first = ListFileNames(self.id_, start_filename, LIST_FILE_NAMES_MAX, prefix)
        return _versions(self.api.session.paged(first, max_entries))

    def list_file_versions(
        self,
        start_filename: str | None = None,
        start_file_id: str | int | None = None,
        max_entries: int | None = None,
        prefix: str | None = None,
        *,
        file_name: str | None = None,
        fetch_count: int | None = None,
    ) -> Iterator[FileVersion]:
        """Every version (uploads, hide markers, unfinished large files), names ascending, newest first.

        b2sdk 2.x's form ``list_file_versions(file_name, fetch_count)`` (``fetch_count`` an int, or either
        by keyword) yields the versions of that one name only, ``fetch_count`` per request.
        """
        one_name = one_name_listing(start_filename, start_file_id, file_name, fetch_count)
        if one_name is not None:
            return self._versions_of(*one_name)
        start_id = None if isinstance(start_file_id, int) else start_file_id
        first = ListFileVersions(self.id_, start_filename, start_id, LIST_FILE_NAMES_MAX, prefix)
        return _versions(self.api.session.paged(first, max_entries))

    def _versions_of(self, file_name: str, fetch_count: int | None = None) -> Iterator[FileVersion]:
        """The versions of exactly ``file_name``, newest first, ``fetch_count`` per request."""
        first = ListFileVersions(self.id_, file_name, None, fetch_count or LIST_FILE_NAMES_MAX, file_name)
        for version in _versions(self.api.session.paged(first)):
            if version.file_name != file_name:
                return
            yield version

    def ls(
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
    ) -> Iterator[tuple[FileVersion, str | None]]:
        """Yield ``(file_version, folder_name)`` for the files and folders directly in ``folder_to_list``.

        ``folder_name`` is None for a file; for a sub-folder it is its full name ending in ``/`` (yielded
        once, with the first file found in it). With ``recursive`` every file below is yielded and no
        folders; with ``show_versions`` every version is yielded instead of the current one. b2sdk 2.x's
        keywords work too: ``latest_only`` (the opposite of ``show_versions``), ``with_wildcard`` (``*``,
        ``?``, ``[...]`` in the path; needs ``recursive``), ``filters`` (``Filter.include/exclude``, or
        b2sdk's), and ``path`` or ``folder_to_list_can_be_a_file=True``: then a path that names a file (no
        trailing ``/``) yields that file, as the b2 CLI shows it.
        """
        target = path if path is not None else folder_to_list
        versions = show_versions if latest_only is None else not latest_only
        if with_wildcard and not recursive:
            raise ValueError("with_wildcard needs recursive=True")
        can_be_a_file = path is not None or folder_to_list_can_be_a_file
        if can_be_a_file and target and not with_wildcard and not target.endswith("/"):
            found = list(itertools.islice(self._versions_of(target, fetch_count), None if versions else 1))
            if found:
                yield from ((v, None) for v in found if versions or v.action == "upload")
                return
        matcher = NameMatcher(filters)

        def keeps(name: str) -> bool:
            return (not with_wildcard or fnmatch.fnmatchcase(name, target)) and matcher.keeps(name)

        yield from self._walk(target, versions, recursive, fetch_count, with_wildcard, keeps)

    def _walk(
        self,
        target: str,
        versions: bool,
        recursive: bool,
        fetch_count: int | None,
        with_wildcard: bool,
        keeps: Callable[[str], bool],
    ) -> Iterator[tuple[FileVersion, str | None]]:
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
        for response in pager.pages():
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
                # Skip the rest of the folder: "0" is the character right after "/".
                skip_to = max(next_name, prefix + current_dir[:-1] + "0")
                pager.restart_at(_starting_at(first, skip_to))

    def list_unfinished_large_files(
        self, start_file_id: str | None = None, batch_size: int | None = None, prefix: str | None = None
    ) -> Iterator[UnfinishedLargeFile]:
        """Large files started and neither finished nor cancelled, oldest first."""
        count = min(batch_size or DEFAULT_UNFINISHED_BATCH, DEFAULT_UNFINISHED_BATCH)
        first = ListUnfinishedLargeFiles(self.id_, start_file_id, count, prefix)
        return (UnfinishedLargeFile.from_api_response(e) for e in self.api.session.paged(first).items())

    def list_parts(
        self, file_id: str, start_part_number: int | None = None, batch_size: int | None = None
    ) -> Iterator[Part]:
        """The uploaded parts of one of this bucket's unfinished large files."""
        return self.api.list_parts(file_id, start_part_number, batch_size)

    # --- file info -----------------------------------------------------------------------------------------

    def get_file_info_by_id(self, file_id: str) -> FileVersion:
        """The version with this id."""
        return FileVersion.from_api_response(self.api.session.call(GetFileInfo(file_id)))

    def get_file_info_by_name(self, file_name: str) -> DownloadVersion:
        """The current version of ``file_name`` (from a HEAD request); FileNotPresent when there is none."""
        headers = self.api.session.get_file_info_by_name(self._name(), file_name)
        return DownloadVersion.from_response_headers(headers)

    # --- uploads -------------------------------------------------------------------------------------------

    def upload(
        self,
        upload_source: UploadSource | BinaryIO | IO[bytes],
        file_name: str,
        progress_listener: AbstractProgressListener | None = None,
        *,
        options: UploadOptions | None = None,
        content_type: str | None = None,
        file_info: Mapping[str, str] | None = None,
        **b2sdk_keywords: Unpack[UploadKeywords],
    ) -> FileVersion:
        """Upload from any source: an UploadSource (known length) or a readable binary stream (unbound).

        b2sdk 2.x's keywords (``content_type``, ``file_info``, ``sha1_sum``, ``cache_control`` ...) are
        accepted as well as ``options``.
        """
        options = upload_options(_with_metadata(options, content_type, file_info), b2sdk_keywords, "upload")
        manager = self.api.upload_manager
        if isinstance(upload_source, UploadSource):
            response = manager.upload(self.id_, file_name, upload_source, options, progress_listener)
        else:
            stream: Any = upload_source
            response = manager.upload_unbound_stream(self.id_, file_name, stream, options, progress_listener)
        return FileVersion.from_api_response(response)

    def upload_bytes(
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
        return self.upload(UploadSourceBytes(data_bytes), file_name, progress_listener, options=opts)

    def upload_local_file(
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
        """Upload a local file as ``file_name``, recording its mtime as ``src_last_modified_millis``.

        b2sdk 2.x's keywords (``sha1_sum``, ``cache_control``, ``file_retention`` ...) are accepted too.
        """
        source = UploadSourceLocalFile(Path(local_file))
        opts = upload_options(
            _with_metadata(options, content_type, file_info), b2sdk_keywords, "upload_local_file"
        )
        mtime = source.last_modified_millis
        if mtime is not None and p.SRC_LAST_MODIFIED_MILLIS not in opts.file_info:
            opts = dataclasses.replace(
                opts, file_info={**opts.file_info, p.SRC_LAST_MODIFIED_MILLIS: str(mtime)}
            )
        return self.upload(source, file_name, progress_listener, options=opts)

    def upload_unbound_stream(
        self,
        read_only_object: BinaryIO | IO[bytes],
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
        """Upload a readable, non-seekable stream of unknown length (stdin, a socket) as ``file_name``.

        b2sdk 2.x's call: memory stays at ``buffers_count`` part-sized buffers; a stream that ends within one
        part becomes a small file, a longer one a large file started once the second part is read.
        """
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
        response = self.api.upload_manager.upload_unbound_stream(
            self.id_,
            file_name,
            cast(BinaryIO, read_only_object),
            opts,
            progress_listener,
            settings.parts_in_flight,
        )
        return FileVersion.from_api_response(response)

    # --- downloads -----------------------------------------------------------------------------------------

    @overload
    def download_file_by_name(
        self,
        file_name: str,
        download_dest: AbstractProgressListener,
        progress_listener: None = None,
        range_: tuple[int, int] | None = None,
        *,
        encryption: EncryptionSetting | None = None,
    ) -> DownloadedFile: ...

    @overload
    def download_file_by_name(
        self,
        file_name: str,
        download_dest: None = None,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        *,
        encryption: EncryptionSetting | None = None,
    ) -> DownloadedFile: ...

    @overload
    def download_file_by_name(
        self,
        file_name: str,
        download_dest: AbstractDownloadDestination,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        *,
        encryption: EncryptionSetting | None = None,
    ) -> dict[str, Any]: ...

    def download_file_by_name(
        self,
        file_name: str,
        download_dest: AbstractDownloadDestination | AbstractProgressListener | None = None,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        *,
        encryption: EncryptionSetting | None = None,
    ) -> DownloadedFile | dict[str, Any]:
        """Download the current version of ``file_name`` (see :meth:`B2Api.download_file_by_id`).

        A progress listener as the second argument (b2sdk 2.x's order) is taken as ``progress_listener``.
        """
        if isinstance(download_dest, AbstractProgressListener):
            download_dest, progress_listener = None, download_dest
        downloaded = self.api.download_manager.download_file_by_name(
            self._name(), file_name, progress_listener, range_, encryption
        )
        if download_dest is None:
            return downloaded
        return download_to_destination(downloaded, download_dest)

    def download_file_by_id(
        self,
        file_id: str,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        *,
        encryption: EncryptionSetting | None = None,
    ) -> DownloadedFile:
        """Download a version of a file in this bucket by id (unread body; use ``with``)."""
        return self.api.download_manager.download_file_by_id(file_id, progress_listener, range_, encryption)

    def get_download_url(self, filename: str) -> str:
        """The URL that downloads the current version of ``filename``."""
        return self.api.get_download_url_for_file_name(self._name(), filename)

    def get_download_authorization(self, file_name_prefix: str, valid_duration_in_seconds: int) -> str:
        """A token that lets anyone download files starting with ``file_name_prefix`` for a while."""
        call = GetDownloadAuthorization(self.id_, file_name_prefix, valid_duration_in_seconds)
        response = self.api.session.call(call)
        return str(response["authorizationToken"])

    # --- changes to files ----------------------------------------------------------------------------------

    def hide_file(self, file_name: str) -> FileVersion:
        """Add a hide marker so ``file_name`` disappears from name listings and downloads by name."""
        return FileVersion.from_api_response(self.api.session.call(HideFile(self.id_, file_name)))

    def delete_file_version(
        self, file_id: str, file_name: str, bypass_governance: bool = False
    ) -> FileIdAndName:
        """Permanently delete one version of a file (``bypass_governance`` past a governance retention)."""
        return self.api.delete_file_version(file_id, file_name, bypass_governance)

    def cancel_large_file(self, file_id: str) -> FileIdAndName:
        """Cancel an unfinished large file."""
        return self.api.cancel_large_file(file_id)

    def update_file_retention(
        self,
        file_id: str,
        file_name: str,
        file_retention: FileRetentionSetting,
        bypass_governance: bool = False,
    ) -> FileRetentionSetting:
        call = UpdateFileRetention(file_id, file_name, file_retention, bypass_governance)
        response = self.api.session.call(call)
        return FileRetentionSetting.from_response(response.get("fileRetention"))

    def update_file_legal_hold(self, file_id: str, file_name: str, legal_hold: LegalHold) -> LegalHold | None:
        response = self.api.session.call(UpdateFileLegalHold(file_id, file_name, legal_hold))
        return LegalHold.from_response(response.get("legalHold"))

    def copy(
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
        """Copy a file version server-side into this bucket as ``new_file_name`` (optionally a byte range).

        Giving ``content_type`` or ``file_info`` replaces the source's metadata; otherwise it is kept.
        b2sdk 2.x's ``destination_encryption``, ``source_encryption``, ``file_retention``, ``legal_hold``,
        ``min_part_size`` / ``max_part_size`` keywords are accepted too, and its header keywords
        (``cache_control``, ``expires``, ``content_*``), which give the copy new metadata as in b2sdk.
        """
        opts = copy_options(
            options,
            b2sdk_keywords,
            destination_bucket_id=self.id_,
            content_type=content_type,
            file_info=file_info,
            offset=offset,
            length=length,
        )
        response = self.api.copy_manager.copy(file_id, new_file_name, opts, progress_listener)
        return FileVersion.from_api_response(response)
