"""The one pagination loop of the SDK: fetch a listing call's pages, following each answer's cursor."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from b2kit._models import JSON
from b2kit._wire import PagedCall

C = TypeVar("C", bound=PagedCall)


class Pager(Generic[C]):
    """Pages of ``first`` and its successors (``next_page``), at most ``limit`` items in all when given.

    :meth:`restart_at` replaces the call of the next page (a listing that skips ahead, like ``Bucket.ls``).
    """

    def __init__(self, fetch: Callable[[C], JSON], first: C, limit: int | None = None) -> None:
        self._fetch = fetch
        self._next: C | None = first
        self._remaining = limit
        self._items_key = first.items_key

    def pages(self) -> Iterator[JSON]:
        """Each answer in turn, fetched only when the previous one has been consumed."""
        while self._next is not None and (self._remaining is None or self._remaining > 0):
            call = self._next
            size = call.page_size()
            if self._remaining is not None and (size is None or size > self._remaining):
                call = call.with_page_size(self._remaining)
            answer = self._fetch(call)
            self._next = call.next_page(answer)
            if self._remaining is not None:
                self._remaining -= len(answer[call.items_key])
            yield answer

    def items(self) -> Iterator[Any]:
        """Every item of every page."""
        for page in self.pages():
            yield from page[self._items_key]

    def restart_at(self, call: C | None) -> None:
        """Fetch ``call`` as the next page (None: stop after this one)."""
        self._next = call
