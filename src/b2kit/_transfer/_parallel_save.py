"""Saving one download through parallel ranged streams into a file, with its SHA-1 computed in order.

The content is cut into stripes, taken in order by up to ``streams`` threads and written at their offsets
with ``os.pwrite``, one write at a time: concurrent writes to one file contend on its inode lock in the
kernel, which cost three times the system time in measurements (the network reads stay parallel).

The SHA-1 is computed while the stripes arrive: the stripe at the hash front is hashed as it is received,
later stripes keep their chunks in memory until the front reaches them (at most ``max_buffered_bytes``; a
thread that would exceed it waits, the front only for a running hash). Nothing is read back from disk. The
hashing runs outside the hasher's lock, one thread at a time: hashing under the lock blocked every other
stream on it and doubled the system time (futex contention), halving the median download rate.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor, wait
from dataclasses import dataclass
from typing import Final, TypeAlias

from b2kit._exceptions import TruncatedOutput
from b2kit._transfer._download_range import ByteSpan, RangeFetcher, read_span
from b2kit._transfer._progress import ProgressReporter
from b2kit._transfer._session_contract import StreamingResponse

CHUNK_SIZE: Final = 1024 * 1024
"""Bytes read from the network per call."""

Chunk: TypeAlias = bytes | memoryview
"""Received bytes: a chunk as read, or a view of a pooled buffer holding a copy of it."""


@dataclass(frozen=True)
class ParallelPlan:
    """How to run one parallel save: stripe size, number of streams, whether to hash, hash buffer bound."""

    stripe_size: int
    streams: int
    hash_sha1: bool
    max_buffered_bytes: int


@dataclass(frozen=True)
class SaveResult:
    """What a parallel save received: the byte count and, when hashing, the SHA-1 of the bytes in order."""

    received: int
    sha1: str | None


class _OrderedHasher:
    """SHA-1 over stripes that arrive out of order, hashing in order without reading anything back.

    Chunks are queued per stripe under the lock; the hashing itself runs outside it, by one thread at a
    time (whichever finds nobody hashing takes the turn and drains everything that is in order), so the
    other streams keep receiving and writing while a chunk is hashed.
    """

    def __init__(self, max_buffered: int, on_hashed: Callable[[Chunk], None] | None = None) -> None:
        self._sha1 = hashlib.sha1(usedforsecurity=False)
        self._on_hashed = on_hashed
        self._cond = threading.Condition()
        self._front = 0
        self._waiting: dict[int, list[Chunk]] = {}
        self._complete: set[int] = set()
        self._buffered = 0
        self._max_buffered = max_buffered
        self._hashing = False
        self._aborted = False

    def hexdigest(self) -> str:
        return self._sha1.hexdigest()

    def feed(self, index: int, chunk: Chunk) -> None:
        """Queue ``chunk`` of stripe ``index`` (may wait for room) and hash what is in order if nobody is."""
        with self._cond:
            while self._must_wait(index) and not self._aborted:
                self._cond.wait()
            if self._aborted:
                raise _Aborted()
            self._waiting.setdefault(index, []).append(chunk)
            self._buffered += len(chunk)
            if self._hashing or index != self._front:
                return
            self._hashing = True
        self._drain()

    def finish(self, index: int) -> None:
        """Stripe ``index`` is complete: the front may move past it (hashed now unless someone is hashing)."""
        with self._cond:
            self._complete.add(index)
            if self._hashing or self._front not in self._complete:
                return
            self._hashing = True
        self._drain()

    def abort(self) -> None:
        """Wake every waiting stripe so it can stop."""
        with self._cond:
            self._aborted = True
            self._cond.notify_all()

    def _must_wait(self, index: int) -> bool:
        """Whether a chunk of ``index`` has to wait for room: the front only waits for a running hasher."""
        if self._buffered < self._max_buffered:
            return False
        return self._hashing or index != self._front

    def _drain(self) -> None:
        """Hash (outside the lock) every queued chunk in order; this thread holds the hashing turn."""
        try:
            while True:
                with self._cond:
                    chunks = self._waiting.pop(self._front, None)
                    while not chunks and self._front in self._complete:
                        self._front += 1
                        chunks = self._waiting.pop(self._front, None)
                    if not chunks or self._aborted:
                        self._hashing = False
                        self._cond.notify_all()
                        return
                size = 0
                for chunk in chunks:
                    self._sha1.update(chunk)
                    size += len(chunk)
                if self._on_hashed is not None:
                    for chunk in chunks:
                        self._on_hashed(chunk)
                with self._cond:
                    self._buffered -= size
                    self._cond.notify_all()
        except BaseException:
            with self._cond:
                self._hashing = False
                self._cond.notify_all()
            raise


class _BufferPool:
    """Reused ``CHUNK_SIZE`` buffers for received chunks that wait to be hashed.

    A chunk read from the network is copied into a pooled buffer and dropped at once; the buffer goes back
    to the pool when the chunk is hashed. Holding the chunks themselves until they are hashed freed megabytes
    at a time from other threads' arenas, which the allocator gave back to the system and faulted in again
    (about 120,000 page faults and a third of the system time per GiB). The pool never holds more buffers
    than were in use at once, which the hasher's bound limits.
    """

    def __init__(self) -> None:
        self._free: list[bytearray] = []
        self._lock = threading.Lock()

    def copy(self, data: bytes) -> memoryview:
        """A view of a pooled buffer holding ``data`` (at most ``CHUNK_SIZE`` bytes)."""
        with self._lock:
            buffer = self._free.pop() if self._free else None
        if buffer is None:
            buffer = bytearray(CHUNK_SIZE)
        view = memoryview(buffer)[: len(data)]
        view[:] = data
        return view

    def give_back(self, chunk: Chunk) -> None:
        """Return the buffer behind ``chunk`` (a view from :meth:`copy`) to the pool."""
        if isinstance(chunk, memoryview) and isinstance(chunk.obj, bytearray):
            buffer = chunk.obj
            chunk.release()
            with self._lock:
                self._free.append(buffer)


class _Aborted(Exception):
    """Another stripe failed; this one stops."""


class ParallelSave:
    """One parallel save of ``span`` into the file ``fd`` at position ``start``."""

    def __init__(
        self,
        executor: Executor,
        fetcher: RangeFetcher,
        plan: ParallelPlan,
        reporter: ProgressReporter,
    ) -> None:
        self._executor = executor
        self._fetcher = fetcher
        self._plan = plan
        self._reporter = reporter
        self._pool = _BufferPool()
        self._hasher = _OrderedHasher(plan.max_buffered_bytes, self._pool.give_back)
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._stripes: list[ByteSpan] = []
        self._next = 0
        self._received = 0

    def run(
        self, span: ByteSpan, first_response: StreamingResponse | None, fd: int, start: int
    ) -> SaveResult:
        """Download ``span`` and write it at ``start``; ``first_response``, if given, serves stripe 0.

        Raises the first stripe's failure (a :class:`TruncatedOutput` counts the bytes of the whole save).
        """
        self._stripes = span.split(self._plan.stripe_size)
        streams = max(1, min(self._plan.streams, len(self._stripes)))
        futures = [
            self._executor.submit(self._work, fd, start - span.first, first_response) for _ in range(streams)
        ]
        wait(futures)
        errors = [exc for future in futures if (exc := future.exception()) is not None]
        real = [exc for exc in errors if not isinstance(exc, _Aborted)] or errors
        if real:
            if isinstance(real[0], TruncatedOutput):
                raise TruncatedOutput(self._received, span.length) from real[0]
            raise real[0]
        return SaveResult(self._received, self._hasher.hexdigest() if self._plan.hash_sha1 else None)

    def _claim(self) -> int | None:
        with self._lock:
            if self._next >= len(self._stripes):
                return None
            index, self._next = self._next, self._next + 1
            return index

    def _work(self, fd: int, shift: int, first_response: StreamingResponse | None) -> None:
        try:
            while (index := self._claim()) is not None:
                self._write_stripe(index, fd, shift, first_response if index == 0 else None)
        except BaseException:
            self._hasher.abort()
            with self._lock:
                self._next = len(self._stripes)
            raise

    def _write_stripe(self, index: int, fd: int, shift: int, response: StreamingResponse | None) -> None:
        stripe = self._stripes[index]
        offset = stripe.first + shift
        for data in read_span(self._fetcher, stripe, CHUNK_SIZE, response):
            chunk: Chunk = self._pool.copy(data) if self._plan.hash_sha1 else data
            size = len(chunk)
            del data
            with self._write_lock:
                _pwrite_all(fd, chunk, offset)
            offset += size
            if self._plan.hash_sha1:
                self._hasher.feed(index, chunk)
            self._reporter.add(size)
            with self._lock:
                self._received += size
        self._hasher.finish(index)


def _pwrite_all(fd: int, data: Chunk, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view = view[written:]
        offset += written
