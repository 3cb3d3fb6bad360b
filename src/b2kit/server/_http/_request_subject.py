"""What a request is about, for the request log: the bucket name and file name, from whatever it carried.

Requests name things in different ways: ``bucketName``/``fileName`` parameters, a bucket id in an upload URL,
a file id (``fileId``, ``sourceFileId``, a part-upload URL), the ``X-Bz-File-Name`` header, or the
``/file/<bucket>/<name>`` path. Ids are looked up in the state layer (bucket names are cached: a bucket id
never changes its name); an id that names nothing is shown as it is.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from b2kit import _protocol as p
from b2kit.server._http._exchange import Request
from b2kit.server._state import State

_BY_PATH_ID = {"b2_upload_file": "bucketId", "b2_upload_part": "fileId"}
_FILE_ID_PARAMS = ("fileId", "sourceFileId")
_BUCKET_CACHE_SIZE = 10_000


@dataclass(frozen=True)
class Subject:
    bucket_name: str | None = None
    file_name: str | None = None


class SubjectResolver:
    """Turns a request into its ``Subject``; one per server (it caches bucket names)."""

    def __init__(self, state: State) -> None:
        self._state = state
        self._bucket_names: dict[str, str] = {}
        self._lock = threading.Lock()

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
        with self._state.read() as tx:
            version = tx.files.get(file_id)
        return None if version is None else (version.file_name, version.bucket_id)

    def _bucket_name(self, bucket_id: str) -> str:
        with self._lock:
            known = self._bucket_names.get(bucket_id)
        if known is not None:
            return known
        with self._state.read() as tx:
            bucket = tx.buckets.get(bucket_id)
        if bucket is None:
            return bucket_id
        name = bucket.bucket_name
        with self._lock:
            if len(self._bucket_names) >= _BUCKET_CACHE_SIZE:
                self._bucket_names.clear()
            self._bucket_names[bucket_id] = name
        return name


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
