"""Running the session's and transfers' plans on the event loop: each effect is awaited.

The asyncio twin of :func:`b2kit._session._plans.drive`: the same plans, the same :class:`Retried` rules
(:meth:`RetryPolicy.run_async`), an effect's error raised inside the plan (cancellation too).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from b2kit._session._plans import Retried, Steps, advance

T = TypeVar("T")


async def drive(plan: Steps[T], perform: Callable[[Any], Awaitable[Any]]) -> T:
    """Run ``plan`` to its end, awaiting ``perform(effect)``; :class:`Retried` is run here, by the policy."""
    answer: Any = None
    error: BaseException | None = None
    try:
        while True:
            try:
                effect = advance(plan, answer, error)
            except StopIteration as stop:
                return cast(T, stop.value)
            answer = error = None
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
