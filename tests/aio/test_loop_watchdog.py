"""The event loop is never blocked by transfers: a watchdog times every callback the loop runs.

It measures the CPU time of the loop's own thread per callback (``time.thread_time``), so a loaded machine
preempting the test does not count, while hashing or reading a large block on the loop would: SHA-1 of one
MiB costs about 1.5 ms of CPU, of the whole 24 MiB file 20-35 ms. The transfers below must keep every
callback under ``LIMIT``: whole-file and part SHA-1s, file reads and writes run in the executor. The cyclic
garbage collector is paused while the watchdog is armed: a full collection in a test process that has run
many tests takes tens of milliseconds whatever code happens to trigger it.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import os
import time

import pytest

from b2kit import DownloadTuning
from b2kit.aio import AsyncDownloadedFile

from .conftest import new_bucket

LIMIT = 0.020
"""Seconds of loop-thread CPU one callback may take."""


class Watchdog:
    """Times every ``asyncio`` callback (Handle._run) once armed; keeps the worst one."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.armed = False
        self.worst = 0.0
        self.worst_callback = ""
        self.callbacks = 0
        original = asyncio.events.Handle._run
        watchdog = self

        def timed_run(handle: asyncio.Handle) -> None:
            if not watchdog.armed:
                original(handle)
                return
            started = time.thread_time()
            try:
                original(handle)
            finally:
                spent = time.thread_time() - started
                watchdog.callbacks += 1
                if spent > watchdog.worst:
                    watchdog.worst, watchdog.worst_callback = spent, repr(handle)[:300]

        monkeypatch.setattr(asyncio.events.Handle, "_run", timed_run)


async def test_large_transfers_never_block_the_loop(make_aio_api, bucket_name, tmp_path, monkeypatch):
    watchdog = Watchdog(monkeypatch)
    data = os.urandom(24 * 1024 * 1024)
    source = tmp_path / "source.bin"
    source.write_bytes(data)
    tuning = DownloadTuning(stripe_size=2_000_000, streams_per_file=4)
    async with make_aio_api(download_tuning=tuning) as api:
        bucket = await new_bucket(api, bucket_name)
        gc.collect()
        gc.disable()
        try:
            watchdog.armed = True
            version = await bucket.upload_local_file(source, "big.bin")
            downloaded = await bucket.download_file_by_name("big.bin")
            assert isinstance(downloaded, AsyncDownloadedFile)
            await downloaded.save_to(tmp_path / "copy.bin")
            streamed = hashlib.sha1()
            async with await bucket.download_file_by_id(version.id_) as again:
                async for chunk in again.iter_content():
                    streamed.update(chunk)
            watchdog.armed = False
        finally:
            gc.enable()
    assert version.file_info["large_file_sha1"] == hashlib.sha1(data).hexdigest()
    assert (tmp_path / "copy.bin").read_bytes() == data
    assert streamed.hexdigest() == hashlib.sha1(data).hexdigest()
    assert watchdog.callbacks > 100
    print(f"worst loop callback: {watchdog.worst * 1000:.2f} ms CPU of {watchdog.callbacks}")
    assert watchdog.worst < LIMIT, f"{watchdog.worst * 1000:.1f} ms in {watchdog.worst_callback}"


async def test_the_watchdog_sees_a_blocking_hash(make_aio_api, monkeypatch):
    watchdog = Watchdog(monkeypatch)
    data = os.urandom(24 * 1024 * 1024)
    watchdog.armed = True
    await asyncio.sleep(0)
    started = time.thread_time()
    # one SHA-1 of 24 MiB took 19.6 ms of CPU on a quiet machine, just under LIMIT: hash until well over it
    while time.thread_time() - started < 2 * LIMIT:
        hashlib.sha1(data).hexdigest()  # what the transfer code must never do on the loop
    await asyncio.sleep(0)
    watchdog.armed = False
    assert watchdog.worst > LIMIT
