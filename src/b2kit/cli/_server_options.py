"""The command line of ``b2kit server``: its options, collected into one :class:`ServerOptions`.

:func:`server_options` adds every option to a click command and calls it with a single ServerOptions;
:meth:`ServerOptions.config` turns them into the server's :class:`ServerConfig` (a usage error when they
contradict each other).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from b2kit.server import ServerConfig

DEFAULT_DATA_DIR = Path("b2kit-data")
_DEFAULTS = ServerConfig()


@dataclass(frozen=True)
class ServerOptions:
    """What ``b2kit server`` was asked for: where data lives, how to listen, the key, limits, logging."""

    data_dir: Path | None
    ephemeral: bool
    host: str
    port: int
    key_id: str | None
    key: str | None
    absolute_minimum_part_size: int
    recommended_part_size: int
    token_ttl: int
    log_requests: bool
    log_format: str

    def config(self) -> ServerConfig:
        """The server configuration these options ask for (click.UsageError when it cannot be)."""
        if self.ephemeral and self.data_dir is not None:
            raise click.UsageError("--ephemeral and --data-dir exclude each other")
        config = ServerConfig(
            host=self.host,
            port=self.port,
            data_dir=None if self.ephemeral else (self.data_dir or DEFAULT_DATA_DIR),
            key_id=self.key_id,
            key=self.key,
            absolute_minimum_part_size=self.absolute_minimum_part_size,
            recommended_part_size=self.recommended_part_size,
            token_ttl_seconds=self.token_ttl,
        )
        problems = config.problems()
        if problems:
            raise click.UsageError("; ".join(problems))
        return config


_OPTIONS = (
    click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="B2KIT_DATA_DIR",
        help=f"Where metadata and file bytes live (default ./{DEFAULT_DATA_DIR}).",
    ),
    click.option("--ephemeral", is_flag=True, help="Use a temporary data dir, removed at exit."),
    click.option("--host", default="127.0.0.1", show_default=True),
    click.option(
        "--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="0 picks a free port."
    ),
    click.option("--key-id", envvar="B2KIT_KEY_ID", help="Master key id (default: stable per data dir)."),
    click.option("--key", envvar="B2KIT_KEY", help="Master key secret (with --key-id)."),
    click.option(
        "--absolute-minimum-part-size",
        type=click.IntRange(min=1),
        default=_DEFAULTS.absolute_minimum_part_size,
        show_default=True,
    ),
    click.option(
        "--recommended-part-size",
        type=click.IntRange(min=1),
        default=_DEFAULTS.recommended_part_size,
        show_default=True,
    ),
    click.option(
        "--token-ttl",
        type=click.IntRange(min=1),
        default=_DEFAULTS.token_ttl_seconds,
        show_default=True,
        help="Account token lifetime in seconds.",
    ),
    click.option(
        "--log-requests",
        is_flag=True,
        help=(
            "Print one line per request: time, method, endpoint, bucket/file, status, error code, bytes, ms."
        ),
    ),
    click.option(
        "--log-format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="With --log-requests: plain lines or one JSON object per line.",
    ),
)


def server_options(command: Callable[[ServerOptions], None]) -> Callable[..., None]:
    """``command`` with every ``b2kit server`` option, called with them as one ServerOptions."""

    @functools.wraps(command)
    def collected(**values: Any) -> None:
        command(ServerOptions(**values))

    decorated: Callable[..., None] = collected
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated
