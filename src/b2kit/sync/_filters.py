"""Which relative names and directories a sync looks at (include/exclude regexes)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from b2kit.sync._options import SyncOptions


@dataclass(frozen=True)
class NameFilter:
    """Compiled include/exclude regexes.

    A file is skipped when an exclude regex matches the start of its relative path and no include regex
    does; a directory is skipped (with everything under it) when an exclude-dir regex matches its whole
    relative path.
    """

    exclude: tuple[re.Pattern[str], ...] = ()
    include: tuple[re.Pattern[str], ...] = ()
    exclude_dirs: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def from_options(cls, options: SyncOptions) -> NameFilter:
        return cls(
            exclude=tuple(re.compile(p) for p in options.exclude_regexes),
            include=tuple(re.compile(p) for p in options.include_regexes),
            exclude_dirs=tuple(re.compile(p) for p in options.exclude_dir_regexes),
        )

    def excludes_file(self, name: str) -> bool:
        """True when the file ``name`` (relative, ``/``-separated) is left out of the sync."""
        if any(p.match(name) for p in self.include):
            return False
        return any(p.match(name) for p in self.exclude)

    def excludes_dir(self, dir_name: str) -> bool:
        """True when directory ``dir_name`` (relative, no trailing ``/``) is left out with its contents."""
        return any(p.fullmatch(dir_name) for p in self.exclude_dirs)

    def excludes_any_parent(self, name: str) -> bool:
        """True when any directory on the way to ``name`` is excluded (for flat B2 listings)."""
        parts = name.split("/")[:-1]
        return any(self.excludes_dir("/".join(parts[: i + 1])) for i in range(len(parts)))


@dataclass(frozen=True)
class ScanPolicy:
    """What a folder walk reports: names passing the filter; symlinks followed or not (local side)."""

    name_filter: NameFilter = NameFilter()
    follow_symlinks: bool = True

    @classmethod
    def from_options(cls, options: SyncOptions) -> ScanPolicy:
        return cls(NameFilter.from_options(options), options.follow_symlinks)


SCAN_EVERYTHING = ScanPolicy()
"""The default policy: no filters, symlinks followed."""
