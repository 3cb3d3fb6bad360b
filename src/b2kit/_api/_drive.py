"""The sync driver of the SDK's sans-IO steps (``b2kit._api._steps``): the only place they meet the session.

Its asyncio twin is ``b2kit.aio._drive``: the same two loops, awaited.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from b2kit._api._steps import Exchange, PageSteps
from b2kit._session._session import B2Session

A = TypeVar("A")
R = TypeVar("R")
T = TypeVar("T")


def ask(session: B2Session, exchange: Exchange[A, R]) -> R:
    """Send the exchange's request and shape its answer."""
    return exchange.shape(session.call(exchange.call))


def walk(session: B2Session, steps: PageSteps[T]) -> Iterator[T]:
    """The items of a listing, a page fetched only when the previous one has been consumed."""
    pager = session.paged(steps.first, steps.limit)
    for page in pager.pages():
        step = steps.take(page)
        yield from step.items
        if step.stop:
            return
        if step.restart is not None:
            pager.restart_at(step.restart)
