"""Bucket: file operations inside one bucket, and the bucket's own settings.

A Bucket is a thin handle: listing and metadata calls go to the session; uploads, downloads and copies go to
the transfer managers of its :class:`B2Api` (which own threads, part planning and checks).
Upload and copy settings travel as one options object (:class:`UploadOptions`,
:class:`CopyOptions`); the few most common ones are also plain arguments, as in b2sdk.

Everything but the I/O (state, requests, argument spellings, answers, listing decisions such as
:meth:`Bucket.ls`'s folder skipping) lives in :mod:`b2kit._api._bucket_core` and :mod:`b2kit._api._ls`,
shared with the asyncio twin ``AsyncBucket``; this class keeps the public signatures and runs the requests.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, BinaryIO, Unpack, cast, overload

from b2kit._api import _bucket_core as core
from b2kit._api._b2sdk_spellings import (
    CopyKeywords,
    HeaderKeywords,
    UnboundStreamSettings,
    UploadKeywords,
    emerge_request,
)
from b2kit._api._drive import ask, walk
from b2kit._api._listing_filters import FilterLike
from b2kit._api._ls import LIST_FILE_NAMES_MAX, LsQuery
from b2kit._api._owner import BucketOwner
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
from b2kit._transfer import _emerge as emerge
from b2kit._transfer._copy import CopyOptions
from b2kit._transfer._download import DownloadedFile
from b2kit._transfer._download_dest import AbstractDownloadDestination, download_to_destination
from b2kit._transfer._emerge_request import EmergeRequest
from b2kit._transfer._progress import AbstractProgressListener
from b2kit._transfer._upload import UploadOptions
from b2kit._transfer._upload_source import UploadSource, UploadSourceBytes, UploadSourceLocalFile
from b2kit._transfer._write_intents import OutboundSource, WriteIntent


class Bucket(core.BucketCore[BucketOwner]):
    """One bucket of the account: its settings and the files in it."""

    _kind = "Bucket"

    def _name(self) -> str:
        if self.name is None:
            self.name = self.api.get_bucket_by_id(self.id_).name
        return self._named()

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
        settings = (bucket_type, bucket_info, cors_rules, lifecycle_rules, if_revision_is)
        locks = (default_server_side_encryption, default_retention, is_file_lock_enabled)
        return ask(self.api.session, self._update(*settings, *locks))

    def set_type(self, bucket_type: str) -> Bucket:
        """Make the bucket ``allPublic`` or ``allPrivate``."""
        return self.update(bucket_type=bucket_type)

    def set_info(self, new_bucket_info: Mapping[str, str], if_revision_is: int | None = None) -> Bucket:
        """Replace the bucket info map."""
        return self.update(bucket_info=new_bucket_info, if_revision_is=if_revision_is)

    def get_notification_rules(self) -> list[dict[str, Any]]:
        return ask(self.api.session, self._get_notification_rules())

    def set_notification_rules(self, rules: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return ask(self.api.session, self._set_notification_rules(rules))

    # --- listing -------------------------------------------------------------------------------------------

    def list_file_names(
        self, start_filename: str | None = None, max_entries: int | None = None, prefix: str | None = None
    ) -> Iterator[FileVersion]:
        """Current versions of files (names in order), from ``start_filename``, at most ``max_entries``."""
        return walk(self.api.session, self._file_names(start_filename, max_entries, prefix))

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
        start = (start_filename, start_file_id, max_entries, prefix)
        return walk(self.api.session, self._file_versions(*start, file_name, fetch_count))

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
        listed = (folder_to_list, show_versions, recursive, fetch_count, path, latest_only, with_wildcard)
        query = LsQuery(*listed, filters, folder_to_list_can_be_a_file)
        yield from walk(self.api.session, self._ls(query))

    def list_unfinished_large_files(
        self, start_file_id: str | None = None, batch_size: int | None = None, prefix: str | None = None
    ) -> Iterator[UnfinishedLargeFile]:
        """Large files started and neither finished nor cancelled, oldest first."""
        return walk(self.api.session, self._unfinished_large_files(start_file_id, batch_size, prefix))

    def list_parts(
        self, file_id: str, start_part_number: int | None = None, batch_size: int | None = None
    ) -> Iterator[Part]:
        """The uploaded parts of one of this bucket's unfinished large files."""
        return self.api.list_parts(file_id, start_part_number, batch_size)

    # --- file info -----------------------------------------------------------------------------------------

    def get_file_info_by_id(self, file_id: str) -> FileVersion:
        """The version with this id."""
        return ask(self.api.session, self._file_info_by_id(file_id))

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
        opts = core.upload_options_of(options, content_type, file_info, b2sdk_keywords, "upload")
        manager = self.api.upload_manager
        if isinstance(upload_source, UploadSource):
            return manager.upload_version(self.id_, file_name, upload_source, opts, progress_listener)
        stream: Any = upload_source
        return manager.upload_unbound_stream_version(self.id_, file_name, stream, opts, progress_listener)

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
        opts = core.upload_options_of(options, content_type, file_info, b2sdk_keywords, "upload_bytes")
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
        opts = core.upload_options_of(options, content_type, file_info, b2sdk_keywords, "upload_local_file")
        return self.upload(source, file_name, progress_listener, options=core.with_local_mtime(opts, source))

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
        read_size: int | None = None,
        unused_buffer_timeout_seconds: float = 3600.0,
        custom_upload_timestamp: int | None = None,
        *,
        options: UploadOptions | None = None,
        **header_keywords: Unpack[HeaderKeywords],
    ) -> FileVersion:
        """Upload a readable, non-seekable stream of unknown length (stdin, a socket) as ``file_name``.

        b2sdk 2.x's call: memory stays at ``buffers_count`` part-sized buffers; a stream that ends within one
        part becomes a small file, a longer one a large file started once the second part is read. Each read
        of the stream asks for ``read_size`` bytes (default: the rest of the part buffer, one read per part
        where the stream gives that much). ``unused_buffer_timeout_seconds`` is accepted and has no effect
        (see :class:`UnboundStreamSettings`).
        """
        sizes = (buffers_count, buffer_size, recommended_upload_part_size, min_part_size, max_part_size)
        settings = UnboundStreamSettings(*sizes, read_size, unused_buffer_timeout_seconds)
        locks = (encryption, file_retention, legal_hold, large_file_sha1, custom_upload_timestamp)
        given = core.stream_keywords(*locks, header_keywords)
        base = core.upload_options_of(options, content_type, file_info, given, "upload_unbound_stream")
        stream = cast(BinaryIO, read_only_object)
        return self.api.upload_manager.upload_unbound_stream_version(
            self.id_,
            file_name,
            stream,
            settings.options(base),
            progress_listener,
            settings.parts_in_flight,
            settings.read_size,
        )

    # --- files made of pieces (b2sdk 2.x's create_file / concatenate) ------------------------------------

    def create_file(
        self,
        write_intents: Iterable[WriteIntent],
        file_name: str,
        content_type: str | None = None,
        file_info: Mapping[str, str] | None = None,
        progress_listener: AbstractProgressListener | None = None,
        recommended_upload_part_size: int | None = None,
        continue_large_file_id: str | None = None,
        encryption: EncryptionSetting | None = None,
        file_retention: FileRetentionSetting | None = None,
        legal_hold: LegalHold | None = None,
        min_part_size: int | None = None,
        max_part_size: int | None = None,
        large_file_sha1: str | None = None,
        custom_upload_timestamp: int | None = None,
        *,
        options: UploadOptions | None = None,
        **header_keywords: Unpack[HeaderKeywords],
    ) -> FileVersion:
        """Make ``file_name`` from write intents: ranges of B2 files (copied server-side when big enough to be
        parts, else downloaded and uploaded) and local sources at offsets of the new file (b2sdk 2.x's call).

        Intents may overlap where they hold the same bytes (a copy is preferred there); a hole is a
        ValueError. A lone whole-file B2 source keeps its metadata unless new metadata is given.
        ``continue_large_file_id`` keeps that unfinished large file's parts of the planned sizes."""
        given = {
            "recommended_upload_part_size": recommended_upload_part_size,
            "continue_large_file_id": continue_large_file_id,
            "encryption": encryption,
            "file_retention": file_retention,
            "legal_hold": legal_hold,
            "min_part_size": min_part_size,
            "max_part_size": max_part_size,
            "large_file_sha1": large_file_sha1,
            "custom_upload_timestamp": custom_upload_timestamp,
            **header_keywords,
        }
        request = emerge_request(write_intents, options, content_type, file_info, given, "create_file")
        return self._emerge(file_name, request, progress_listener)

    def create_file_stream(
        self,
        write_intents_iterator: Iterable[WriteIntent],
        file_name: str,
        content_type: str | None = None,
        file_info: Mapping[str, str] | None = None,
        progress_listener: AbstractProgressListener | None = None,
        recommended_upload_part_size: int | None = None,
        continue_large_file_id: str | None = None,
        encryption: EncryptionSetting | None = None,
        file_retention: FileRetentionSetting | None = None,
        legal_hold: LegalHold | None = None,
        min_part_size: int | None = None,
        max_part_size: int | None = None,
        large_file_sha1: str | None = None,
        custom_upload_timestamp: int | None = None,
        *,
        options: UploadOptions | None = None,
        **header_keywords: Unpack[HeaderKeywords],
    ) -> FileVersion:
        """As :meth:`create_file`, from an iterator of write intents (descriptions only: they are listed
        before the plan is made; the bytes still stream)."""
        given = {
            "recommended_upload_part_size": recommended_upload_part_size,
            "continue_large_file_id": continue_large_file_id,
            "encryption": encryption,
            "file_retention": file_retention,
            "legal_hold": legal_hold,
            "min_part_size": min_part_size,
            "max_part_size": max_part_size,
            "large_file_sha1": large_file_sha1,
            "custom_upload_timestamp": custom_upload_timestamp,
            **header_keywords,
        }
        request = emerge_request(
            write_intents_iterator, options, content_type, file_info, given, "create_file_stream"
        )
        return self._emerge(file_name, request, progress_listener)

    def concatenate(
        self,
        outbound_sources: Iterable[OutboundSource],
        file_name: str,
        content_type: str | None = None,
        file_info: Mapping[str, str] | None = None,
        progress_listener: AbstractProgressListener | None = None,
        recommended_upload_part_size: int | None = None,
        continue_large_file_id: str | None = None,
        encryption: EncryptionSetting | None = None,
        file_retention: FileRetentionSetting | None = None,
        legal_hold: LegalHold | None = None,
        min_part_size: int | None = None,
        max_part_size: int | None = None,
        large_file_sha1: str | None = None,
        custom_upload_timestamp: int | None = None,
        *,
        options: UploadOptions | None = None,
        **header_keywords: Unpack[HeaderKeywords],
    ) -> FileVersion:
        """Make ``file_name`` from B2 ranges (:class:`CopySource`) and local sources, one after another
        (b2sdk 2.x's call; see :meth:`create_file`)."""
        given = {
            "recommended_upload_part_size": recommended_upload_part_size,
            "continue_large_file_id": continue_large_file_id,
            "encryption": encryption,
            "file_retention": file_retention,
            "legal_hold": legal_hold,
            "min_part_size": min_part_size,
            "max_part_size": max_part_size,
            "large_file_sha1": large_file_sha1,
            "custom_upload_timestamp": custom_upload_timestamp,
            **header_keywords,
        }
        request = emerge_request(
            WriteIntent.wrap_sources_iterator(outbound_sources),
            options,
            content_type,
            file_info,
            given,
            "concatenate",
        )
        return self._emerge(file_name, request, progress_listener)

    def concatenate_stream(
        self,
        outbound_sources_iterator: Iterable[OutboundSource],
        file_name: str,
        content_type: str | None = None,
        file_info: Mapping[str, str] | None = None,
        progress_listener: AbstractProgressListener | None = None,
        recommended_upload_part_size: int | None = None,
        continue_large_file_id: str | None = None,
        encryption: EncryptionSetting | None = None,
        file_retention: FileRetentionSetting | None = None,
        legal_hold: LegalHold | None = None,
        large_file_sha1: str | None = None,
        custom_upload_timestamp: int | None = None,
        *,
        options: UploadOptions | None = None,
        **header_keywords: Unpack[HeaderKeywords],
    ) -> FileVersion:
        """As :meth:`concatenate`, from an iterator of sources (b2sdk 2.x's call: no part-size limits)."""
        given = {
            "recommended_upload_part_size": recommended_upload_part_size,
            "continue_large_file_id": continue_large_file_id,
            "encryption": encryption,
            "file_retention": file_retention,
            "legal_hold": legal_hold,
            "large_file_sha1": large_file_sha1,
            "custom_upload_timestamp": custom_upload_timestamp,
            **header_keywords,
        }
        request = emerge_request(
            WriteIntent.wrap_sources_iterator(outbound_sources_iterator),
            options,
            content_type,
            file_info,
            given,
            "concatenate_stream",
        )
        return self._emerge(file_name, request, progress_listener)

    def _emerge(
        self, file_name: str, request: EmergeRequest, listener: AbstractProgressListener | None
    ) -> FileVersion:
        api = self.api
        where = (self.id_, file_name)
        pool = api.get_thread_pool()
        return emerge.create_file(api.session, pool, api.max_upload_workers, where, request, listener)

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
        dest, listener = core.dest_and_listener(download_dest, progress_listener)
        manager = self.api.download_manager
        downloaded = manager.download_file_by_name(self._name(), file_name, listener, range_, encryption)
        return downloaded if dest is None else download_to_destination(downloaded, dest)

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
        return ask(
            self.api.session, self._download_authorization(file_name_prefix, valid_duration_in_seconds)
        )

    # --- changes to files ----------------------------------------------------------------------------------

    def hide_file(self, file_name: str) -> FileVersion:
        """Add a hide marker so ``file_name`` disappears from name listings and downloads by name."""
        return ask(self.api.session, self._hide_file(file_name))

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
        exchange = self._update_file_retention(file_id, file_name, file_retention, bypass_governance)
        return ask(self.api.session, exchange)

    def update_file_legal_hold(self, file_id: str, file_name: str, legal_hold: LegalHold) -> LegalHold | None:
        return ask(self.api.session, self._update_file_legal_hold(file_id, file_name, legal_hold))

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
        ``source_file_info`` / ``source_content_type`` tell the source's metadata: a copy in parts keeps them
        without asking the server (no ``b2_get_file_info`` at all when ``length`` is given too).
        """
        arguments = core.CopyArguments(content_type, file_info, offset, length)
        opts = self._copy_options(options, arguments, b2sdk_keywords)
        return self.api.copy_manager.copy_version(file_id, new_file_name, opts, progress_listener)
