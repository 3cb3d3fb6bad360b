"""Running the session's and transfers' plans on the event loop: each effect is awaited.

The asyncio twin of :func:`b2kit._session._plans.drive`: the same plans, the same :class:`Retried` rules
(:meth:`RetryPolicy.run_async`), an effect's error raised inside the plan (cancellation too).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar, cast

from b2kit._session._plans import Emit, Retried, Steps, advance

T = TypeVar("T")


async def drive(plan: Steps[T], perform: Callable[[Any], Awaitable[Any]]) -> T:
    """Run ``plan`` to its end, awaiting ``perform(effect)``, and return its result; it must emit nothing."""
    result: list[T] = []
    async for _chunk in iterate(plan, perform, result):
        raise RuntimeError("a plan emitted bytes where nobody reads them")
    return result[0]


async def iterate(
    plan: Steps[T], perform: Callable[[Any], Awaitable[Any]], result: list[T] | None = None
) -> AsyncIterator[bytes]:
    """Run ``plan`` awaiting ``perform(effect)``, yielding what it emits; its result is appended to
    ``result``. The one async loop: :class:`Retried` is run here, by its policy; an effect's error
    (cancellation too) is raised inside the plan."""
    answer: Any = None
    error: BaseException | None = None
    try:
        while True:
            try:
                effect = advance(plan, answer, error)
            except StopIteration as stop:
                if result is not None:
                    result.append(cast(T, stop.value))
                return
            answer = error = None
            if type(effect) is Emit:
                yield effect.data
                continue
            try:
                answer = await (retry(effect, perform) if type(effect) is Retried else perform(effect))
            except BaseException as exc:  # raised inside the plan, which decides
                error = exc
    finally:
        plan.close()


async def retry(effect: Retried[T], perform: Callable[[Any], Awaitable[Any]]) -> T:
    """A :class:`Retried` effect run by its policy, each attempt a fresh plan driven with ``perform``."""
    return await effect.policy.run_async(
        lambda: drive(effect.attempt(), perform),
        description=effect.description,
        retryable=effect.retryable,
        give_up=effect.give_up,
    )
