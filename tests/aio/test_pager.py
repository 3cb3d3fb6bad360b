"""AsyncPager follows a listing's cursor page by page and stops at the item limit (the sync Pager's rules)."""

from __future__ import annotations

import asyncio

from b2kit._models import FileVersion
from b2kit._wire import ListFileNames, Page
from b2kit.aio._session import AsyncPager

NAMES = [f"f{n:02d}" for n in range(7)]


class Pages:
    """Answers ListFileNames from a list of names, as the server would; records the calls."""

    def __init__(self) -> None:
        self.calls: list[ListFileNames] = []

    async def call(self, call: ListFileNames) -> Page[FileVersion]:
        self.calls.append(call)
        start = NAMES.index(call.start_file_name) if call.start_file_name else 0
        size = call.max_file_count or 1000
        files = [{"fileName": name} for name in NAMES[start : start + size]]
        following = NAMES[start + size] if start + size < len(NAMES) else None
        return call.parse({"files": files, "nextFileName": following})


def collect(pager: AsyncPager[FileVersion]) -> list[str]:
    async def run() -> list[str]:
        return [item.file_name async for item in pager.items()]

    return asyncio.run(run())


def test_every_page_is_fetched_by_its_cursor():
    pages = Pages()
    assert collect(AsyncPager(pages, ListFileNames("b", None, 3))) == NAMES
    assert [c.start_file_name for c in pages.calls] == [None, "f03", "f06"]


def test_a_limit_shrinks_the_last_page_and_stops():
    pages = Pages()
    assert collect(AsyncPager(pages, ListFileNames("b", None, 3), limit=4)) == NAMES[:4]
    assert [c.max_file_count for c in pages.calls] == [3, 1]


def test_restart_at_skips_ahead():
    pages = Pages()
    pager = AsyncPager(pages, ListFileNames("b", None, 2))

    async def run() -> list[str]:
        seen = []
        async for page in pager.pages():
            seen += [item.file_name for item in page.items]
            if seen == ["f00", "f01"]:
                pager.restart_at(ListFileNames("b", "f05", 2))
        return seen

    assert asyncio.run(run()) == ["f00", "f01", "f05", "f06"]
