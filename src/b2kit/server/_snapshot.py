"""Reads a ``ServerState`` through the state layer, filtered by bucket and name prefix, in pages.

Versions come in listing order (bucket name, file name, newest first), walked in batches with the same
state-layer queries ``b2_list_file_versions`` uses, so a page costs what a listing page costs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from b2kit.server._inspection import (
    BucketRecord,
    FileVersionRecord,
    KeyRecord,
    PartRecord,
    ServerState,
    UnfinishedLargeFileRecord,
)
from b2kit.server._state import START, Bucket, FileVersion, Key, State, Tx, VersionKey

_BATCH = 500


@dataclass(frozen=True)
class StateQuery:
    """Which part of the state: one bucket (or all), names under ``prefix``, versions from ``start_file_id``
    on (listing order), at most ``max_file_count`` of them (None: all)."""

    bucket_name: str | None = None
    prefix: str = ""
    start_file_id: str | None = None
    max_file_count: int | None = None


@dataclass(frozen=True)
class StatePage:
    state: ServerState
    next_file_name: str | None
    next_file_id: str | None


def read_state(state: State, query: StateQuery) -> StatePage:
    with state.read() as tx:
        if query.bucket_name is None:
            buckets = tx.buckets.all()
        else:
            found = tx.buckets.by_name(query.bucket_name)
            buckets = [] if found is None else [found]
        names = {bucket.bucket_id: bucket.bucket_name for bucket in buckets}
        limit = None if query.max_file_count is None else query.max_file_count + 1
        versions = [_version(v, names) for v in islice(_versions(tx, buckets, query), limit)]
        unfinished = [_unfinished(tx, v, names) for b in buckets for v in _unfinished_in(tx, b, query.prefix)]
        master = tx.keys.master()
        keys = sorted([*([] if master is None else [master]), *_other_keys(tx)], key=lambda k: k.key_id)
    following = None
    if query.max_file_count is not None and len(versions) > query.max_file_count:
        versions, following = versions[: query.max_file_count], versions[query.max_file_count]
    snapshot = ServerState(
        tuple(_bucket(b) for b in buckets), tuple(versions), tuple(unfinished), tuple(_key(k) for k in keys)
    )
    if following is None:
        return StatePage(snapshot, None, None)
    return StatePage(snapshot, following.file_name, following.file_id)


def _versions(tx: Tx, buckets: list[Bucket], query: StateQuery) -> Iterator[FileVersion]:
    """Finished versions (uploads, hide markers) of ``buckets`` under the prefix, from the start version."""
    start = None if query.start_file_id is None else tx.files.get(query.start_file_id)
    bucket_ids = [bucket.bucket_id for bucket in buckets]
    if start is not None and start.bucket_id not in bucket_ids:
        start = None
    first = 0 if start is None else bucket_ids.index(start.bucket_id)
    for bucket_id in bucket_ids[first:]:
        for version in _walk(tx, bucket_id, query.prefix, start):
            if version.action != START:
                yield version
        start = None


def _walk(tx: Tx, bucket_id: str, prefix: str, start: FileVersion | None) -> Iterator[FileVersion]:
    if start is not None:
        yield from _rest_of_name(tx, bucket_id, _key_of(start), inclusive=True)
        name, inclusive = start.file_name, False
    else:
        name, inclusive = prefix, True
    while True:
        batch = tx.files.versions_from(bucket_id, name, inclusive, _BATCH)
        for version in batch:
            if not version.file_name.startswith(prefix):
                return
            yield version
        if len(batch) < _BATCH:
            return
        last = batch[-1]
        yield from _rest_of_name(tx, bucket_id, _key_of(last), inclusive=False)
        name, inclusive = last.file_name, False


def _rest_of_name(tx: Tx, bucket_id: str, key: VersionKey, inclusive: bool) -> Iterator[FileVersion]:
    """The versions of ``key``'s name from it on (older ones), newest first."""
    while True:
        batch = tx.files.older_versions(bucket_id, key, inclusive, _BATCH)
        yield from batch
        if len(batch) < _BATCH:
            return
        key, inclusive = _key_of(batch[-1]), False


def _key_of(version: FileVersion) -> VersionKey:
    return VersionKey(version.file_name, version.upload_ms, version.seq)


def _unfinished_in(tx: Tx, bucket: Bucket, prefix: str) -> Iterator[FileVersion]:
    start = None
    while True:
        page = tx.files.unfinished_page(bucket.bucket_id, prefix, start, _BATCH + 1)
        yield from page[:_BATCH]
        if len(page) <= _BATCH:
            return
        start = page[_BATCH]


def _other_keys(tx: Tx) -> Iterator[Key]:
    start = ""
    while True:
        page = tx.keys.page(start, _BATCH + 1)
        yield from page[:_BATCH]
        if len(page) <= _BATCH:
            return
        start = page[_BATCH].key_id


def _bucket(bucket: Bucket) -> BucketRecord:
    return BucketRecord(
        bucket.bucket_id, bucket.bucket_name, bucket.bucket_type, dict(bucket.bucket_info), bucket.revision
    )


def _version(version: FileVersion, names: dict[str, str]) -> FileVersionRecord:
    return FileVersionRecord(
        file_id=version.file_id,
        bucket_name=names[version.bucket_id],
        file_name=version.file_name,
        action=version.action,
        size=version.content_length,
        content_sha1=version.content_sha1,
        content_md5=version.content_md5,
        content_type=version.content_type,
        file_info=dict(version.file_info),
        upload_timestamp=version.upload_ms,
    )


def _unfinished(tx: Tx, version: FileVersion, names: dict[str, str]) -> UnfinishedLargeFileRecord:
    parts = tuple(
        PartRecord(part.part_number, part.content_length, part.content_sha1, part.content_md5, part.upload_ms)
        for part in tx.parts.all(version.file_id)
    )
    return UnfinishedLargeFileRecord(
        file_id=version.file_id,
        bucket_name=names[version.bucket_id],
        file_name=version.file_name,
        content_type=version.content_type,
        file_info=dict(version.file_info),
        upload_timestamp=version.upload_ms,
        parts=parts,
    )


def _key(key: Key) -> KeyRecord:
    return KeyRecord(
        key_id=key.key_id,
        key_name=key.key_name,
        capabilities=tuple(key.capabilities),
        bucket_ids=None if key.bucket_ids is None else tuple(key.bucket_ids),
        name_prefix=key.name_prefix,
        expiration_timestamp=key.expiration_ms,
        is_master=key.is_master,
    )
