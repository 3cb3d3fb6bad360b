"""A local directory as a sync side: a sorted walk yielding entries named like B2 files."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from b2kit._protocol import file_name_problem
from b2kit.sync._entries import SyncEntry
from b2kit.sync._filters import SCAN_EVERYTHING, ScanPolicy

PARTIAL_SUFFIX = ".b2kit-partial"
"""Downloads are written as ``.<name>.<random>.b2kit-partial`` first (see ``_download``); walks skip them."""

WarningSink = Callable[[str], None]


def _ignore(_message: str) -> None:
    """Default warning sink: drop the message."""


@dataclass(frozen=True)
class LocalFolder:
    """A local directory tree rooted at ``root``; relative names use ``/`` whatever the OS."""

    root: Path

    def __str__(self) -> str:
        return str(self.root)

    def full_path(self, name: str) -> Path:
        """The local path for relative name ``name``."""
        return self.root.joinpath(*name.split("/"))

    def walk(self, policy: ScanPolicy = SCAN_EVERYTHING, warn: WarningSink = _ignore) -> Iterator[SyncEntry]:
        """Yield every file under the root the policy lets through, sorted by UTF-8 byte (code point) order.

        Unreadable entries, broken symlinks, symlink loops and names B2 cannot store are reported to
        ``warn`` and skipped. A missing root yields nothing.
        """
        if not self.root.is_dir():
            return
        root_stat = self.root.stat()
        yield from _Walk(policy, warn).directory(self.root, "", {(root_stat.st_dev, root_stat.st_ino)})


@dataclass(frozen=True)
class _Walk:
    """One recursive walk under a policy."""

    policy: ScanPolicy
    warn: WarningSink

    def directory(self, directory: Path, prefix: str, ancestors: set[tuple[int, int]]) -> Iterator[SyncEntry]:
        try:
            children = sorted(self._children(directory, prefix), key=lambda child: child[0])
        except OSError as exc:
            self.warn(f"cannot read directory {directory}: {exc.strerror}")
            return
        for sort_key, name, st in children:
            if sort_key.endswith("/"):
                identity = (st.st_dev, st.st_ino)
                if identity in ancestors:
                    self.warn(f"skipping symlink loop at {directory / name}")
                    continue
                yield from self.directory(directory / name, sort_key, ancestors | {identity})
            else:
                yield SyncEntry(sort_key, st.st_size, st.st_mtime_ns // 1_000_000)

    def _children(self, directory: Path, prefix: str) -> Iterator[tuple[str, str, os.stat_result]]:
        """Yield (relative sort key, entry name, stat) for the entries of one directory to visit."""
        with os.scandir(directory) as scan:
            for item in scan:
                relative = prefix + item.name
                problem = file_name_problem(relative)
                if problem is not None:
                    self.warn(f"skipping {item.path!r}: {problem}")
                    continue
                if item.is_symlink() and not self.policy.follow_symlinks:
                    continue
                try:
                    st = item.stat(follow_symlinks=True)
                except OSError:
                    self.warn(f"skipping broken symlink or unreadable file {item.path}")
                    continue
                if stat.S_ISDIR(st.st_mode):
                    if not self.policy.name_filter.excludes_dir(relative):
                        yield relative + "/", item.name, st
                elif stat.S_ISREG(st.st_mode) and self._wanted_file(relative):
                    yield relative, item.name, st

    def _wanted_file(self, relative: str) -> bool:
        return not relative.endswith(PARTIAL_SUFFIX) and not self.policy.name_filter.excludes_file(relative)
