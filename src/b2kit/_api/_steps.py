"""What an SDK method asks B2 and what it makes of the answer, without doing the asking (sans-IO).

``B2Api`` / ``Bucket`` and their asyncio twins ``AsyncB2Api`` / ``AsyncBucket`` share every decision through
these values; each twin only runs them (``session.call(...)`` or ``await session.call(...)``, see
``b2kit._api._drive`` and ``b2kit.aio._drive``):

- :class:`Exchange`: one request and how its answer becomes the method's result;
- :class:`PageSteps`: a listing: the first page's request, then, page by page, the items it yields and whether
  to go on, skip ahead or stop (plain listings are :class:`Listing`; ``ls`` is ``b2kit._api._ls.LsSteps``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from b2kit._wire import ApiCall, Page, PagedCall

A = TypeVar("A")
R = TypeVar("R")
T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Exchange(Generic[A, R]):
    """One request, and the function that turns its answer into the method's result."""

    call: ApiCall[A]
    shape: Callable[[A], R]


@dataclasses.dataclass(frozen=True)
class Step(Generic[T]):
    """What one page of a listing gives: its items, then stop, skip to ``restart``, or go on (neither)."""

    items: Sequence[T]
    stop: bool = False
    restart: PagedCall[Any] | None = None


class PageSteps(Protocol[T]):
    """The decisions of a listing: ``first`` (and ``limit`` items at most), then ``take`` of each page."""

    @property
    def first(self) -> PagedCall[Any]: ...

    @property
    def limit(self) -> int | None: ...

    def take(self, page: Page[Any]) -> Step[T]: ...


def as_is(answer: R) -> R:
    """The shape of an exchange whose result is the call's record itself."""
    return answer


def _always(_item: object) -> bool:
    return True


@dataclasses.dataclass(frozen=True)
class Listing(Generic[T]):
    """A plain listing: every item (a record) of every page, until ``goes_on`` refuses one (then stop)."""

    first: PagedCall[T]
    limit: int | None = None
    goes_on: Callable[[T], bool] = _always

    def take(self, page: Page[T]) -> Step[T]:
        items: list[T] = []
        for item in page.items:
            if not self.goes_on(item):
                return Step(items, stop=True)
            items.append(item)
        return Step(items)
