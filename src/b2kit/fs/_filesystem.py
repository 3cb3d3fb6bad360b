"""B2FileSystem: Backblaze B2 as an fsspec filesystem (protocol ``b2``), on the public b2kit SDK.

Buckets are the top-level directories, folders are emulated from ``/`` in file names (so a folder exists
while a file lies below it, and ``mkdir`` of anything but a bucket creates nothing). It is a synchronous
``AbstractFileSystem``: every call goes through one lazily authorized :class:`b2kit.B2Api` (its thread pool
moves the parts of large files); ``put``/``get``/``copy``/``rm`` of many files run their per-file calls on
a pool of ``max_concurrency`` threads. Whole-file ``get``/``put`` use the SDK's own transfers (parallel
ranged downloads checked by SHA-1 and renamed into place; large uploads in parallel parts).

Versions: B2 keeps every upload of a name. With ``version_aware=True``, ``bucket/key?versionId=<file id>``
names one version (info, open, cat, cp, rm), ``ls(path, versions=True)`` lists them and
:meth:`B2FileSystem.object_version_info` returns them. ``rm`` deletes every version of a name (the file is
gone), or with ``rm_mode="hide"`` hides it (its history stays).

Instances pickle their credentials (never a live B2Api), so Dask workers rebuild and authorize their own.
"""

from __future__ import annotations

import errno
import functools
import os
import threading
from dataclasses import replace
from datetime import datetime
from typing import Any, ClassVar, Final, Unpack

from fsspec.callbacks import DEFAULT_CALLBACK, Callback
from fsspec.spec import AbstractFileSystem, make_instance
from fsspec.utils import isfilelike, stringify_path

from b2kit import B2Api, DownloadedFile
from b2kit.constants import CONTENT_TYPE_AUTO
from b2kit.fs._batch import ParallelBatch
from b2kit.fs._connection import Connection
from b2kit.fs._entries import ROOT_ENTRY, Entry, bucket_entry, file_entry, folder_entry
from b2kit.fs._errors import translated
from b2kit.fs._file import B2File, FileSettings
from b2kit.fs._listing import children, entry_at, remove, tree, versions_of
from b2kit.fs._options import CREDENTIAL_OPTIONS, FileSystemOptions, StorageOptions
from b2kit.fs._paths import (
    PROTOCOL,
    VERSION_QUERY,
    B2Path,
    split_path,
    strip_protocol,
    with_version,
)
from b2kit.fs._ranges import read_range, resolve_range

DEFAULT_CACHE_BLOCKS: Final = 16


