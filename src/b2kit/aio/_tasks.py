"""Structured concurrency for the transfer managers: task groups that fail with the first real error.

``asyncio.TaskGroup`` cancels the other tasks when one fails, and so does :func:`task_group`, but the caller
then sees that first error itself (an ``OSError``, a B2 exception) rather than an ``ExceptionGroup``: the
async API raises what the sync one raises.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Iterable
from contextlib import asynccontextmanager
from typing import TypeVar

T = TypeVar("T")


@asynccontextmanager
async def task_group() -> AsyncIterator[asyncio.TaskGroup]:
    """An ``asyncio.TaskGroup`` whose failure is re-raised as the first error of its tasks."""
    try:
        async with asyncio.TaskGroup() as group:
            yield group
    except BaseExceptionGroup as errors:
        raise _first(errors) from None


async def run_all(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """Run every awaitable as a task; the first failure cancels the others; results in order."""
    async with task_group() as group:
        tasks = [group.create_task(_coroutine(item)) for item in awaitables]
    return [task.result() for task in tasks]


async def _coroutine(awaitable: Awaitable[T]) -> T:
    return await awaitable


def _first(errors: BaseExceptionGroup[BaseException]) -> BaseException:
    """The first leaf error, preferring anything over a cancellation."""
    leaves: list[BaseException] = []
    pending: list[BaseException] = [errors]
    while pending:
        error = pending.pop(0)
        if isinstance(error, BaseExceptionGroup):
            pending[:0] = list(error.exceptions)
        else:
            leaves.append(error)
    real = [error for error in leaves if not isinstance(error, asyncio.CancelledError)]
    return (real or leaves)[0]
