"""Running the tasks of one transfer (parts, ranges) on the shared thread pool, failing fast."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Executor, Future, wait
from typing import TypeVar

_T = TypeVar("_T")


class _Skipped(Exception):
    """A queued task that did not start because another one had already failed."""


def run_all(executor: Executor, tasks: Sequence[Callable[[], _T]]) -> list[_T]:
    """Run ``tasks`` on ``executor`` and return their results in order.

    On the first failure the tasks that have not started yet are skipped; once the running ones are done,
    the first real failure is raised. Call it from outside the executor's own threads (it waits for them).
    """
    stop = threading.Event()

    def guarded(task: Callable[[], _T]) -> _T:
        if stop.is_set():
            raise _Skipped()
        return task()

    futures: list[Future[_T]] = [executor.submit(guarded, task) for task in tasks]
    wait(futures, return_when=FIRST_EXCEPTION)
    if any(future.done() and future.exception() is not None for future in futures):
        stop.set()
        wait(futures)
        errors = [exc for future in futures if (exc := future.exception()) is not None]
        raise next((exc for exc in errors if not isinstance(exc, _Skipped)), errors[0])
    return [future.result() for future in futures]
