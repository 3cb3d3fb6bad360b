"""``b2kit server``'s options collected into ServerOptions and turned into a ServerConfig (no server run)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from b2kit.cli._server_options import DEFAULT_DATA_DIR, ServerOptions, server_options


@pytest.fixture(autouse=True)
def no_server_env(monkeypatch):
    for name in ("B2KIT_DATA_DIR", "B2KIT_KEY_ID", "B2KIT_KEY"):
        monkeypatch.delenv(name, raising=False)


def _collect(*args: str) -> ServerOptions:
    seen: list[ServerOptions] = []

    @click.command()
    @server_options
    def probe(options: ServerOptions) -> None:
        seen.append(options)

    result = CliRunner().invoke(probe, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return seen[0]


def test_every_flag_lands_in_its_field_and_in_the_config():
    options = _collect(
        *("--data-dir", "d", "--host", "127.0.0.2", "--port", "8123", "--key-id", "id", "--key", "k"),
        *("--absolute-minimum-part-size", "100", "--recommended-part-size", "200", "--token-ttl", "60"),
        *("--log-requests", "--log-format", "json"),
    )
    assert (options.log_requests, options.log_format, options.ephemeral) == (True, "json", False)
    config = options.config()
    assert (config.host, config.port, config.data_dir) == ("127.0.0.2", 8123, Path("d"))
    assert (config.key_id, config.key, config.token_ttl_seconds) == ("id", "k", 60)
    assert (config.absolute_minimum_part_size, config.recommended_part_size) == (100, 200)


def test_defaults_use_the_data_dir_in_the_working_directory_and_ephemeral_none():
    assert _collect().config().data_dir == DEFAULT_DATA_DIR
    assert _collect("--ephemeral").config().data_dir is None


def test_ephemeral_and_a_data_dir_exclude_each_other():
    with pytest.raises(click.UsageError, match="exclude each other"):
        _collect("--ephemeral", "--data-dir", "d").config()
