"""The asyncio driver of the SDK's sans-IO steps (``b2kit._api._steps``): ``b2kit._api._drive``, awaited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TypeVar

from b2kit._api._steps import Exchange, PageSteps
from b2kit.aio._session import AsyncB2Session

A = TypeVar("A")
R = TypeVar("R")
T = TypeVar("T")


async def ask(session: AsyncB2Session, exchange: Exchange[A, R]) -> R:
    """Send the exchange's request and shape its answer."""
    return exchange.shape(await session.call(exchange.call))


async def walk(session: AsyncB2Session, steps: PageSteps[T]) -> AsyncIterator[T]:
    """The items of a listing, a page fetched only when the previous one has been consumed."""
    pager = session.paged(steps.first, steps.limit)
    async for answer in pager.pages():
        step = steps.take(answer)
        for item in step.items:
            yield item
        if step.stop:
            return
        if step.restart is not None:
            pager.restart_at(step.restart)
