"""Transfers as steps: what an upload, copy or download decides, written once for the sync and async clients.

A *plan* is a generator that holds every decision of one transfer and does no I/O: it yields an *effect* (what
it needs done: a JSON call, an upload request with its body, blocking work, sub-plans in parallel, a retried
attempt, a download range to open or read) and receives the effect's answer; when the effect fails, its error
is raised inside the plan at that ``yield``, so the plan's own ``try``/``except`` decides what it means.

:class:`StepRunner` performs effects with the sync session and thread pool;
``b2kit.aio._steps.AsyncStepRunner`` performs the same effects on the event loop. A new rule of a transfer
is written in its plan, once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Generic, TypeVar, cast

from b2kit._exceptions import B2Error
from b2kit._models import FileVersion, Part
from b2kit._protocol import HEX_DIGITS_AT_END, SHA1_HEX_LENGTH
from b2kit._session._plans import Call as Call
from b2kit._session._plans import Emit as Emit
from b2kit._session._plans import Retried as Retried
from b2kit._session._plans import Steps as Steps
from b2kit._session._plans import advance as advance
from b2kit._session._plans import drive, iterate
from b2kit._transfer._file_range_body import FileRangeBody
from b2kit._transfer._parallel import run_all
from b2kit._transfer._progress import StreamProgress
from b2kit._transfer._upload_source import HashingStream, Readable
from b2kit._transport._retry import RetryPolicy
from b2kit._wire import ApiCall, DownloadFile, PagedCall, Upload, UploadFile, UploadPart

if TYPE_CHECKING:
    from pathlib import Path

    from b2kit._transfer._session_contract import TransferSession

T = TypeVar("T")
R = TypeVar("R")


# --- effects -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Items(Generic[T]):
    """Every item of a listing call, all pages (a list of its records)."""

    call: PagedCall[T]


@dataclass(frozen=True, slots=True)
class Finish:
    """``b2_finish_large_file`` through the session (which forgets the file's part upload URLs)."""

    file_id: str
    part_sha1s: Sequence[str]


@dataclass(frozen=True, slots=True)
class Work(Generic[T]):
    """CPU or disk work without the server (hashing, reading the source): inline in the sync client; in the
    async client's executor unless ``size`` (bytes handled) is small enough for the event loop."""

    function: Callable[..., T]
    args: tuple[Any, ...]
    size: int


@dataclass(frozen=True, slots=True)
class Parallel(Generic[T]):
    """Run sub-plans concurrently, at most ``limit`` at a time; the answer is their results in order. The
    first failure stops the ones not started yet and is raised."""

    plans: Sequence[Steps[T]]
    limit: int


@dataclass(frozen=True, slots=True)
class BodySpec:
    """What an upload body is made of; each client opens it its own way (the plan never reads it).

    ``local_file`` (path, offset in the file) marks a local file range whose SHA-1 is known: the sync client
    hands it to the kernel with ``sendfile``.
    """

    open: Callable[[], Readable]
    length: int
    known_sha1: str | None
    progress: StreamProgress
    local_file: tuple[Path, int] | None = None

    @property
    def content_sha1(self) -> str:
        """``X-Bz-Content-Sha1``: the known SHA-1, or B2's ``hex_digits_at_end``."""
        return self.known_sha1 or HEX_DIGITS_AT_END

    @property
    def content_length(self) -> int:
        """Bytes sent: the data, plus 40 hex digits when the SHA-1 is appended."""
        return self.length + (0 if self.known_sha1 else SHA1_HEX_LENGTH)

    def hashing_stream(self) -> HashingStream:
        """The body read in blocks, hashed on the way (or its known SHA-1), the trailer appended if needed."""
        return HashingStream(self.open, self.length, self.known_sha1 is None, self.progress, self.known_sha1)


@dataclass(frozen=True, slots=True)
class Send(Generic[R]):
    """One upload request: ``b2_upload_file`` to bucket ``target_id`` or ``b2_upload_part`` to large file
    ``target_id`` (pooled URL, retried on new URLs by the session); the answer is :class:`Sent`."""

    target_id: str
    request: Upload[R]
    body: BodySpec


@dataclass(frozen=True, slots=True)
class Sent(Generic[R]):
    """The upload's answer (the new file version or part) and the SHA-1 of the body that went out."""

    response: R
    sha1: str


@dataclass(frozen=True, slots=True)
class Download:
    """GET a download URL with the account token; the answer is the response, its body unread."""

    request: DownloadFile


@dataclass(frozen=True, slots=True)
class Read:
    """Up to ``amount`` bytes of a response's body (``b""`` at the end)."""

    response: Any
    amount: int


# --- typed helpers for plans -------------------------------------------------------------------------------


def call(description: ApiCall[R]) -> Steps[R]:
    """``result = yield from call(X(...))``: the typed answer of a JSON call."""
    result: R = yield Call(description)
    return result


def items(listing: PagedCall[T]) -> Steps[list[T]]:
    """``records = yield from items(X(...))``: every item of a listing, all pages."""
    result: list[T] = yield Items(listing)
    return result


def finish(file_id: str, part_sha1s: Sequence[str]) -> Steps[FileVersion]:
    """``result = yield from finish(file_id, sha1s)``: the large file's version."""
    result: FileVersion = yield Finish(file_id, part_sha1s)
    return result


def work(function: Callable[..., T], *args: Any, size: int) -> Steps[T]:
    """``result = yield from work(f, a, size=n)``: blocking work off the event loop when it is large."""
    result: T = yield Work(function, args, size)
    return result


def parallel(plans: Sequence[Steps[T]], limit: int) -> Steps[list[T]]:
    """``results = yield from parallel(plans, limit)``."""
    results: list[T] = yield Parallel(plans, limit)
    return results


def retried(
    policy: RetryPolicy,
    attempt: Callable[[], Steps[T]],
    description: str,
    retryable: Callable[[B2Error], bool] | None = None,
    give_up: Callable[[list[B2Error]], B2Error] | None = None,
) -> Steps[T]:
    """``result = yield from retried(policy, attempt, ...)``."""
    result: T = yield Retried(policy, attempt, description, retryable, give_up)
    return result


# --- the sync runner ---------------------------------------------------------------------------------------


class StepRunner:
    """Performs plans' effects with the sync session (calls, upload pools) and the thread pool.

    Without a session it performs only the effects that need none (work, retries, reading a body).
    """

    def __init__(self, session: TransferSession | None = None, executor: Executor | None = None) -> None:
        self._executor = executor
        self._perform: dict[type, Callable[[Any], Any]] = {
            Work: lambda effect: effect.function(*effect.args),
            Read: lambda effect: effect.response.read(effect.amount),
        }
        if executor is not None:
            self._perform[Parallel] = functools.partial(self._parallel, executor)
        if session is not None:
            self._perform.update(
                {
                    Call: lambda effect: session.call(effect.call),
                    Items: lambda effect: list(session.paged(effect.call).items()),
                    Finish: lambda effect: session.finish_large_file(effect.file_id, effect.part_sha1s),
                    Send: functools.partial(_send, session),
                    Download: lambda effect: session.download(effect.request),
                }
            )

    def run(self, plan: Steps[T]) -> T:
        """Run ``plan`` to its end and return its result (its errors are raised); it must emit nothing."""
        return drive(plan, self._perform_one)

    def _perform_one(self, effect: Any) -> Any:
        handler: Callable[[Any], Any] = self._perform.get(type(effect), _unknown)
        return handler(effect)

    def iterate(self, plan: Steps[T]) -> Generator[bytes, None, T]:
        """Run ``plan``, yielding what it emits (download chunks); returns its result."""
        return iterate(plan, self._perform_one)

    def _parallel(self, executor: Executor, effect: Parallel[Any]) -> list[Any]:
        return run_all(executor, [functools.partial(self.run, plan) for plan in effect.plans])


def _unknown(effect: object) -> Any:
    if type(effect) is Emit:
        raise RuntimeError("a plan emitted bytes where nobody reads them")
    raise TypeError(f"this runner cannot perform {type(effect).__name__}")


def _send(session: TransferSession, effect: Send[Any]) -> Sent[Any]:
    """An upload: a local file range with a known SHA-1 by ``sendfile``, anything else hashed on the way."""
    body = effect.body
    if body.local_file is not None and body.known_sha1 is not None:
        path, offset = body.local_file
        file_body = FileRangeBody(path, offset, body.length, body.progress)
        return Sent(_send_body(session, effect, cast(IO[bytes], file_body)), body.known_sha1)
    with body.hashing_stream() as stream:
        response = _send_body(session, effect, cast(IO[bytes], stream))
        return Sent(response, stream.hexdigest())


def _send_body(session: TransferSession, effect: Send[Any], body: IO[bytes]) -> FileVersion | Part:
    request = effect.request
    if isinstance(request, UploadPart):
        return session.send_part(effect.target_id, request, body)
    return session.send_file(effect.target_id, cast(UploadFile, request), body)
