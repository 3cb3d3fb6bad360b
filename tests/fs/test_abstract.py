"""fsspec's own abstract test suite (the classes s3fs and gcsfs run), against the real local server.

One server and one filesystem serve a whole test class: the suite's fixtures remove what each test made.
"""

from __future__ import annotations

from collections.abc import Iterator

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
from b2kit.server import LocalServer, ServerConfig
from tests.conftest import TEST_PART_SIZES

ROOT = "abstract-suite"


@pytest.fixture(scope="class")
def class_fs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[B2FileSystem]:
    config = ServerConfig(data_dir=tmp_path_factory.mktemp("b2kit-data"), **TEST_PART_SIZES)
    with LocalServer(config) as server:
        fs = B2FileSystem(
            skip_instance_cache=True,
            application_key_id=server.key_id,
            application_key=server.key,
            realm=server.realm,
        )
        fs.mkdir(ROOT)
        yield fs
        fs.api.close()


class B2Fixtures(AbstractFixtures):
    @pytest.fixture
    def fs(self, class_fs: B2FileSystem) -> B2FileSystem:
        return class_fs

    @pytest.fixture
    def fs_path(self) -> str:
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
