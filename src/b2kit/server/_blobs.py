"""Durable file bytes: streamed to a temp file while hashed, fsynced, then renamed into place.

Blob paths are derived from random ids (``blobs/ab/ab12...``), never from file names, so no B2 file name can
reach outside the data dir. Blobs kept at about the same time share a folder (the two-hex-digit shard turns
over every ``_BLOBS_PER_SHARD`` blobs), so concurrent uploads make their renames durable with one folder
fsync between them (:class:`~b2kit.server._group_fsync.GroupFsync`) instead of one each. Bodies of a
megabyte or more are hashed with SHA-1 and MD5 at once: MD5 runs on a helper thread (hashlib releases the
GIL) while SHA-1, the disk write and the next socket read run on the request's thread.

A crash at any point leaves at worst an orphan temp file or an unreferenced blob, both removed at the next
start; a blob becomes visible only once the metadata transaction that names it commits.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from b2kit.server import _ids
from b2kit.server._errors import bad_request
from b2kit.server._group_fsync import GroupFsync

_BLOBS_PER_SHARD = 4096
PARALLEL_HASH_MIN = 1024 * 1024
"""Bodies at least this long hash MD5 on a helper thread (below it the hand-off costs more than it saves)."""


class Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


@dataclass(frozen=True)
class ReceivedBlob:
    """Bytes written to a temp file; ``trailer`` holds the bytes kept apart at the end (hex_digits_at_end)."""

    temp_path: Path
    size: int
    sha1: str
    md5: str
    trailer: bytes


class BlobStore:
    """Files under ``<data dir>/blobs``; temp files under ``<data dir>/tmp``."""

    def __init__(self, root: Path, block_size: int) -> None:
        self._blobs = root / "blobs"
        self._tmp = root / "tmp"
        self._block_size = block_size
        self._blobs.mkdir(parents=True, exist_ok=True)
        self._tmp.mkdir(parents=True, exist_ok=True)
        self._kept = itertools.count(int.from_bytes(os.urandom(2), "big") * _BLOBS_PER_SHARD)
        self._folders: dict[str, GroupFsync] = {}
        self._folders_lock = threading.Lock()
        self._md5_threads: ThreadPoolExecutor | None = None

    def remove_temp_files(self) -> int:
        """Delete temp files left by an earlier run (uploads cut off by a crash)."""
        removed = 0
        for path in self._tmp.iterdir():
            path.unlink(missing_ok=True)
            removed += 1
        return removed

    def remove_unreferenced(self, referenced: set[str]) -> int:
        """Delete blobs that no metadata row names (a crash between rename and commit)."""
        removed = 0
        for path in self._blobs.glob("*/*"):
            if self._relative(path) not in referenced:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def receive(self, source: Readable, length: int, trailer_size: int = 0) -> ReceivedBlob:
        """Copy exactly ``length`` bytes from ``source`` to a temp file, hashing all but the trailer."""
        if length < trailer_size:
            raise bad_request(
                f"Content-Length {length} is shorter than the {trailer_size}-byte checksum trailer"
            )
        temp_path = self._tmp / f"{_ids.blob_name()}.part"
        sha1, md5 = hashlib.sha1(), hashlib.md5()
        body_size = length - trailer_size
        try:
            with open(temp_path, "wb") as out:
                readinto = getattr(source, "readinto", None)
                if readinto is not None and body_size >= PARALLEL_HASH_MIN:
                    hashes = (sha1, md5)
                    _copy_hashing_in_parallel(readinto, out, body_size, self._block_size, hashes, self._md5)
                else:
                    for block in _blocks(source, body_size, self._block_size):
                        sha1.update(block)
                        md5.update(block)
                        out.write(block)
                trailer = b"".join(bytes(block) for block in _blocks(source, trailer_size, self._block_size))
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
        return ReceivedBlob(temp_path, body_size, sha1.hexdigest(), md5.hexdigest(), trailer)

    def _md5(self, task: Callable[[], None]) -> Future[None]:
        """Run ``task`` on the helper threads (started on first use)."""
        with self._folders_lock:
            if self._md5_threads is None:
                self._md5_threads = ThreadPoolExecutor(os.cpu_count() or 2, thread_name_prefix="b2kit-md5")
        return self._md5_threads.submit(task)

    def keep(self, received: ReceivedBlob) -> str:
        """Move a received temp file into place; returns the blob's relative path for the metadata row.

        Returns once the rename is durable (its folder fsynced, together with concurrent renames).
        """
        shard = f"{next(self._kept) // _BLOBS_PER_SHARD % 256:02x}"
        name = shard + _ids.blob_name()[2:]
        folder = self._blobs / shard
        folder.mkdir(exist_ok=True)
        os.replace(received.temp_path, folder / name)
        self._group_fsync(shard).sync()
        return f"{shard}/{name}"

    def _group_fsync(self, shard: str) -> GroupFsync:
        with self._folders_lock:
            group = self._folders.get(shard)
            if group is None:
                group = self._folders[shard] = GroupFsync(self._blobs / shard)
            return group

    def discard(self, received: ReceivedBlob) -> None:
        received.temp_path.unlink(missing_ok=True)

    def exists(self, relatives: Iterable[str]) -> bool:
        return all(self.path(relative).is_file() for relative in relatives)

    def delete(self, relatives: Iterable[str]) -> None:
        for relative in relatives:
            self.path(relative).unlink(missing_ok=True)

    def remove_all(self) -> None:
        for path in self._blobs.glob("*/*"):
            path.unlink(missing_ok=True)

    def path(self, relative: str) -> Path:
        """Where the blob named by a metadata row lives (downloads send from it with ``sendfile``)."""
        folder, _, name = relative.partition("/")
        if len(folder) != 2 or not name.isalnum() or not name.startswith(folder):
            raise ValueError(f"not a blob path: {relative!r}")
        return self._blobs / folder / name

    def _relative(self, path: Path) -> str:
        return f"{path.parent.name}/{path.name}"


def _blocks(source: Readable, length: int, block_size: int) -> Iterator[bytes | memoryview]:
    """Yield ``length`` bytes of ``source``; each block is valid only until the next one is asked for.

    A source with ``readinto`` (a request body) fills one reused buffer: no allocation per block.
    """
    readinto = getattr(source, "readinto", None)
    buffer = memoryview(bytearray(min(block_size, length))) if readinto is not None else None
    remaining = length
    while remaining > 0:
        wanted = min(block_size, remaining)
        block: bytes | memoryview
        if readinto is not None and buffer is not None:
            block = buffer[: readinto(buffer[:wanted]) or 0]
        else:
            block = source.read(wanted)
        if not block:
            raise bad_request(f"request body ended {remaining} bytes before Content-Length")
        remaining -= len(block)
        yield block


def _copy_hashing_in_parallel(
    readinto: Callable[[memoryview], int | None],
    out: BinaryIO,
    length: int,
    block_size: int,
    hashes: tuple[Any, Any],
    on_helper: Callable[[Callable[[], None]], Future[None]],
) -> None:
    """Copy ``length`` bytes to ``out`` hashing them; MD5 runs on a helper thread one block behind.

    Two buffers alternate: while the helper hashes block n, this thread reads block n+1 into the other
    buffer, hashes it with SHA-1 and writes it. MD5 updates stay in order (block n+1 waits for block n).
    """
    sha1, md5 = hashes
    buffers = (memoryview(bytearray(block_size)), memoryview(bytearray(block_size)))
    pending: Future[None] | None = None
    remaining = length
    try:
        for index in itertools.count():
            if remaining == 0:
                return
            buffer = buffers[index % 2]
            count = readinto(buffer[: min(block_size, remaining)]) or 0
            if count == 0:
                raise bad_request(f"request body ended {remaining} bytes before Content-Length")
            block = buffer[:count]
            sha1.update(block)
            if pending is not None:
                pending.result()
            pending = on_helper(functools.partial(md5.update, block))
            out.write(block)
            remaining -= count
    finally:
        if pending is not None:
            pending.result()
