"""The one pagination loop: follows each answer's cursor, stops at the limit, and can skip ahead."""

from __future__ import annotations

from b2kit._models import FileVersion
from b2kit._session._pager import Pager
from b2kit._wire import ListFileNames, Page

NAMES = [f"f{i:02}" for i in range(10)]


def fake_listing(calls: list[ListFileNames]):
    """Answers b2_list_file_names over NAMES the way B2 does (pure stand-in for one function)."""

    def fetch(call: ListFileNames) -> Page[FileVersion]:
        calls.append(call)
        rest = [n for n in NAMES if n >= (call.start_file_name or "")]
        page, more = rest[: call.max_file_count], rest[call.max_file_count :]
        return call.parse(
            {"files": [{"fileName": n} for n in page], "nextFileName": more[0] if more else None}
        )

    return fetch


def test_pages_follow_the_cursor_to_the_end():
    calls: list[ListFileNames] = []
    items = [version.raw for version in Pager(fake_listing(calls), ListFileNames("b", None, 4)).items()]
    assert [item["fileName"] for item in items] == NAMES
    assert [call.start_file_name for call in calls] == [None, "f04", "f08"]


def test_limit_shrinks_the_last_page():
    calls: list[ListFileNames] = []
    items = list(Pager(fake_listing(calls), ListFileNames("b", None, 4), limit=6).items())
    assert len(items) == 6
    assert [call.max_file_count for call in calls] == [4, 2]


def test_restart_at_skips_ahead():
    calls: list[ListFileNames] = []
    pager = Pager(fake_listing(calls), ListFileNames("b", None, 3))
    seen = []
    for page in pager.pages():
        seen += [version.file_name for version in page.items]
        if len(calls) == 1:
            pager.restart_at(ListFileNames("b", "f07", 3))
    assert seen == ["f00", "f01", "f02", "f07", "f08", "f09"]
