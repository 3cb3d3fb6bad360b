"""AsyncBucket: the asyncio twin of :class:`~b2kit._api._bucket.Bucket`, method for method.

Listing methods are async iterators (``async for file_version, folder in bucket.ls(...)``); everything that
does I/O is awaited; ``get_id``, ``as_dict``, ``get_download_url`` stay plain. Uploads accept what the sync
``Bucket.upload`` accepts and also an async iterable of bytes (a request body, a generator), sent as parts
when it outgrows one part.

State, requests, argument spellings, answers and listing decisions are the sync bucket's own
(:mod:`b2kit._api._bucket_core`, :mod:`b2kit._api._ls`); this class keeps the signatures and awaits the I/O.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, BinaryIO, Final, Unpack

from b2kit._api import _bucket_core as core
from b2kit._api._b2sdk_spellings import (
    CopyKeywords,
    HeaderKeywords,
    UnboundStreamSettings,
    UploadKeywords,
    emerge_request,
)
from b2kit._api._listing_filters import FilterLike
from b2kit._api._ls import LIST_FILE_NAMES_MAX, LsQuery
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
from b2kit._transfer._emerge_request import EmergeRequest
from b2kit._transfer._progress import AbstractProgressListener
from b2kit._transfer._upload import UploadOptions
from b2kit._transfer._upload_source import UploadSource, UploadSourceBytes, UploadSourceLocalFile
from b2kit._transfer._write_intents import OutboundSource, WriteIntent
from b2kit.aio import _emerge as emerge
from b2kit.aio._download import AsyncDownloadedFile, save_to_destination
from b2kit.aio._drive import ask, walk
from b2kit.aio._owner import AsyncBucketOwner

_STREAM_READ: Final = 1024 * 1024


class AsyncBucket(core.BucketCore[AsyncBucketOwner]):
    """One bucket of the account: its settings and the files in it."""

    _kind = "AsyncBucket"

    async def _name(self) -> str:
        if self.name is None:
            self.name = (await self.api.get_bucket_by_id(self.id_)).name
        return self._named()

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
        settings = (bucket_type, bucket_info, cors_rules, lifecycle_rules, if_revision_is)
        locks = (default_server_side_encryption, default_retention, is_file_lock_enabled)
        return await ask(self.api.session, self._update(*settings, *locks))

    async def set_type(self, bucket_type: str) -> AsyncBucket:
        """Make the bucket ``allPublic`` or ``allPrivate``."""
        return await self.update(bucket_type=bucket_type)

    async def set_info(
        self, new_bucket_info: Mapping[str, str], if_revision_is: int | None = None
    ) -> AsyncBucket:
        """Replace the bucket info map."""
        return await self.update(bucket_info=new_bucket_info, if_revision_is=if_revision_is)

    async def get_notification_rules(self) -> list[dict[str, Any]]:
        return await ask(self.api.session, self._get_notification_rules())

    async def set_notification_rules(self, rules: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return await ask(self.api.session, self._set_notification_rules(rules))

    # --- listing -------------------------------------------------------------------------------------------

    async def list_file_names(
        self, start_filename: str | None = None, max_entries: int | None = None, prefix: str | None = None
    ) -> AsyncIterator[FileVersion]:
        """Current versions of files (names in order), from ``start_filename``, at most ``max_entries``."""
        async for version in walk(self.api.session, self._file_names(start_filename, max_entries, prefix)):
            yield version

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
        start = (start_filename, start_file_id, max_entries, prefix)
        async for version in walk(self.api.session, self._file_versions(*start, file_name, fetch_count)):
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
        listed = (folder_to_list, show_versions, recursive, fetch_count, path, latest_only, with_wildcard)
        query = LsQuery(*listed, filters, folder_to_list_can_be_a_file)
        async for entry in walk(self.api.session, self._ls(query)):
            yield entry

    async def list_unfinished_large_files(
        self, start_file_id: str | None = None, batch_size: int | None = None, prefix: str | None = None
    ) -> AsyncIterator[UnfinishedLargeFile]:
        """Large files started and neither finished nor cancelled, oldest first."""
        listing = self._unfinished_large_files(start_file_id, batch_size, prefix)
        async for unfinished in walk(self.api.session, listing):
            yield unfinished

    def list_parts(
        self, file_id: str, start_part_number: int | None = None, batch_size: int | None = None
    ) -> AsyncIterator[Part]:
        """The uploaded parts of one of this bucket's unfinished large files."""
        return self.api.list_parts(file_id, start_part_number, batch_size)

    # --- file info -----------------------------------------------------------------------------------------

    async def get_file_info_by_id(self, file_id: str) -> FileVersion:
        """The version with this id."""
        return await ask(self.api.session, self._file_info_by_id(file_id))

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
        opts = core.upload_options_of(options, content_type, file_info, b2sdk_keywords, "upload")
        manager = self.api.upload_manager
        async with self.api.transfer_slots:
            if isinstance(upload_source, UploadSource):
                return await manager.upload_version(
                    self.id_, file_name, upload_source, opts, progress_listener
                )
            stream = upload_source if isinstance(upload_source, AsyncIterable) else self._read(upload_source)
            return await manager.upload_stream_version(self.id_, file_name, stream, opts, progress_listener)

    async def _read(
        self, stream: BinaryIO | IO[bytes], read_size: int = _STREAM_READ
    ) -> AsyncIterator[bytes]:
        """A blocking binary stream read in the executor, ``read_size`` bytes asked for at a time."""
        loop = asyncio.get_running_loop()
        while chunk := await loop.run_in_executor(self.api.get_thread_pool(), stream.read, read_size):
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
        opts = core.upload_options_of(options, content_type, file_info, b2sdk_keywords, "upload_bytes")
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
        opts = core.upload_options_of(options, content_type, file_info, b2sdk_keywords, "upload_local_file")
        return await self.upload(
            source, file_name, progress_listener, options=core.with_local_mtime(opts, source)
        )

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
        read_size: int | None = None,
        unused_buffer_timeout_seconds: float = 3600.0,
        custom_upload_timestamp: int | None = None,
        *,
        options: UploadOptions | None = None,
        **header_keywords: Unpack[HeaderKeywords],
    ) -> FileVersion:
        """Upload a readable, non-seekable stream (or an async iterable of bytes) of unknown length; b2sdk
        2.x's call: at most ``buffers_count`` part buffers, a small file if it ends within one part. Each read
        of a stream asks for ``read_size`` bytes (default 1 MiB); ``unused_buffer_timeout_seconds`` has no
        effect (see :class:`~b2kit._api._b2sdk_spellings.UnboundStreamSettings`)."""
        sizes = (buffers_count, buffer_size, recommended_upload_part_size, min_part_size, max_part_size)
        settings = UnboundStreamSettings(*sizes, read_size, unused_buffer_timeout_seconds)
        locks = (encryption, file_retention, legal_hold, large_file_sha1, custom_upload_timestamp)
        given = core.stream_keywords(*locks, header_keywords)
        base = core.upload_options_of(options, content_type, file_info, given, "upload_unbound_stream")
        stream = (
            read_only_object
            if isinstance(read_only_object, AsyncIterable)
            else self._read(read_only_object, settings.read_size or _STREAM_READ)
        )
        async with self.api.transfer_slots:
            return await self.api.upload_manager.upload_stream_version(
                self.id_,
                file_name,
                stream,
                settings.options(base),
                progress_listener,
                settings.parts_in_flight,
            )

    # --- files made of pieces (b2sdk 2.x's create_file / concatenate) ------------------------------------

    async def create_file(
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
        return await self._emerge(file_name, request, progress_listener)

    async def create_file_stream(
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
        return await self._emerge(file_name, request, progress_listener)

    async def concatenate(
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
        return await self._emerge(file_name, request, progress_listener)

    async def concatenate_stream(
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
        return await self._emerge(file_name, request, progress_listener)

    async def _emerge(
        self, file_name: str, request: EmergeRequest, listener: AbstractProgressListener | None
    ) -> FileVersion:
        api = self.api
        async with api.transfer_slots:
            return await emerge.create_file(
                api.session,
                api.get_thread_pool(),
                api.max_upload_workers,
                (self.id_, file_name),
                request,
                listener,
            )

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
        dest, listener = core.dest_and_listener(download_dest, progress_listener)
        name = await self._name()
        downloaded = await self.api.download_manager.download_file_by_name(
            name, file_name, listener, range_, encryption
        )
        return downloaded if dest is None else await save_to_destination(downloaded, dest)

    async def download_file_by_id(
        self,
        file_id: str,
        progress_listener: AbstractProgressListener | None = None,
        range_: tuple[int, int] | None = None,
        *,
        encryption: EncryptionSetting | None = None,
    ) -> AsyncDownloadedFile:
        """Download a version of a file in this bucket by id (unread body; ``async with`` it)."""
        manager = self.api.download_manager
        return await manager.download_file_by_id(file_id, progress_listener, range_, encryption)

    def get_download_url(self, filename: str) -> str:
        """The URL that downloads the current version of ``filename`` (the bucket's name must be known)."""
        if self.name is None:
            raise ValueError(f"bucket {self.id_} has no name yet: get it with api.get_bucket_by_id")
        return self.api.get_download_url_for_file_name(self.name, filename)

    async def get_download_authorization(self, file_name_prefix: str, valid_duration_in_seconds: int) -> str:
        """A token that lets anyone download files starting with ``file_name_prefix`` for a while."""
        exchange = self._download_authorization(file_name_prefix, valid_duration_in_seconds)
        return await ask(self.api.session, exchange)

    # --- changes to files ----------------------------------------------------------------------------------

    async def hide_file(self, file_name: str) -> FileVersion:
        """Add a hide marker so ``file_name`` disappears from name listings and downloads by name."""
        return await ask(self.api.session, self._hide_file(file_name))

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
        exchange = self._update_file_retention(file_id, file_name, file_retention, bypass_governance)
        return await ask(self.api.session, exchange)

    async def update_file_legal_hold(
        self, file_id: str, file_name: str, legal_hold: LegalHold
    ) -> LegalHold | None:
        return await ask(self.api.session, self._update_file_legal_hold(file_id, file_name, legal_hold))

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
        b2sdk 2.x's copy keywords accepted too, ``source_file_info`` / ``source_content_type`` among them)."""
        arguments = core.CopyArguments(content_type, file_info, offset, length)
        opts = self._copy_options(options, arguments, b2sdk_keywords)
        return await self.api.copy_manager.copy_version(file_id, new_file_name, opts, progress_listener)
