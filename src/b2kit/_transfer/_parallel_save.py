"""Saving one download through parallel ranged streams into a file, with its SHA-1 computed in order.

The content is cut into stripes, taken in order by up to ``streams`` threads and written at their offsets
with ``os.pwrite``, one write at a time: concurrent writes to one file contend on its inode lock in the
kernel, which cost three times the system time in measurements (the network reads stay parallel).

The SHA-1 is computed while the stripes arrive. When the file can be read (``plan.read_back``), the thread
that called :meth:`ParallelSave.run` reads the written bytes back from the page cache behind the streams
(up to the end of the first stripe not yet complete) and hashes them in order: streams never wait for the
hash and no received bytes are held in memory (:class:`_ReadBackHasher`). Holding stripes in memory until
the hash front reached them made the streams wait for each other: 256 MiB took 2.9 s against b2sdk's 1.3 s.

Otherwise (a write-only file) the stripe at the hash front is hashed as it is received and later stripes
keep their chunks in memory until the front reaches them (at most ``max_buffered_bytes``; a thread that
would exceed it waits, the front only for a running hash). That hashing runs outside the hasher's lock,
one thread at a time: hashing under the lock blocked every other stream on it and doubled the system time
(futex contention), halving the median download rate.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, wait
from dataclasses import dataclass
from typing import Final, TypeAlias

from b2kit._exceptions import TruncatedOutput
from b2kit._transfer._download_range import ByteSpan, RangeFetcher
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
    read_back: bool = False


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


class _ReadBackHasher:
    """SHA-1 of a file's bytes in order, read back from the page cache behind the streams' writes.

    Streams report every write (:meth:`wrote`); :meth:`run` hashes every byte below the written frontier
    (the end of the first stripe not completely written) with ``pread`` into one reused buffer.
    """

    def __init__(self, fd: int, stripes: list[ByteSpan], shift: int) -> None:
        self._fd = fd
        self._stripes = stripes
        self._shift = shift
        self._written = [0] * len(stripes)
        self._front = 0
        self._streams_running = 0
        self._cond = threading.Condition()
        self._sha1 = hashlib.sha1(usedforsecurity=False)

    def stream_started(self) -> None:
        with self._cond:
            self._streams_running += 1

    def stream_ended(self) -> None:
        with self._cond:
            self._streams_running -= 1
            self._cond.notify_all()

    def wrote(self, index: int, size: int) -> None:
        """``size`` more bytes of stripe ``index`` are in the file (stripes are written front to back)."""
        with self._cond:
            self._written[index] += size
            if index == self._front:
                self._cond.notify_all()

    def run(self) -> str | None:
        """Hash until the whole span is hashed (its SHA-1) or the streams ended without writing it (None)."""
        position = self._stripes[0].first + self._shift
        end = self._stripes[-1].last + 1 + self._shift
        buffer = memoryview(bytearray(CHUNK_SIZE))
        while position < end:
            with self._cond:
                while (frontier := self._frontier()) <= position and self._streams_running:
                    self._cond.wait()
            if frontier <= position:
                return None
            while position < frontier:
                count = os.preadv(self._fd, [buffer[: min(CHUNK_SIZE, frontier - position)]], position)
                if count == 0:
                    raise TruncatedOutput(position, end)
                self._sha1.update(buffer[:count])
                position += count
        return self._sha1.hexdigest()

    def _frontier(self) -> int:
        """File offset below which every byte is written (called under the lock)."""
        while (
            self._front < len(self._stripes)
            and self._written[self._front] == self._stripes[self._front].length
        ):
            self._front += 1
        if self._front == len(self._stripes):
            return self._stripes[-1].last + 1 + self._shift
        return self._stripes[self._front].first + self._shift + self._written[self._front]


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
        self._read_back: _ReadBackHasher | None = None
        self._next = 0
        self._received = 0

    def run(
        self, span: ByteSpan, first_response: StreamingResponse | None, fd: int, start: int
    ) -> SaveResult:
        """Download ``span`` and write it at ``start``; ``first_response``, if given, serves stripe 0.

        Raises the first stripe's failure (a :class:`TruncatedOutput` counts the bytes of the whole save).
        """
        self._stripes = span.split(self._plan.stripe_size)
        shift = start - span.first
        if self._plan.hash_sha1 and self._plan.read_back:
            self._read_back = _ReadBackHasher(fd, self._stripes, shift)
        streams = max(1, min(self._plan.streams, len(self._stripes)))
        futures = [self._start_stream(fd, shift, first_response) for _ in range(streams)]
        sha1: str | None = None
        try:
            if self._read_back is not None:
                sha1 = self._read_back.run()
        except BaseException:
            with self._lock:
                self._next = len(self._stripes)  # the streams stop after their current stripe
            raise
        finally:
            wait(futures)
        errors = [exc for future in futures if (exc := future.exception()) is not None]
        real = [exc for exc in errors if not isinstance(exc, _Aborted)] or errors
        if real:
            if isinstance(real[0], TruncatedOutput):
                raise TruncatedOutput(self._received, span.length) from real[0]
            raise real[0]
        if self._plan.hash_sha1 and self._read_back is None:
            sha1 = self._hasher.hexdigest()
        return SaveResult(self._received, sha1)

    def _start_stream(self, fd: int, shift: int, first_response: StreamingResponse | None) -> Future[None]:
        read_back = self._read_back
        if read_back is not None:
            read_back.stream_started()
        future = self._executor.submit(self._work, fd, shift, first_response)
        if read_back is not None:
            future.add_done_callback(lambda _f: read_back.stream_ended())
        return future

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
        in_memory_hash = self._plan.hash_sha1 and self._read_back is None
        for data in self._fetcher.read(stripe, CHUNK_SIZE, response):
            chunk: Chunk = self._pool.copy(data) if in_memory_hash else data
            size = len(chunk)
            del data
            with self._write_lock:
                _pwrite_all(fd, chunk, offset)
            offset += size
            if self._read_back is not None:
                self._read_back.wrote(index, size)
            elif in_memory_hash:
                self._hasher.feed(index, chunk)
            self._reporter.add(size)
            with self._lock:
                self._received += size
        if in_memory_hash:
            self._hasher.finish(index)


def _pwrite_all(fd: int, data: Chunk, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view = view[written:]
        offset += written
