"""What a request is about, for the request log: the bucket name and file name, from whatever it carried.

Requests name things in different ways: ``bucketName``/``fileName`` parameters, a bucket id in an upload URL,
a file id (``fileId``, ``sourceFileId``, a part-upload URL), the ``X-Bz-File-Name`` header, or the
``/file/<bucket>/<name>`` path. Ids are looked up in the state layer (bucket names are cached: a bucket id
never changes its name); an id that names nothing is shown as it is.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Generic, TypeVar

from b2kit import _protocol as p
from b2kit.server._http._exchange import Request
from b2kit.server._state import State

_BY_PATH_ID = {"b2_upload_file": "bucketId", "b2_upload_part": "fileId"}
_FILE_ID_PARAMS = ("fileId", "sourceFileId")
_CACHE_SIZE = 10_000
T = TypeVar("T")


@dataclass(frozen=True)
class Subject:
    bucket_name: str | None = None
    file_name: str | None = None


class SubjectResolver:
    """Turns a request into its ``Subject``; one per server. A file id always names the same file and a
    bucket id the same bucket, so what was looked up once is kept (a bounded cache)."""

    def __init__(self, state: State) -> None:
        self._state = state
        self._bucket_names: _Cache[str] = _Cache()
        self._files: _Cache[tuple[str, str]] = _Cache()

    def subject(self, request: Request, namespace_is_file: bool = False) -> Subject:
        if namespace_is_file and len(request.path_args) == 2:
            return Subject(request.path_args[0], _decoded(request.path_args[1]))
        ids = _ids(request)
        bucket_name = _text(request, "bucketName")
        file_name = _text(request, "fileName") or _header_name(request)
        bucket_id = ids.get("bucketId")
        file_id = ids.get("fileId")
        if file_id is not None and (file_name is None or bucket_name is None):
            found = self._file(file_id)
            if found is not None:
                file_name, bucket_id = file_name or found[0], bucket_id or found[1]
            elif file_name is None:
                file_name = file_id
        if bucket_name is None and bucket_id is not None:
            bucket_name = self._bucket_name(bucket_id)
        return Subject(bucket_name, file_name)

    def _file(self, file_id: str) -> tuple[str, str] | None:
        known = self._files.get(file_id)
        if known is not None:
            return known
        with self._state.read() as tx:
            version = tx.files.get(file_id)
        if version is None:
            return None
        return self._files.put(file_id, (version.file_name, version.bucket_id))

    def _bucket_name(self, bucket_id: str) -> str:
        known = self._bucket_names.get(bucket_id)
        if known is not None:
            return known
        with self._state.read() as tx:
            bucket = tx.buckets.get(bucket_id)
        return bucket_id if bucket is None else self._bucket_names.put(bucket_id, bucket.bucket_name)


class _Cache(Generic[T]):
    """A thread-safe dict of at most ``_CACHE_SIZE`` entries (emptied when full: ids repeat in bursts)."""

    def __init__(self) -> None:
        self._values: dict[str, T] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> T | None:
        with self._lock:
            return self._values.get(key)

    def put(self, key: str, value: T) -> T:
        with self._lock:
            if len(self._values) >= _CACHE_SIZE:
                self._values.clear()
            self._values[key] = value
        return value


def _ids(request: Request) -> dict[str, str]:
    found: dict[str, str] = {}
    bucket_id = _text(request, "bucketId")
    if bucket_id is not None:
        found["bucketId"] = bucket_id
    for name in _FILE_ID_PARAMS:
        file_id = _text(request, name)
        if file_id is not None:
            found["fileId"] = file_id
            break
    by_path = _BY_PATH_ID.get(request.endpoint)
    if by_path is not None and request.path_args and request.path_args[0]:
        found.setdefault(by_path, request.path_args[0])
    return found


def _text(request: Request, name: str) -> str | None:
    value = request.params.raw(name)
    if value is None:
        value = request.query.get(name)
    return value if isinstance(value, str) and value else None


def _header_name(request: Request) -> str | None:
    raw = request.headers.get("X-Bz-File-Name")
    return _decoded(raw) if raw else None


def _decoded(encoded: str) -> str:
    try:
        return p.decode_name(encoded)
    except ValueError:
        return encoded