class B2FileSystem(AbstractFileSystem):  # type: ignore[misc]
    """``b2://bucket/key`` for fsspec, pandas, pyarrow, Dask, DuckDB and universal-pathlib.

    Credentials: ``application_key_id`` + ``application_key`` (``realm``: ``"production"`` or a server URL),
    else ``B2_APPLICATION_KEY_ID``/``B2_APPLICATION_KEY``/``B2_ENVIRONMENT``, else the account stored by
    ``b2kit account authorize``; or an authorized ``api``. Other options: ``version_aware``, ``rm_mode``
    (``"delete"`` every version, or ``"hide"``), ``max_concurrency`` (threads for bulk operations and the
    B2Api), ``bucket_type`` (of buckets ``mkdir`` creates), ``default_block_size`` and
    ``default_cache_type`` (reading), plus fsspec's listing-cache options.
    """

    protocol: ClassVar[str | tuple[str, ...]] = PROTOCOL
    root_marker = ""

    def __init__(self, **storage_options: Unpack[StorageOptions]) -> None:
        options = FileSystemOptions.parse(storage_options)
        super().__init__(**options.fsspec)
        self._connection = Connection(options.credentials, options.api, options.max_concurrency)
        self.version_aware = options.version_aware
        self.rm_mode = options.rm_mode
        self.max_concurrency = options.max_concurrency
        self.bucket_type = options.bucket_type
        self.default_block_size = options.reading.block_size
        self.default_cache_type = options.reading.cache_type
        self._batch = ParallelBatch(options.max_concurrency)
        self._copy_state = threading.local()

    # --- identity, credentials, serialization --------------------------------------------------------------

    @property
    def api(self) -> B2Api:
        """The authorized B2Api (authorized on first use)."""
        return self._connection.api

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._connection.describe()})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the credentials (and options), never the live B2Api: each process authorizes itself."""
        options = {k: v for k, v in self.storage_options.items() if k not in CREDENTIAL_OPTIONS}
        creds = self._connection.portable_credentials()
        if creds is not None:
            options.update(
                application_key_id=creds.application_key_id,
                application_key=creds.application_key,
                realm=creds.realm,
            )
        return make_instance, (type(self), self.storage_args, options)

    def to_dict(self, *, include_password: bool = True) -> dict[str, Any]:
        """fsspec's JSON-able description; without ``include_password`` the application key is left out."""
        if "api" in self.storage_options:
            raise TypeError("a B2FileSystem made from a live api= cannot be described as JSON")
        described: dict[str, Any] = super().to_dict(include_password=include_password)
        if not include_password:
            described.pop("application_key", None)
        return described

    # --- paths ---------------------------------------------------------------------------------------------

    @classmethod
    def _strip_protocol(cls, path: Any) -> Any:
        if isinstance(path, list):
            return [cls._strip_protocol(item) for item in path]
        return strip_protocol(stringify_path(path))

    @staticmethod
    def _get_kwargs_from_urls(path: str) -> dict[str, Any]:
        return {"version_aware": True} if VERSION_QUERY in path else {}

    def split_path(self, path: str) -> B2Path:
        """Bucket, key and version of ``path``; a version needs ``version_aware=True``."""
        parsed = split_path(path)
        if parsed.version_id is not None and not self.version_aware:
            raise ValueError(f"{path!r} names a version: use B2FileSystem(version_aware=True)")
        return parsed

    def _file_path(self, path: str) -> B2Path:
        """``path`` (protocol stripped already) parsed; IsADirectoryError when it names a bucket."""
        parsed = self.split_path(path)
        if not parsed.key:
            raise IsADirectoryError(errno.EISDIR, "a bucket is not a file", path)
        return parsed

    def _refuse_existing(self, path: str) -> None:
        """FileExistsError when ``path`` exists (exclusive creation: ``xb``, ``mode="create"``)."""
        if self.exists(path):
            raise FileExistsError(errno.EEXIST, "file exists", path)

    def invalidate_cache(self, path: str | None = None) -> None:
        if path is None:
            self.dircache.clear()
        else:
            name = split_path(path).name
            self.dircache.pop(name, None)
            while name:
                name = self._parent(name)
                self.dircache.pop(name, None)
        super().invalidate_cache(path)

    # --- listing and metadata ------------------------------------------------------------------------------

    def ls(
        self, path: str, detail: bool = True, refresh: bool = False, versions: bool = False, **kwargs: Any
    ) -> Any:
        """Entries directly in ``path`` (buckets at the root); ``versions=True`` lists every version."""
        path = self._strip_protocol(path)
        if versions and not self.version_aware:
            raise ValueError("listing versions needs B2FileSystem(version_aware=True)")
        entries = self._entries(path, refresh, versions)
        return entries if detail else [entry["name"] for entry in entries]

    def _entries(self, path: str, refresh: bool, versions: bool) -> list[Entry]:
        if not path:
            return [bucket_entry(bucket) for bucket in self._connection.buckets()]
        parsed = self.split_path(path)
        if parsed.version_id is not None:
            return [self.info(path)]
        if not refresh and not versions and path in self.dircache:
            return list(self.dircache[path])
        bucket = self._connection.bucket(parsed.bucket)
        with translated(path):
            entries = children(bucket, parsed, versions)
        if not entries and parsed.key:
            entry = self.info(path)
            if entry["type"] == "file":
                return [entry]
        if not versions:
            self.dircache[path] = entries
        return entries

    def info(self, path: str, **kwargs: Any) -> Entry:
        """The entry of a file, folder, bucket (or the root); FileNotFoundError when nothing is there."""
        path = self._strip_protocol(path)
        if not path:
            return dict(ROOT_ENTRY)
        parsed = self.split_path(path)
        if not parsed.key:
            return bucket_entry(self._connection.bucket(parsed.bucket))
        if parsed.version_id is not None:
            return self._version_entry(path, parsed)
        if path in self.dircache:
            return folder_entry(path)
        for entry in self._ls_from_cache(path) or ():
            if entry["name"] == path:
                return dict(entry)
        bucket = self._connection.bucket(parsed.bucket)
        with translated(path):
            entry = entry_at(bucket, parsed)
        if entry is not None:
            return entry
        raise FileNotFoundError(errno.ENOENT, "no such file or folder", path)

    def _version_entry(self, path: str, parsed: B2Path) -> Entry:
        bucket = self._connection.bucket(parsed.bucket)
        with translated(path):
            version = bucket.get_file_info_by_id(parsed.version_id or "")
        if version.file_name != parsed.key or version.action != "upload":
            raise FileNotFoundError(errno.ENOENT, "no such version of this file", path)
        return file_entry(path, version)

    def find(
        self,
        path: str,
        maxdepth: int | None = None,
        withdirs: bool = False,
        detail: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Every file below ``path`` from one flat listing (folders too with ``withdirs``)."""
        path = self._strip_protocol(path)
        if not path or kwargs.get("versions"):
            return super().find(path, maxdepth=maxdepth, withdirs=withdirs, detail=detail, **kwargs)
        parsed = self.split_path(path)
        found: dict[str, Entry] = {}
        if parsed.version_id is None:
            found = self._flat_listing(parsed, maxdepth, withdirs)
        if not found and parsed.key:
            try:
                entry = self.info(path)
            except FileNotFoundError:
                entry = {}
            if entry.get("type") == "file":
                found[path] = entry
        names = sorted(found)
        return {name: found[name] for name in names} if detail else names

    def _flat_listing(self, parsed: B2Path, maxdepth: int | None, withdirs: bool) -> dict[str, Entry]:
        try:
            bucket = self._connection.bucket(parsed.bucket)
        except FileNotFoundError:
            return {}
        with translated(parsed.name):
            return tree(bucket, parsed, maxdepth, withdirs)

    def du(
        self,
        path: str,
        total: bool = True,
        maxdepth: int | None = None,
        withdirs: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Bytes used below ``path`` (current versions), from one listing."""
        sizes = {
            name: int(entry["size"] or 0)
            for name, entry in self.find(path, maxdepth=maxdepth, withdirs=withdirs, detail=True).items()
        }
        return sum(sizes.values()) if total else sizes

    def object_version_info(self, path: str) -> list[Entry]:
        """Every stored version of the file ``path``, newest first (needs ``version_aware=True``)."""
        if not self.version_aware:
            raise ValueError("object_version_info needs B2FileSystem(version_aware=True)")
        parsed = self.split_path(path)
        bucket = self._connection.bucket(parsed.bucket)
        with translated(path):
            return [
                file_entry(with_version(parsed.name, version.id_), version)
                for version in versions_of(bucket, parsed.key)
                if version.action == "upload"
            ]

    def modified(self, path: str) -> datetime:
        """When the current version was uploaded."""
        stamp: datetime = self._file_info(path)["modified"]
        return stamp

    def created(self, path: str) -> datetime:
        """When the current version was uploaded (B2 has no other creation time)."""
        stamp: datetime = self._file_info(path)["created"]
        return stamp

    def checksum(self, path: str) -> int:
        """The content SHA-1 as an int (the file id's token when B2 has no whole-file SHA-1)."""
        entry = self._file_info(path)
        if entry["sha1"]:
            return int(entry["sha1"], 16)
        value: int = super().checksum(path)
        return value

    def ukey(self, path: str) -> str:
        """The content SHA-1 in hex (or the file id when B2 has no whole-file SHA-1)."""
        entry = self._file_info(path)
        return str(entry["sha1"] or entry["file_id"])

    def _file_info(self, path: str) -> Entry:
        entry = self.info(path)
        if entry["type"] != "file":
            raise IsADirectoryError(errno.EISDIR, "not a file", path)
        return entry

    # --- reading and writing -------------------------------------------------------------------------------

    def _open(
        self,
        path: str,
        mode: str = "rb",
        block_size: int | None = None,
        autocommit: bool = True,
        cache_options: dict[str, Any] | None = None,
        *,
        cache_type: str | None = None,
        version_id: str | None = None,
        **kwargs: Any,
    ) -> B2File:
        path = self._strip_protocol(path)
        if version_id is not None:
            path = with_version(split_path(path).name, version_id)
        parsed = self._file_path(path)
        kwargs.pop("size", None)  # fsspec's reopen (unpickling a file) passes it; the entry says it
        content_type = kwargs.pop("content_type", None) or CONTENT_TYPE_AUTO
        where = FileSettings(
            self._connection.bucket(parsed.bucket),
            parsed.key,
            block_size or self.default_block_size,
            autocommit,
            content_type=content_type,
            file_info=kwargs.pop("file_info", None) or {},
        )
        if mode == "rb":
            entry = self.info(path)
            if entry["type"] != "file":
                raise IsADirectoryError(errno.EISDIR, "is a folder", path)
            cache_type = cache_type or self.default_cache_type
            if cache_options is None and cache_type == "blockcache":
                cache_options = {"maxblocks": DEFAULT_CACHE_BLOCKS}
            reading = replace(where, entry=entry, cache_type=cache_type, cache_options=cache_options)
            return B2File(self, path, mode, reading, **kwargs)
        if mode not in ("wb", "xb"):
            raise NotImplementedError(f"B2 files open as 'rb', 'wb' or 'xb', not {mode!r}")
        if parsed.version_id is not None:
            raise ValueError(f"a stored version cannot be written: {path!r}")
        if mode == "xb":
            self._refuse_existing(path)
        writing = replace(where, block_size=self._write_block_size(block_size))
        return B2File(self, path, mode, writing, **kwargs)

    def _write_block_size(self, block_size: int | None) -> int:
        """Bytes buffered by a writer: one part (at least B2's minimum, by default the recommended size)."""
        info = self.api.account_info
        return max(block_size or info.get_recommended_part_size(), info.get_absolute_minimum_part_size())

    def _download(self, parsed: B2Path, range_: tuple[int, int] | None = None) -> DownloadedFile:
        if parsed.version_id is not None:
            return self.api.download_file_by_id(parsed.version_id, range_=range_)
        return self._connection.bucket(parsed.bucket).download_file_by_name(parsed.key, range_=range_)

    def cat_file(self, path: str, start: int | None = None, end: int | None = None, **kwargs: Any) -> bytes:
        """The bytes of a file, or of ``[start, end)`` (negative values count from the end)."""
        path = self._strip_protocol(path)
        parsed = self._file_path(path)
        first, end = resolve_range(start, end, lambda: int(self._file_info(path)["size"]))
        try:
            with translated(path):
                return read_range(functools.partial(self._download, parsed), first, end)
        except FileNotFoundError:
            if self.isdir(path):
                raise IsADirectoryError(errno.EISDIR, "is a folder", path) from None
            raise

    def cat(self, path: Any, recursive: bool = False, on_error: str = "raise", **kwargs: Any) -> Any:
        """Contents of one or more files; with ``recursive`` the files below folders (folders skipped)."""
        if not recursive:
            return super().cat(path, on_error=on_error, **kwargs)
        found: dict[str, Any] = {}
        for name in self.expand_path(path, recursive=True):
            try:
                found[name] = self.cat_file(name, **kwargs)
            except IsADirectoryError:
                continue
            except Exception as exc:
                if on_error == "raise":
                    raise
                if on_error == "return":
                    found[name] = exc
        return found

    def pipe_file(self, path: str, value: bytes, mode: str = "overwrite", **kwargs: Any) -> None:
        """Store ``value`` as the file ``path`` (one upload; a large file in parts when big)."""
        path = self._strip_protocol(path)
        parsed = self._file_path(path)
        if mode == "create":
            self._refuse_existing(path)
        bucket = self._connection.bucket(parsed.bucket)
        with translated(path):
            bucket.upload_bytes(bytes(value), parsed.key, kwargs.get("content_type"), kwargs.get("file_info"))
        self.invalidate_cache(path)

    # --- transfers with local files ------------------------------------------------------------------------

    def put(self, lpath: Any, rpath: Any, recursive: bool = False, **kwargs: Any) -> None:
        """Upload files (recursive, globs as fsspec); the files go up in parallel."""
        with self._batch.running():
            super().put(lpath, rpath, recursive=recursive, **kwargs)

    def put_file(
        self,
        lpath: str,
        rpath: str,
        callback: Callback = DEFAULT_CALLBACK,
        mode: str = "overwrite",
        **kwargs: Any,
    ) -> None:
        """Upload one local file with the SDK (large files in parallel parts)."""
        if os.path.isdir(lpath):
            return
        rpath = self._strip_protocol(rpath)
        parsed = self._file_path(rpath)
        self._batch.submit(self._put_one, os.fspath(lpath), rpath, parsed, mode)

    def _put_one(self, lpath: str, rpath: str, parsed: B2Path, mode: str) -> None:
        if mode == "create":
            self._refuse_existing(rpath)
        bucket = self._connection.bucket(parsed.bucket)
        with translated(rpath):
            bucket.upload_local_file(lpath, parsed.key)
        self.invalidate_cache(rpath)

    def get(self, rpath: Any, lpath: Any, recursive: bool = False, **kwargs: Any) -> None:
        """Download files (recursive, globs as fsspec); the files come down in parallel."""
        with self._batch.running():
            super().get(rpath, lpath, recursive=recursive, **kwargs)

    def get_file(
        self,
        rpath: str,
        lpath: Any,
        callback: Callback = DEFAULT_CALLBACK,
        outfile: Any = None,
        **kwargs: Any,
    ) -> None:
        """Download one file: into ``outfile``, or to ``lpath`` through a temp file renamed when checked."""
        rpath = self._strip_protocol(rpath)
        parsed = self.split_path(rpath)
        if outfile is None and isfilelike(lpath):
            outfile = lpath
        if outfile is not None:
            self._stream_into(rpath, parsed, outfile)
            return
        self._batch.submit(self._get_one, rpath, parsed, os.fspath(lpath))

    def _stream_into(self, rpath: str, parsed: B2Path, outfile: Any) -> None:
        with translated(rpath), self._download(parsed) as downloaded:
            for chunk in downloaded.iter_content():
                outfile.write(chunk)

    def _get_one(self, rpath: str, parsed: B2Path, lpath: str) -> None:
        if not parsed.key:
            os.makedirs(lpath, exist_ok=True)
            return
        try:
            with translated(rpath), self._download(parsed) as downloaded:
                os.makedirs(os.path.dirname(lpath) or ".", exist_ok=True)
                downloaded.save_to(lpath)
        except FileNotFoundError:
            if not self.isdir(rpath):
                raise
            os.makedirs(lpath, exist_ok=True)

    # --- copies, moves, removal ----------------------------------------------------------------------------

    def copy(
        self, path1: Any, path2: Any, recursive: bool = False, on_error: str | None = None, **kwargs: Any
    ) -> None:
        """Server-side copies (globs, recursive as fsspec), run in parallel.

        As in fsspec, a source that vanished meanwhile is skipped when ``on_error="ignore"`` (the default
        of recursive copies) and raises FileNotFoundError otherwise.
        """
        ignore = on_error == "ignore" or (on_error is None and recursive)
        self._copy_state.ignore_missing = ignore
        try:
            with self._batch.running():
                super().copy(path1, path2, recursive=recursive, on_error="raise", **kwargs)
        finally:
            self._copy_state.ignore_missing = False

    def cp_file(self, path1: str, path2: str, **kwargs: Any) -> None:
        """Copy one file server-side (no byte through the client; large sources as copy parts)."""
        path1, path2 = self._strip_protocol(path1), self._strip_protocol(path2)
        target = self._file_path(path2)
        ignore_missing = getattr(self._copy_state, "ignore_missing", False)
        self._batch.submit(self._cp_one, path1, path2, target, ignore_missing)

    def _cp_one(self, path1: str, path2: str, target: B2Path, ignore_missing: bool) -> None:
        try:
            entry = self.info(path1)
            if entry["type"] != "file":
                return
            bucket = self._connection.bucket(target.bucket)
            with translated(path1):
                bucket.copy(entry["file_id"], target.key)
        except FileNotFoundError:
            if not ignore_missing:
                raise
            return
        self.invalidate_cache(path2)

    def rm(self, path: Any, recursive: bool = False, maxdepth: int | None = None, **kwargs: Any) -> None:
        """Remove files (every version, or hide them with ``rm_mode="hide"``); ``recursive`` for folders.

        ``rm("bucket", recursive=True)`` removes the bucket too, as s3fs and gcsfs do.
        """
        mode = kwargs.get("rm_mode", self.rm_mode)
        given = [path] if isinstance(path, str) else list(path)
        versions = [self._strip_protocol(name) for name in given if VERSION_QUERY in name]
        others = [name for name in given if VERSION_QUERY not in name]
        names = versions + (
            self.expand_path(others, recursive=recursive, maxdepth=maxdepth) if others else []
        )
        buckets = []
        with self._batch.running():
            for name in reversed(names):
                parsed = self.split_path(name)
                if not parsed.key:
                    buckets.append(parsed.bucket)
                    continue
                self._batch.submit(self._rm_one, name, parsed, mode, not recursive)
        if recursive:
            for bucket in buckets:
                self.rmdir(bucket)

    def rm_file(self, path: str) -> None:
        """Remove one file: every version of it (or hide it, with ``rm_mode="hide"``)."""
        path = self._strip_protocol(path)
        self._rm_one(path, self.split_path(path), self.rm_mode, True)

    def _rm(self, path: str) -> None:
        self.rm_file(path)

    def _rm_one(self, name: str, parsed: B2Path, mode: str, strict: bool) -> None:
        bucket = self._connection.bucket(parsed.bucket)
        with translated(name):
            removed = remove(bucket, parsed, mode)
        self.invalidate_cache(parsed.name)
        if not removed and strict and not self.isdir(name):
            raise FileNotFoundError(errno.ENOENT, "no such file", name)

    # --- buckets and folders -------------------------------------------------------------------------------

    def mkdir(self, path: str, create_parents: bool = True, **kwargs: Any) -> None:
        """Create a bucket (``bucket_type`` option); a folder needs no creating, only its bucket."""
        parsed = self.split_path(self._strip_protocol(path))
        if not parsed.bucket:
            raise ValueError("mkdir needs a bucket name")
        if not parsed.key:
            self._create_bucket(parsed.bucket, kwargs.get("bucket_type"))
        elif not self._connection.has_bucket(parsed.bucket):
            if not create_parents:
                raise FileNotFoundError(errno.ENOENT, "no such bucket", parsed.bucket)
            self._create_bucket(parsed.bucket, kwargs.get("bucket_type"))

    def makedirs(self, path: str, exist_ok: bool = False) -> None:
        """Create the bucket of ``path`` if missing (an existing bucket: FileExistsError unless exist_ok)."""
        parsed = self.split_path(self._strip_protocol(path))
        if not parsed.bucket:
            raise ValueError("makedirs needs a bucket name")
        if self._connection.has_bucket(parsed.bucket):
            if not parsed.key and not exist_ok:
                raise FileExistsError(errno.EEXIST, "bucket exists", parsed.bucket)
            return
        self._create_bucket(parsed.bucket, None)

    def _create_bucket(self, name: str, bucket_type: str | None) -> None:
        self._connection.create_bucket(name, bucket_type or self.bucket_type)
        self.invalidate_cache(name)

    def rmdir(self, path: str) -> None:
        """Delete an empty bucket (OSError ENOTEMPTY otherwise); folders vanish with their last file."""
        path = self._strip_protocol(path)
        parsed = self.split_path(path)
        if parsed.key:
            if self._connection.has_bucket(parsed.bucket) and self.find(path):
                raise OSError(errno.ENOTEMPTY, "folder not empty", path)
            return
        self._connection.delete_bucket(parsed.bucket)
        self.invalidate_cache(path)
