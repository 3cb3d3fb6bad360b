"""The demo's sample folder (nested, non-ASCII names, one multi-part file) and its byte-for-byte check."""

from __future__ import annotations

import hashlib
import os
import random
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 20

SMALL_FILES = (
    "README.txt",
    "notes/2026/january.md",
    "notes/2026/février.md",
    "notes/todo list.txt",
    "photos/été/plage-01.jpg",
    "photos/été/plage-02.jpg",
    "photos/冬/雪.png",
    "données/résumé.csv",
    "données/naïve café.json",
    "deep/a/b/c/d/e/leaf.bin",
    "emoji/🎉 party.txt",
    "Ελληνικά/αρχείο.txt",
    "space name/with spaces.txt",
    "empty.txt",
)
LARGE_FILE = "videos/big-file.bin"


@dataclass(frozen=True)
class TreeStats:
    """How many files and bytes a tree holds."""

    files: int
    bytes: int


def _write_random(path: Path, size: int, rng: random.Random) -> None:
    """Write ``size`` pseudo-random bytes in 1 MiB chunks (never the whole file in memory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        left = size
        while left > 0:
            n = min(_CHUNK, left)
            out.write(rng.randbytes(n))
            left -= n


def make_sample_tree(root: Path, large_size: int, small_copies: int = 3, seed: int = 2026) -> TreeStats:
    """Create the sample folder under ``root``: small files in nested dirs plus one ``large_size`` file.

    Each small file is repeated ``small_copies`` times with a numeric suffix (0 copies = just the list).
    """
    rng = random.Random(seed)
    files = total = 0
    for name in SMALL_FILES:
        for copy in range(max(1, small_copies)):
            stem, dot, ext = name.rpartition(".")
            target = f"{stem}-{copy}{dot}{ext}" if copy else name
            size = 0 if name == "empty.txt" else rng.randint(1, 64 * 1024)
            _write_random(root / target, size, rng)
            files, total = files + 1, total + size
    _write_random(root / LARGE_FILE, large_size, rng)
    return TreeStats(files + 1, total + large_size)


def tree_digests(root: Path) -> dict[str, str]:
    """SHA-1 of every regular file under ``root``, keyed by ``/``-separated relative path."""
    digests: dict[str, str] = {}
    for dirpath, _dirnames, filenames in os.walk(root):
        for filename in filenames:
            path = Path(dirpath) / filename
            sha1 = hashlib.sha1()
            with path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    sha1.update(chunk)
            digests[path.relative_to(root).as_posix()] = sha1.hexdigest()
    return digests


def compare_trees(expected: Path, actual: Path) -> list[str]:
    """Differences between two trees (missing, extra, or different content); empty when identical."""
    want, got = tree_digests(expected), tree_digests(actual)
    problems = [f"missing: {name}" for name in sorted(want.keys() - got.keys())]
    problems += [f"unexpected: {name}" for name in sorted(got.keys() - want.keys())]
    problems += [
        f"content differs: {name}" for name in sorted(want.keys() & got.keys()) if want[name] != got[name]
    ]
    return problems
