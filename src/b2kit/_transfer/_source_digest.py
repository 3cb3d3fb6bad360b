"""One read of a large source yields both its whole SHA-1 and the SHA-1 of every planned part.

Recording ``large_file_sha1`` needs the whole file's SHA-1 before ``b2_start_large_file``, so a large
upload of a source with an unknown SHA-1 reads it once up front. The part SHA-1s are computed in that same
read, on a second thread (hashlib releases the GIL, so the two hashes run on two cores): the parts then go
up with their SHA-1 in the header, the upload phase hashes nothing, and a source that changes after this
read is refused by the server instead of being stored under a stale ``large_file_sha1``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from b2kit._transfer._part_planning import PartRange
from b2kit._transfer._upload_source import Readable, SourceChangedError, UploadSource

_BLOCK = 1 << 20
_BUFFERS = 3
"""Blocks in rotation: one being read while the part hasher still works on the previous ones."""


@dataclass(frozen=True)
class SourceDigest:
    """The SHA-1 of a whole source and of each of its parts, in part order."""

    whole: str
    parts: tuple[str, ...]


def digest_source(source: UploadSource, parts: Sequence[PartRange], block_size: int = _BLOCK) -> SourceDigest:
    """Read ``source`` once, in ``block_size`` blocks, hashing it whole and part by part.

    ``parts`` must tile the source in order (as :func:`plan_parts` returns them). Memory stays at a few
    blocks whatever the size of the source.
    """
    whole = hashlib.sha1(usedforsecurity=False)
    buffers = [memoryview(bytearray(block_size)) for _ in range(_BUFFERS)]
    pending: list[Future[Any] | None] = [None] * _BUFFERS
    part_digests: list[Future[str]] = []
    reader = source.open()
    with ThreadPoolExecutor(1, thread_name_prefix="b2kit-part-sha1") as part_hasher:
        try:
            turn = 0
            for part in parts:
                part_sha1 = hashlib.sha1(usedforsecurity=False)
                remaining = part.length
                while remaining > 0:
                    slot = turn % _BUFFERS
                    _wait(pending[slot])
                    block = _fill(reader, buffers[slot][: min(block_size, remaining)], remaining)
                    pending[slot] = part_hasher.submit(part_sha1.update, block)
                    whole.update(block)
                    remaining -= len(block)
                    turn += 1
                part_digests.append(part_hasher.submit(part_sha1.hexdigest))
        finally:
            reader.close()
    return SourceDigest(whole.hexdigest(), tuple(future.result() for future in part_digests))


def _fill(reader: Readable, target: memoryview, remaining: int) -> memoryview:
    """Fill ``target`` from ``reader``; a source shorter than announced raises :class:`SourceChangedError`."""
    readinto = getattr(reader, "readinto", None)
    filled = 0
    while filled < len(target):
        if readinto is not None:
            count = int(readinto(target[filled:]) or 0)
        else:
            data = reader.read(len(target) - filled)
            target[filled : filled + len(data)] = data
            count = len(data)
        if not count:
            raise SourceChangedError(f"source ended {remaining - filled} bytes early while hashing it")
        filled += count
    return target


def _wait(future: Future[Any] | None) -> None:
    if future is not None:
        future.result()
