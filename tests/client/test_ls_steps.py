"""The sans-IO decisions shared by Bucket.ls / AsyncBucket.ls and the plain listings, fed made-up answers."""

from __future__ import annotations

import pytest

from b2kit import Filter
from b2kit._api._ls import LsQuery, LsSteps
from b2kit._api._steps import Listing
from b2kit._models import FileVersion
from b2kit._wire import ListFileNames, ListFileVersions, Page


def page(*names: str, next_name: str | None = None, action: str = "upload") -> Page[FileVersion]:
    files = [{"fileName": name, "fileId": f"id-{name}", "action": action} for name in names]
    return ListFileNames("b").parse({"files": files, "nextFileName": next_name, "nextFileId": None})


def shown(steps: LsSteps, answer: Page[FileVersion]) -> list[tuple[str, str | None]]:
    return [(version.file_name, folder) for version, folder in steps.take(answer).items]


def test_a_folder_lists_its_files_and_each_sub_folder_once():
    steps = LsSteps("b", LsQuery("dir"))
    assert steps.first == ListFileNames("b", "dir/", 10000, "dir/")
    step = steps.take(page("dir/a", "dir/sub/x", "dir/sub/y", "dir/z", "other"))
    assert [(v.file_name, f) for v, f in step.items] == [
        ("dir/a", None),
        ("dir/sub/x", "dir/sub/"),
        ("dir/z", None),
    ]
    assert step.stop


def test_a_page_ending_inside_a_sub_folder_skips_past_it():
    steps = LsSteps("b", LsQuery("", fetch_count=2))
    step = steps.take(page("a", "sub/1", next_name="sub/2"))
    assert not step.stop
    assert step.restart == ListFileNames("b", "sub0", 2, "")


def test_versions_restart_from_the_newest_version_of_the_name_skipped_to():
    steps = LsSteps("b", LsQuery("", show_versions=True, fetch_count=2))
    assert isinstance(steps.first, ListFileVersions)
    step = steps.take(page("sub/1", "sub/1", next_name="sub/1"))
    assert step.restart == ListFileVersions("b", "sub0", None, 2, "")


def test_filters_apply_before_folders_form():
    steps = LsSteps("b", LsQuery("", filters=[Filter.include("*.txt")]))
    assert shown(steps, page("a.bin", "d/x.bin", "d/y.txt", "e/z.bin")) == [("d/y.txt", "d/")]


def test_a_wildcard_needs_recursive():
    with pytest.raises(ValueError, match="recursive"):
        LsSteps("b", LsQuery("*.txt", with_wildcard=True))


def test_a_path_naming_a_file_shows_that_file_only():
    steps = LsSteps("b", LsQuery(path="a.txt"))
    assert steps.first == ListFileVersions("b", "a.txt", None, 10000, "a.txt")
    step = steps.take(page("a.txt", "a.txt/inside"))
    assert [(v.file_name, f) for v, f in step.items] == [("a.txt", None)]
    assert step.stop


def test_a_path_naming_no_file_is_listed_as_a_folder():
    steps = LsSteps("b", LsQuery(path="dir"))
    step = steps.take(page("dir/a"))
    assert not step.items and not step.stop
    assert step.restart == ListFileNames("b", "dir/", 10000, "dir/")
    assert shown(steps, page("dir/a")) == [("dir/a", None)]


def test_a_hidden_file_named_by_the_path_shows_nothing():
    steps = LsSteps("b", LsQuery(path="a.txt"))
    step = steps.take(page("a.txt", action="hide"))
    assert not step.items and step.stop


def test_a_listing_stops_at_the_first_item_it_refuses():
    first = ListFileVersions("b", "n", None, 10, "n")
    listing = Listing(first, goes_on=lambda v: v.file_name == "n")
    step = listing.take(page("n", "n", "n2", "n"))
    assert [v.file_name for v in step.items] == ["n", "n"]
    assert step.stop
