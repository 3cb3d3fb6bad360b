"""What the session decides, for both clients: upload URLs and their retries, renewing the account token.

A *plan* is a generator that holds the decisions and does no I/O: it yields an effect (send a JSON call, send
the upload once to a URL, renew the token, run the operation once, retry an attempt as a policy allows) and
receives the answer; an effect's error is raised inside the plan at that ``yield``. :func:`drive` runs a plan
with a sync ``perform``; ``b2kit.aio._plans.drive`` runs the same plans with awaited effects. The transfer
layer's plans (:mod:`b2kit._transfer._steps`) are built the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Generic, TypeAlias, TypeVar, cast

from b2kit._exceptions import B2Error, InvalidAuthToken, MaxRetriesExceeded, Unauthorized
from b2kit._transport._retry import RetryPolicy
from b2kit._wire import ApiCall, GetUploadPartUrl, GetUploadUrl, UploadUrl

if TYPE_CHECKING:
    from b2kit._account_info import AbstractAccountInfo

T = TypeVar("T")
R = TypeVar("R")

Steps: TypeAlias = Generator[Any, Any, T]
"""A plan: yields effects, receives their answers, returns its result."""

RENEW_ONCE: Final = RetryPolicy(max_attempts=2, initial_delay=0.0, max_delay=0.0)
"""A call that failed on an expired account token is sent once more, at once, after re-authorizing."""


# --- effects ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Call(Generic[R]):
    """Send a JSON endpoint description through the session; the answer is its parsed result."""

    call: ApiCall[R]


@dataclass(frozen=True, slots=True)
class Retried(Generic[T]):
    """Run ``attempt()`` (a fresh plan each time) as ``policy`` allows (:meth:`RetryPolicy.run`'s rules)."""

    policy: RetryPolicy
    attempt: Callable[[], Steps[T]]
    description: str
    retryable: Callable[[B2Error], bool] | None = None
    give_up: Callable[[list[B2Error]], B2Error] | None = None


@dataclass(frozen=True, slots=True)
class SendTo:
    """Send the upload once to ``url`` with ``token`` (the body from its start); answer: the parsed result."""

    url: str
    token: str


@dataclass(frozen=True, slots=True)
class Renew:
    """Authorize again unless ``failed_token`` was replaced already; answer: True when a new token is in."""

    failed_token: str | None


@dataclass(frozen=True, slots=True)
class Attempt:
    """Run the operation once (a call, a download, a HEAD with the current token); answer: its result."""


ATTEMPT: Final = Attempt()


@dataclass(frozen=True, slots=True)
class Emit:
    """Hand ``data`` to whoever iterates the plan (a chunk of a download); the answer is None."""

    data: bytes


# --- running a plan --------------------------------------------------------------------------------------


def advance(plan: Steps[T], answer: Any, error: BaseException | None) -> Any:
    """Give ``plan`` the last effect's answer (or raise its error inside it); returns the next effect.

    StopIteration carries the plan's result.
    """
    if error is None:
        return plan.send(answer)
    return plan.throw(error)


def drive(plan: Steps[T], perform: Callable[[Any], Any]) -> T:
    """Run ``plan`` to its end with ``perform(effect)`` and return its result; it must emit nothing."""
    chunks = iterate(plan, perform)
    try:
        next(chunks)
    except StopIteration as stop:
        return cast(T, stop.value)
    chunks.close()
    raise RuntimeError("a plan emitted bytes where nobody reads them")


def iterate(plan: Steps[T], perform: Callable[[Any], Any]) -> Generator[bytes, None, T]:
    """Run ``plan`` with ``perform(effect)``, yielding what it emits; returns its result. The one sync loop:
    :class:`Retried` is run here, by its policy; an effect's error is raised inside the plan."""
    answer: Any = None
    error: BaseException | None = None
    try:
        while True:
            try:
                effect = advance(plan, answer, error)
            except StopIteration as stop:
                return cast(T, stop.value)
            answer = error = None
            if type(effect) is Emit:
                yield effect.data
                continue
            try:
                answer = retry(effect, perform) if type(effect) is Retried else perform(effect)
            except BaseException as exc:  # raised inside the plan, which decides
                error = exc
    finally:
        plan.close()


def retry(effect: Retried[T], perform: Callable[[Any], Any]) -> T:
    """A :class:`Retried` effect run by its policy, each attempt a fresh plan driven with ``perform``."""
    return effect.policy.run(
        lambda: drive(effect.attempt(), perform),
        description=effect.description,
        retryable=effect.retryable,
        give_up=effect.give_up,
    )


# --- plans -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadTarget:
    """Where an upload goes: the upload URLs of a bucket (``b2_upload_file``) or of a large file's parts."""

    bucket_id: str | None = None
    large_file_id: str | None = None

    def take(self, info: AbstractAccountInfo) -> tuple[str, str] | None:
        """A pooled (URL, token) that no other upload uses, if any."""
        if self.large_file_id is not None:
            return info.take_large_file_upload_url(self.large_file_id)
        return info.take_bucket_upload_url(cast(str, self.bucket_id))

    def put(self, info: AbstractAccountInfo, url: str, token: str) -> None:
        """Give a URL that just served an upload back to the pool."""
        if self.large_file_id is not None:
            info.put_large_file_upload_url(self.large_file_id, url, token)
        else:
            info.put_bucket_upload_url(cast(str, self.bucket_id), url, token)

    def url_call(self) -> ApiCall[UploadUrl]:
        """The call that gets a new upload URL for this target."""
        if self.large_file_id is not None:
            return GetUploadPartUrl(self.large_file_id)
        return GetUploadUrl(cast(str, self.bucket_id))


def upload_steps(
    target: UploadTarget,
    info: AbstractAccountInfo,
    policy: RetryPolicy,
    what: str,
    repeatable: bool,
    explain: Callable[[Unauthorized], Unauthorized],
) -> Steps[Any]:
    """One upload: on a pooled URL (or a new one), put back only after success; a retryable failure drops the
    URL and tries again on a new one as ``policy`` allows (only when the body can be sent again), then
    :class:`MaxRetriesExceeded`. A URL that cannot be had is not an upload to try again."""
    fetch_errors: list[B2Error] = []

    def attempt() -> Steps[Any]:
        pooled = target.take(info)
        if pooled is None:
            try:
                fresh: UploadUrl = yield Call(target.url_call())
            except B2Error as exc:
                fetch_errors.append(exc)
                raise
            pooled = (fresh.upload_url, fresh.authorization_token)
        url, token = pooled
        try:
            response = yield SendTo(url, token)
        except Unauthorized as exc:
            if not exc.should_retry_upload():
                raise explain(exc) from exc
            raise
        target.put(info, url, token)
        return response

    def retryable(error: B2Error) -> bool:
        return error not in fetch_errors and error.should_retry_upload() and repeatable

    def give_up(errors: list[B2Error]) -> B2Error:
        return MaxRetriesExceeded(len(errors), errors)

    description = f"{what} (next attempt on a new upload URL)"
    return (yield Retried(policy, attempt, description, retryable, give_up))


def renewing_steps(token: str | None, explain: Callable[[Unauthorized], Unauthorized]) -> Steps[Any]:
    """The operation (:data:`ATTEMPT`), once more after renewing the account token when it was not valid any
    more; other refusals get the key's restrictions in their message (``explain``).

    A HEAD error has no body, so no code: a body-less 401 may be an expired token too.
    """
    expired: list[B2Error] = []

    def renewable(error: B2Error) -> bool:
        if expired or not isinstance(error, Unauthorized):
            return False
        if not isinstance(error, InvalidAuthToken) and error.code is not None:
            return False
        expired.append(error)
        return True

    def attempt() -> Steps[Any]:
        if expired and not (yield Renew(token)):
            raise expired[0]
        return (yield ATTEMPT)

    try:
        return (yield Retried(RENEW_ONCE, attempt, "call with a renewed account token", renewable))
    except InvalidAuthToken:
        raise
    except Unauthorized as exc:
        raise explain(exc) from exc
