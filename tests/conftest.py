"""Fixtures shared by every test: a real local B2 server on 127.0.0.1 with a temp data dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from b2kit.server import LocalServer, ServerConfig

# No test is timed: hypothesis' per-example deadline failed property tests on a loaded machine.
settings.register_profile("b2kit", deadline=None)
settings.load_profile("b2kit")

TEST_PART_SIZES = {"absolute_minimum_part_size": 100_000, "recommended_part_size": 1_000_000}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--soak",
        action="store_true",
        default=False,
        help="run the soak tests (marked soak) and scale fault-test durations and counts up",
    )


@pytest.fixture
def server_config(tmp_path: Path) -> ServerConfig:
    """The configuration of the ``server`` fixture: small part sizes so multi-part paths run on megabytes."""
    return ServerConfig(data_dir=tmp_path / "b2kit-data", **TEST_PART_SIZES)


@pytest.fixture
def server(server_config: ServerConfig) -> Iterator[LocalServer]:
    """A fresh LocalServer on port 0 (absoluteMinimumPartSize=100_000, recommendedPartSize=1_000_000)."""
    with LocalServer(server_config) as running:
        yield running
