"""fsspec's own abstract test suite (the classes s3fs and gcsfs run), against the real local server."""

from __future__ import annotations

import pytest
from fsspec.tests.abstract import (
    AbstractCopyTests,
    AbstractFixtures,
    AbstractGetTests,
    AbstractOpenTests,
    AbstractPipeTests,
    AbstractPutTests,
)

from b2kit.fs import B2FileSystem

ROOT = "abstract-suite"


class B2Fixtures(AbstractFixtures):
    @pytest.fixture
    def fs(self, b2fs: B2FileSystem) -> B2FileSystem:
        return b2fs

    @pytest.fixture
    def fs_path(self, b2fs: B2FileSystem) -> str:
        b2fs.mkdir(ROOT)
        return ROOT

    @pytest.fixture
    def fs_join(self):
        return lambda *parts: "/".join(parts)

    @pytest.fixture
    def supports_empty_directories(self) -> bool:
        return False  # folders are name prefixes: a folder exists while a file lies below it


class TestB2Copy(AbstractCopyTests, B2Fixtures):
    pass


class TestB2Get(AbstractGetTests, B2Fixtures):
    pass


class TestB2Put(AbstractPutTests, B2Fixtures):
    pass


class TestB2Open(AbstractOpenTests, B2Fixtures):
    pass


class TestB2Pipe(AbstractPipeTests, B2Fixtures):
    pass
