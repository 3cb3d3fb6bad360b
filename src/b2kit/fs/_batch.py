"""Run the per-file calls of one bulk operation (``put``, ``get``, ``copy``, ``rm``) in parallel.

fsspec's bulk methods work out source and target names and then call ``put_file``/``get_file``/``cp_file``
one by one. Inside :meth:`ParallelBatch.running`, :meth:`ParallelBatch.submit` hands each such call to a
thread pool instead, so the naming rules stay fsspec's own while the transfers overlap; when the block
ends every call has finished, and the first failure is raised. Outside a batch ``submit`` runs the call
at once. The pool is separate from the B2Api's transfer pool, which large files use for their parts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Any


class ParallelBatch:
    """Per-thread batches of calls run on a pool of ``workers`` threads."""

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._local = threading.local()

    def _current(self) -> tuple[ThreadPoolExecutor, list[Future[Any]]] | None:
        current: tuple[ThreadPoolExecutor, list[Future[Any]]] | None = getattr(self._local, "batch", None)
        return current

    @contextmanager
    def running(self) -> Iterator[None]:
        """Calls submitted inside this block run in parallel; all have finished when it ends."""
        if self._current() is not None:
            yield
            return
        futures: list[Future[Any]] = []
        with ThreadPoolExecutor(self._workers, thread_name_prefix="b2kit-fs") as pool:
            self._local.batch = (pool, futures)
            try:
                yield
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
            finally:
                self._local.batch = None
            wait(futures)
        for future in futures:
            error = future.exception()
            if error is not None:
                raise error

    def submit(self, call: Callable[..., Any], *args: Any) -> None:
        """Run ``call(*args)``: on the pool inside a batch, here and now outside one."""
        current = self._current()
        if current is None:
            call(*args)
            return
        pool, futures = current
        futures.append(pool.submit(call, *args))
