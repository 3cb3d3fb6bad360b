"""The in-order SHA-1 of parallel saves: order, the memory bound, and hashing outside the lock."""

from __future__ import annotations

import hashlib
import os
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from b2kit._transfer._download_range import ByteSpan
from b2kit._transfer._parallel_save import Chunk, _Aborted, _BufferPool, _OrderedHasher, _ReadBackHasher

CHUNK = 1000


def _stripes(count: int, chunks_per_stripe: int) -> list[list[bytes]]:
    return [[os.urandom(CHUNK) for _ in range(chunks_per_stripe)] for _ in range(count)]


def _expected(stripes: list[list[bytes]]) -> str:
    return hashlib.sha1(b"".join(b"".join(stripe) for stripe in stripes)).hexdigest()


class _WatchedHasher(_OrderedHasher):
    """Records the largest number of bytes ever queued."""

    peak = 0

    def feed(self, index: int, chunk: Chunk) -> None:
        super().feed(index, chunk)
        with self._cond:
            self.peak = max(self.peak, self._buffered)


@pytest.mark.parametrize("streams", [1, 2, 4, 8])
def test_stripes_fed_concurrently_are_hashed_in_order_within_the_bound(streams: int) -> None:
    stripes = _stripes(40, 7)
    max_buffered = 5 * CHUNK
    hasher = _WatchedHasher(max_buffered)
    claim = iter(range(len(stripes)))
    lock = threading.Lock()
    rng = random.Random(streams)

    def work() -> None:
        while True:
            with lock:
                index = next(claim, None)
                jitter = rng.random() < 0.3
            if index is None:
                return
            for chunk in stripes[index]:
                if jitter:
                    threading.Event().wait(0.0001)
                hasher.feed(index, chunk)
            hasher.finish(index)

    with ThreadPoolExecutor(streams) as pool:
        for future in [pool.submit(work) for _ in range(streams)]:
            future.result(timeout=30)
    assert hasher.hexdigest() == _expected(stripes)
    # at most the bound plus the chunk each stream holds when it is let in
    assert hasher.peak <= max_buffered + streams * CHUNK


def test_stripes_finished_in_reverse_order_are_hashed_in_order() -> None:
    stripes = _stripes(5, 3)
    hasher = _OrderedHasher(10**9)
    for index in reversed(range(len(stripes))):
        for chunk in stripes[index]:
            hasher.feed(index, chunk)
        hasher.finish(index)
    assert hasher.hexdigest() == _expected(stripes)


def test_the_front_stripe_never_waits_for_room() -> None:
    stripes = _stripes(3, 4)
    hasher = _OrderedHasher(0)  # no room at all: only the front may go on
    for index, stripe in enumerate(stripes):
        for chunk in stripe:
            hasher.feed(index, chunk)
        hasher.finish(index)
    assert hasher.hexdigest() == _expected(stripes)


def test_an_empty_stripe_moves_the_front() -> None:
    hasher = _OrderedHasher(CHUNK)
    hasher.feed(1, b"b")
    hasher.finish(0)
    hasher.finish(1)
    assert hasher.hexdigest() == hashlib.sha1(b"b").hexdigest()


def test_abort_wakes_a_stripe_waiting_for_room() -> None:
    hasher = _OrderedHasher(CHUNK)
    hasher.feed(1, b"x" * CHUNK)  # the bound is reached by a stripe behind the front
    failed = threading.Event()

    def blocked() -> None:
        try:
            hasher.feed(2, b"y")
        except _Aborted:
            failed.set()

    thread = threading.Thread(target=blocked)
    thread.start()
    thread.join(0.2)
    assert thread.is_alive()  # waiting for room
    hasher.abort()
    thread.join(5)
    assert failed.is_set()


def test_other_streams_queue_while_one_hashes() -> None:
    """The lock is not held while hashing: another stripe can queue a chunk during a hash update."""
    hasher = _OrderedHasher(10**9)
    entered, release = threading.Event(), threading.Event()

    class _SlowSha1:
        def __init__(self) -> None:
            self._real = hashlib.sha1()

        def update(self, data: bytes) -> None:
            entered.set()
            assert release.wait(5)
            self._real.update(data)

        def hexdigest(self) -> str:
            return self._real.hexdigest()

    hasher._sha1 = _SlowSha1()  # type: ignore[assignment]
    front = threading.Thread(target=hasher.feed, args=(0, b"a"))
    front.start()
    assert entered.wait(5)
    queued = threading.Thread(target=hasher.feed, args=(1, b"b"))
    queued.start()
    queued.join(2)
    assert not queued.is_alive()  # did not block on the hashing thread
    release.set()
    front.join(5)
    hasher.finish(0)
    hasher.finish(1)
    assert hasher.hexdigest() == hashlib.sha1(b"ab").hexdigest()


def test_hashed_chunks_are_handed_back_in_order_after_hashing() -> None:
    handed: list[bytes] = []
    hasher = _OrderedHasher(10**9, lambda chunk: handed.append(bytes(chunk)))
    hasher.feed(1, b"c")
    hasher.feed(0, b"a")
    assert handed == [b"a"]  # stripe 1 waits for the front
    hasher.feed(0, b"b")
    hasher.finish(0)
    hasher.finish(1)
    assert handed == [b"a", b"b", b"c"]
    assert hasher.hexdigest() == hashlib.sha1(b"abc").hexdigest()


def test_the_buffer_pool_reuses_buffers_given_back() -> None:
    pool = _BufferPool()
    first = pool.copy(b"hello")
    assert bytes(first) == b"hello"
    buffer = first.obj
    pool.give_back(first)
    second = pool.copy(b"world!")
    assert second.obj is buffer  # the same buffer, no new allocation
    assert bytes(second) == b"world!"
    third = pool.copy(b"x")
    assert third.obj is not buffer  # the first one is still in use
    pool.give_back(b"not pooled")  # chunks that are not pooled views are ignored
    pool.give_back(second)
    pool.give_back(third)
    assert len(pool._free) == 2


def test_read_back_hasher_follows_stripes_written_out_of_order(tmp_path) -> None:
    data = os.urandom(5 * 1000 + 7)
    stripes = ByteSpan(0, len(data) - 1).split(1000)
    fd = os.open(tmp_path / "file", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.pwrite(fd, b"head", 0)
        hasher = _ReadBackHasher(fd, stripes, shift=4)
        hasher.stream_started()
        result: list[str | None] = []
        reader = threading.Thread(target=lambda: result.append(hasher.run()))
        reader.start()
        for index in (3, 1, 5, 4, 0, 2):
            stripe = stripes[index]
            os.pwrite(fd, data[stripe.first : stripe.last + 1], stripe.first + 4)
            hasher.wrote(index, stripe.length)
        reader.join()
        hasher.stream_ended()
    finally:
        os.close(fd)
    assert result == [hashlib.sha1(data).hexdigest()]


def test_read_back_hasher_gives_up_when_the_streams_end_early(tmp_path) -> None:
    stripes = ByteSpan(0, 1999).split(1000)
    fd = os.open(tmp_path / "file", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        hasher = _ReadBackHasher(fd, stripes, shift=0)
        hasher.stream_started()
        os.pwrite(fd, b"x" * 1000, 0)
        hasher.wrote(0, 1000)
        hasher.stream_ended()
        assert hasher.run() is None
    finally:
        os.close(fd)
