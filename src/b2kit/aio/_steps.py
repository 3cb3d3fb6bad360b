"""The asyncio step runner: performs the effects of :mod:`b2kit._transfer._steps` plans on the event loop.

The same plans as the sync client (upload, copy, download decisions live there, once); here an effect is
awaited: JSON calls and uploads through :class:`~b2kit.aio._session.AsyncB2Session`, parallel sub-plans as
tasks (at most ``limit`` at a time, the first failure cancels the rest), blocking work in the executor when
it is larger than the loop should spend, retries with :meth:`RetryPolicy.run_async`.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import Executor
from typing import Any, Final, TypeVar, cast

from b2kit._models import FileVersion, Part
from b2kit._transfer._steps import (
    BodySpec,
    Call,
    Download,
    Finish,
    Items,
    Parallel,
    Read,
    Send,
    Sent,
    Steps,
    Work,
)
from b2kit._transfer._upload_source import HashingStream
from b2kit._wire import UploadFile, UploadPart
from b2kit.aio._plans import drive, iterate
from b2kit.aio._session import AsyncB2Session, UploadBody
from b2kit.aio._tasks import run_all

T = TypeVar("T")

BLOCK: Final = 1024 * 1024
INLINE_WORK_BYTES: Final = 128 * 1024
"""Work on up to this many bytes (hashing, a small body) runs on the loop: well under a millisecond."""


class AsyncStepRunner:
    """Performs plans' effects with the async session; blocking work goes to ``executor`` (default: the
    loop's)."""

    def __init__(self, session: AsyncB2Session, executor: Executor | None = None) -> None:
        self._session = session
        self._executor = executor
        self._perform: dict[type, Callable[[Any], Awaitable[Any]]] = {
            Call: lambda effect: session.call(effect.call),
            Items: self._items,
            Finish: lambda effect: session.finish_large_file(effect.file_id, effect.part_sha1s),
            Work: lambda effect: self.work(effect.function, *effect.args, size=effect.size),
            Parallel: self._parallel,
            Send: self._send,
            Download: lambda effect: session.download(effect.request),
            Read: lambda effect: effect.response.read(effect.amount),
        }

    async def run(self, plan: Steps[T]) -> T:
        """Run ``plan`` to its end and return its result (its errors are raised); it must emit nothing."""
        return await drive(plan, self._perform_one)

    def _perform_one(self, effect: Any) -> Awaitable[Any]:
        handler = self._perform.get(type(effect))
        if handler is None:
            raise TypeError(f"this runner cannot perform {type(effect).__name__}")
        return handler(effect)

    def iterate(self, plan: Steps[T], result: list[T] | None = None) -> AsyncIterator[bytes]:
        """Run ``plan``, yielding what it emits (download chunks); its result is appended to ``result``."""
        return iterate(plan, self._perform_one, result)

    async def work(self, function: Callable[..., T], *args: Any, size: int) -> T:
        """``function(*args)`` on the loop when ``size`` is small, else in the executor."""
        if size <= INLINE_WORK_BYTES:
            return function(*args)
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    async def _items(self, effect: Items[Any]) -> list[Any]:
        return [item async for item in self._session.paged(effect.call).items()]

    async def _parallel(self, effect: Parallel[Any]) -> list[Any]:
        slots = asyncio.Semaphore(max(1, effect.limit))

        async def one(plan: Steps[Any]) -> Any:
            async with slots:
                return await self.run(plan)

        return await run_all(one(plan) for plan in effect.plans)

    async def _send(self, effect: Send[Any]) -> Sent[Any]:
        stream = await self.work(effect.body.hashing_stream, size=effect.body.length)
        try:
            body = await self._body(stream, effect.body)
            request = effect.request
            response: FileVersion | Part
            if isinstance(request, UploadPart):
                response = await self._session.send_part(effect.target_id, request, body)
            else:
                response = await self._session.send_file(effect.target_id, cast(UploadFile, request), body)
            return Sent(response, stream.hexdigest())
        finally:
            stream.close()

    async def _body(self, stream: HashingStream, spec: BodySpec) -> UploadBody:
        """Bytes for a small body; otherwise a factory of async streams read in the executor (each attempt
        starts the stream over)."""
        if spec.length <= INLINE_WORK_BYTES:
            stream.seek(0)
            return b"".join(iter(functools.partial(stream.read, len(stream)), b""))  # reads may be short

        async def blocks() -> AsyncIterator[bytes]:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(self._executor, stream.seek, 0)
            while chunk := await loop.run_in_executor(self._executor, stream.read, BLOCK):
                yield chunk

        return blocks
