"""The one pagination loop of the SDK: fetch a listing call's pages, following each page's cursor."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from b2kit._wire import Page, PagedCall

T = TypeVar("T")


class Pager(Generic[T]):
    """Pages of ``first`` and its successors (``next_page``), at most ``limit`` items in all when given.

    :meth:`restart_at` replaces the call of the next page (a listing that skips ahead, like ``Bucket.ls``).
    """

    def __init__(
        self, fetch: Callable[[PagedCall[T]], Page[T]], first: PagedCall[T], limit: int | None = None
    ) -> None:
        self._fetch = fetch
        self._next: PagedCall[T] | None = first
        self._remaining = limit

    def pages(self) -> Iterator[Page[T]]:
        """Each page in turn, fetched only when the previous one has been consumed."""
        while self._next is not None and (self._remaining is None or self._remaining > 0):
            call = self._next
            size = call.page_size()
            if self._remaining is not None and (size is None or size > self._remaining):
                call = call.with_page_size(self._remaining)
            page = self._fetch(call)
            self._next = call.next_page(page)
            if self._remaining is not None:
                self._remaining -= len(page.items)
            yield page

    def items(self) -> Iterator[T]:
        """Every item of every page."""
        for page in self.pages():
            yield from page.items

    def restart_at(self, call: PagedCall[T] | None) -> None:
        """Fetch ``call`` as the next page (None: stop after this one)."""
        self._next = call
