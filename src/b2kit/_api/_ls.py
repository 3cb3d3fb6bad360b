"""The decisions of ``Bucket.ls`` / ``AsyncBucket.ls``, page by page, without I/O.

``ls`` emulates folders on B2's flat namespace the way b2sdk does: it lists with a prefix and, when a page
ends inside a sub-folder, jumps past that folder instead of paging through its contents. A path that may
name a file (``path=`` or ``folder_to_list_can_be_a_file=True``) is first looked up as a file: the versions
of exactly that name; only when there are none is it listed as a folder.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Sequence

from b2kit import _protocol as p
from b2kit._api._listing_filters import FilterLike, NameMatcher, wildcard_prefix
from b2kit._api._steps import Step
from b2kit._models import FileVersion
from b2kit._wire import ListFileNames, ListFileVersions, Page

LIST_FILE_NAMES_MAX = p.MAX_LIST_FILE_COUNT

Entry = tuple[FileVersion, str | None]
"""What ``ls`` yields: a file version and, for the first file found in a sub-folder, that folder's name."""


@dataclasses.dataclass(frozen=True)
class LsQuery:
    """The arguments of ``ls`` as the caller gave them (b2sdk's names and meanings)."""

    folder_to_list: str = ""
    show_versions: bool = False
    recursive: bool = False
    fetch_count: int | None = LIST_FILE_NAMES_MAX
    path: str | None = None
    latest_only: bool | None = None
    with_wildcard: bool = False
    filters: Sequence[FilterLike] = ()
    folder_to_list_can_be_a_file: bool = False

    @property
    def target(self) -> str:
        return self.path if self.path is not None else self.folder_to_list

    @property
    def versions(self) -> bool:
        """Every version (``show_versions``, or b2sdk 2.x's ``latest_only=False``), not only the current."""
        return self.show_versions if self.latest_only is None else not self.latest_only

    @property
    def may_be_a_file(self) -> bool:
        """Whether the target is first looked up as a file name."""
        asked = self.path is not None or self.folder_to_list_can_be_a_file
        target = self.target
        return asked and bool(target) and not self.with_wildcard and not target.endswith("/")

    @property
    def prefix(self) -> str:
        """The folder listed: the target (or a wildcard pattern's folder part), ending in ``/``."""
        prefix = wildcard_prefix(self.target) if self.with_wildcard else self.target
        return prefix + "/" if prefix and not prefix.endswith("/") else prefix


def starting_at(first: ListFileNames | ListFileVersions, file_name: str) -> ListFileNames | ListFileVersions:
    """``first`` continued from ``file_name`` (a version listing from that name's newest version)."""
    if isinstance(first, ListFileVersions):
        return dataclasses.replace(first, start_file_name=file_name, start_file_id=None)
    return dataclasses.replace(first, start_file_name=file_name)


class LsSteps:
    """``ls`` as page steps (``b2kit._api._steps.PageSteps``): the file lookup, then the folder walk."""

    limit = None

    def __init__(self, bucket_id: str, query: LsQuery) -> None:
        if query.with_wildcard and not query.recursive:
            raise ValueError("with_wildcard needs recursive=True")
        self._query = query
        self._matcher = NameMatcher(query.filters)
        self._prefix = prefix = query.prefix
        count = query.fetch_count or LIST_FILE_NAMES_MAX
        self._walk_first: ListFileNames | ListFileVersions = (
            ListFileVersions(bucket_id, prefix, None, count, prefix)
            if query.versions
            else ListFileNames(bucket_id, prefix, count, prefix)
        )
        self._current_dir: str | None = None
        self._probe: ListFileVersions | None = None
        self._found: list[FileVersion] = []
        if query.may_be_a_file:
            target = query.target
            self._probe = ListFileVersions(bucket_id, target, None, query.fetch_count or count, target)

    @property
    def first(self) -> ListFileNames | ListFileVersions:
        return self._probe if self._probe is not None else self._walk_first

    def take(self, page: Page[FileVersion]) -> Step[Entry]:
        if self._probe is not None:
            return self._take_probe(self._probe, page)
        return self._take_folder(page)

    # --- the path as a file --------------------------------------------------------------------------------

    def _take_probe(self, probe: ListFileVersions, page: Page[FileVersion]) -> Step[Entry]:
        """Collect the versions of exactly the target name; when done, show them or go on as a folder."""
        for version in page.items:
            if version.file_name != self._query.target:
                return self._probed()
            self._found.append(version)
            if not self._query.versions:
                return self._probed()
        if probe.next_page(page) is None:
            return self._probed()
        return Step(())

    def _probed(self) -> Step[Entry]:
        self._probe = None
        if not self._found:
            return Step((), restart=self._walk_first)
        versions = self._query.versions
        return Step([(v, None) for v in self._found if versions or v.action == "upload"], stop=True)

    # --- the path as a folder ------------------------------------------------------------------------------

    def _take_folder(self, page: Page[FileVersion]) -> Step[Entry]:
        """The files directly in the folder (and each sub-folder once); skip the sub-folder a page ends in.

        Names the wildcard or the filters refuse are skipped before folders are formed, so a folder shows
        when any name in it passes (as in b2sdk).
        """
        entries: list[Entry] = []
        for version in page.items:
            if not version.file_name.startswith(self._prefix):
                return Step(entries, stop=True)
            if not self._keeps(version.file_name):
                continue
            entry = self._entry(version)
            if entry is not None:
                entries.append(entry)
        following = self._walk_first.next_page(page)
        next_name = following.start_file_name if following is not None else None
        restart = None
        if next_name and self._current_dir is not None:
            # Skip the rest of the folder: "0" is the character right after "/".
            skip_to = max(next_name, self._prefix + self._current_dir[:-1] + "0")
            restart = starting_at(self._walk_first, skip_to)
        return Step(entries, restart=restart)

    def _entry(self, version: FileVersion) -> Entry | None:
        """``(version, None)`` for a file, ``(version, folder)`` for a sub-folder's first file, else None."""
        after_prefix = version.file_name[len(self._prefix) :]
        if self._query.recursive or "/" not in after_prefix:
            self._current_dir = None
            return version, None
        folder = after_prefix.split("/", 1)[0] + "/"
        if folder == self._current_dir:
            return None
        self._current_dir = folder
        return version, self._prefix + folder

    def _keeps(self, name: str) -> bool:
        """Whether ``name`` passes the wildcard pattern and the filters."""
        query = self._query
        wildcard = not query.with_wildcard or fnmatch.fnmatchcase(name, query.target)
        return wildcard and self._matcher.keeps(name)
