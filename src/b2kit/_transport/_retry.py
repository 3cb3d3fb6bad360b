"""When and how long to wait before trying a B2 request again.

:class:`RetryPolicy` is a small immutable value: exponential backoff with jitter, bounded both by a number
of attempts and by a time budget. A server's ``Retry-After`` is honoured for 429 and 503 answers. What is
retryable is decided by the exception itself (:meth:`B2Error.should_retry_http`): connection errors,
timeouts, 408, 429 and 5xx; other 4xx are not. Retries are logged at DEBUG without request details (no
tokens or keys).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from b2kit._exceptions import B2Error

logger = logging.getLogger(__name__)

T = TypeVar("T")

_RETRY_AFTER_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff schedule for one logical request.

    ``max_attempts`` counts every try including the first; ``time_budget`` (seconds) bounds the time spent
    from the first try until a retry would start; ``jitter`` is the fraction by which a computed delay is
    randomly spread (0.25 → 75 %..125 %) so that many clients do not retry in lock-step.
    """

    max_attempts: int = 5
    initial_delay: float = 1.0
    backoff_factor: float = 2.0
    max_delay: float = 64.0
    time_budget: float = 600.0
    jitter: float = 0.25

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if self.initial_delay < 0 or self.max_delay < 0 or self.time_budget < 0:
            raise ValueError("delays and time budget must not be negative")
        if self.backoff_factor < 1:
            raise ValueError(f"backoff_factor must be at least 1, got {self.backoff_factor}")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter must be between 0 and 1, got {self.jitter}")

    def is_retryable(self, error: BaseException) -> bool:
        """True for errors that may go away when the same request is sent again."""
        return isinstance(error, B2Error) and error.should_retry_http()

    def delay(self, failed_attempts: int, error: B2Error | None = None, rand: float = 0.5) -> float:
        """Seconds to wait after ``failed_attempts`` failures (1 = first); ``rand`` uniform in [0, 1)."""
        retry_after = error.retry_after_seconds if error is not None else None
        if retry_after is not None and error is not None and error.status in _RETRY_AFTER_STATUSES:
            return max(0.0, float(retry_after))
        base = min(self.max_delay, self.initial_delay * self.backoff_factor ** (failed_attempts - 1))
        return base * (1.0 - self.jitter + 2.0 * self.jitter * rand)

    def without_pauses(self) -> RetryPolicy:
        """The same attempts and budget, retried at once: for a broken download body, resumed right away."""
        return dataclasses.replace(self, initial_delay=0.0, max_delay=0.0)

    def run(
        self,
        operation: Callable[[], T],
        *,
        description: str,
        retryable: Callable[[B2Error], bool] | None = None,
        give_up: Callable[[list[B2Error]], B2Error] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
    ) -> T:
        """Call ``operation`` until it succeeds, fails for good, or attempts or time run out.

        The one retry loop of the client: HTTP requests, uploads (each attempt on a new upload URL) and
        resumed downloads all run through it. ``retryable`` decides which errors are tried again (default:
        :meth:`is_retryable`); an error that is not is re-raised unchanged. When attempts or time run out,
        the last error is re-raised, or ``give_up(errors)`` (every attempt's error) when given.
        """
        started = clock()
        errors: list[B2Error] = []
        while True:
            try:
                return operation()
            except B2Error as error:
                elapsed = clock() - started
                sleep(self._wait_after(errors, error, retryable, give_up, elapsed, rand(), description))

    async def run_async(
        self,
        operation: Callable[[], Awaitable[T]],
        *,
        description: str,
        retryable: Callable[[B2Error], bool] | None = None,
        give_up: Callable[[list[B2Error]], B2Error] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
    ) -> T:
        """:meth:`run` for asyncio (b2kit.aio): the same decisions, waiting with ``asyncio.sleep``."""
        started = clock()
        errors: list[B2Error] = []
        while True:
            try:
                return await operation()
            except B2Error as error:
                elapsed = clock() - started
                await sleep(self._wait_after(errors, error, retryable, give_up, elapsed, rand(), description))

    def _wait_after(
        self,
        errors: list[B2Error],
        error: B2Error,
        retryable: Callable[[B2Error], bool] | None,
        give_up: Callable[[list[B2Error]], B2Error] | None,
        elapsed: float,
        rand: float,
        description: str,
    ) -> float:
        """Record ``error`` and return the pause before the next attempt, or raise: ``error`` itself when it
        is not retryable or attempts or time ran out (``give_up(errors)`` then, when given)."""
        errors.append(error)
        if not (retryable or self.is_retryable)(error):
            raise error
        wait = self.delay(len(errors), error, rand)
        if len(errors) >= self.max_attempts or elapsed + wait > self.time_budget:
            if give_up is None:
                raise error
            raise give_up(errors) from error
        logger.debug("%s failed (%s); retry %d in %.2f s", description, error, len(errors), wait)
        return wait


DEFAULT_RETRY_POLICY = RetryPolicy()
"""For JSON calls, download requests and resumes of a broken download body."""

UPLOAD_RETRY_POLICY = RetryPolicy(max_attempts=5, initial_delay=0.1, max_delay=8.0)
"""For uploads, each attempt on a new upload URL (Retry-After still wins)."""
