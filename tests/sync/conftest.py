"""Fixtures for sync tests: an authorized B2Api on the test server, a bucket, a sample tree."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from b2kit import B2Api, Bucket, InMemoryAccountInfo
from b2kit.server import LocalServer

TREE = {
    "a.txt": b"alpha",
    "b/c.txt": b"charlie" * 100,
    "b/d/e.bin": bytes(range(256)) * 40,
    "b-side.txt": b"sorted between b and b/",
    "données/résumé.csv": "é,ü\n".encode() * 50,
    "日本/ファイル.txt": b"kanji",
    "space dir/a file.txt": b"spaces",
    "empty": b"",
}
BIG_NAME = "big/multi-part.bin"
BIG_SIZE = 2_500_000  # > recommendedPartSize of the test server (1 MB): goes up in parts


@pytest.fixture
def api(server: LocalServer) -> B2Api:
    b2 = B2Api(InMemoryAccountInfo())
    b2.authorize_account(server.realm, server.key_id, server.key)
    return b2


@pytest.fixture
def bucket(api: B2Api) -> Bucket:
    return api.create_bucket("sync-tests", "allPrivate")


@pytest.fixture
def make_tree() -> Callable[[Path], dict[str, bytes]]:
    """Writes the sample tree (with one multi-part file) under a directory; returns name -> content."""

    def make(root: Path) -> dict[str, bytes]:
        content = dict(TREE)
        content[BIG_NAME] = os.urandom(BIG_SIZE)
        for name, data in content.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            os.utime(path, (1_700_000_000, 1_700_000_000))
        return content

    return make


@pytest.fixture
def read_tree() -> Callable[[Path], dict[str, bytes]]:
    """Reads every regular file under a directory, keyed by /-separated relative path."""

    def read(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
        }

    return read
