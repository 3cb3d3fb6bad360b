"""``b2kit server``: run the local B2 server in the foreground until SIGINT/SIGTERM."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import click

from b2kit.server import LocalServer, ServerConfig

DEFAULT_DATA_DIR = Path("b2kit-data")
_DEFAULTS = ServerConfig()


@click.command("server")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="B2KIT_DATA_DIR",
    help=f"Where metadata and file bytes live (default ./{DEFAULT_DATA_DIR}).",
)
@click.option("--ephemeral", is_flag=True, help="Use a temporary data dir, removed at exit.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="0 picks a free port."
)
@click.option("--key-id", envvar="B2KIT_KEY_ID", help="Master key id (default: stable per data dir).")
@click.option("--key", envvar="B2KIT_KEY", help="Master key secret (with --key-id).")
@click.option(
    "--absolute-minimum-part-size",
    type=click.IntRange(min=1),
    default=_DEFAULTS.absolute_minimum_part_size,
    show_default=True,
)
@click.option(
    "--recommended-part-size",
    type=click.IntRange(min=1),
    default=_DEFAULTS.recommended_part_size,
    show_default=True,
)
@click.option(
    "--token-ttl",
    type=click.IntRange(min=1),
    default=_DEFAULTS.token_ttl_seconds,
    show_default=True,
    help="Account token lifetime in seconds.",
)
def server(
    data_dir: Path | None,
    ephemeral: bool,
    host: str,
    port: int,
    key_id: str | None,
    key: str | None,
    absolute_minimum_part_size: int,
    recommended_part_size: int,
    token_ttl: int,
) -> None:
    """Run a local B2 server (B2 native API) and print its realm URL and master key."""
    if ephemeral and data_dir is not None:
        raise click.UsageError("--ephemeral and --data-dir exclude each other")
    config = ServerConfig(
        host=host,
        port=port,
        data_dir=None if ephemeral else (data_dir or DEFAULT_DATA_DIR),
        key_id=key_id,
        key=key,
        absolute_minimum_part_size=absolute_minimum_part_size,
        recommended_part_size=recommended_part_size,
        token_ttl_seconds=token_ttl,
    )
    problems = config.problems()
    if problems:
        raise click.UsageError("; ".join(problems))
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    with LocalServer(config) as running:
        click.echo(f"realm: {running.realm}")
        click.echo(f"key id: {running.key_id}")
        click.echo(f"key: {running.key}")
        click.echo(f"data dir: {running.data_dir}{' (ephemeral)' if ephemeral else ''}", nl=True)
        click.echo(f"use it: b2kit account authorize --realm {running.realm} {running.key_id} {running.key}")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    click.echo("stopped")
