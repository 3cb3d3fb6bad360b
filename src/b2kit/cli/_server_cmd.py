"""``b2kit server``: run the local B2 server in the foreground until SIGINT/SIGTERM.

The first signal stops the server cleanly (an ephemeral data dir is removed); a stop that takes longer than
``STOP_DEADLINE_SECONDS`` (a wedged request thread) and a second signal both force the exit.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import click

from b2kit.cli._stop_signals import StopSignals, force_exit
from b2kit.server import LocalServer, RequestRecord, ServerConfig, ServerStartError

DEFAULT_DATA_DIR = Path("b2kit-data")
_DEFAULTS = ServerConfig()
STOP_DEADLINE_SECONDS = 1.0
"""A clean stop normally takes milliseconds; past this the process exits anyway (the promise is 2 s, and a
loaded machine needs the rest to schedule the exit)."""


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
@click.option(
    "--log-requests",
    is_flag=True,
    help="Print one line per request: time, method, endpoint, bucket/file, status, error code, bytes, ms.",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="With --log-requests: plain lines or one JSON object per line.",
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
    log_requests: bool,
    log_format: str,
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
    local = LocalServer(config)
    if log_requests:
        local.on_request(_request_printer(log_format))
    _serve(local, ephemeral)
    click.echo("stopped")
    # everything is closed and removed: skip the interpreter's teardown (module and thread clean-up that
    # only delays the exit a signal asked for)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _request_printer(log_format: str) -> Callable[[RequestRecord], None]:
    """A listener printing each request as a line on stdout (whole lines even with concurrent requests)."""
    lock = threading.Lock()

    def show(record: RequestRecord) -> None:
        line = record.to_json_line() if log_format == "json" else record.to_text()
        with lock:
            click.echo(line)

    return show


def _serve(local: LocalServer, ephemeral: bool) -> None:
    """Start ``local``, print how to reach it, and stop it at the first SIGINT/SIGTERM."""
    temp_dir = local.data_dir if ephemeral else None

    def remove_temp_dir() -> None:
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)

    # installed before the server starts: a signal during the start stops it as soon as it is up
    signals = StopSignals(on_force=remove_temp_dir).install()
    try:
        local.start()
    except ServerStartError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        click.echo(f"realm: {local.realm}")
        click.echo(f"key id: {local.key_id}")
        click.echo(f"key: {local.key}")
        click.echo(f"data dir: {local.data_dir}{' (ephemeral)' if ephemeral else ''}")
        click.echo(f"use it: b2kit account authorize --realm {local.realm} {local.key_id} {local.key}")
        sys.stdout.flush()
        signals.wait()
    finally:
        status = 128 + signals.received if signals.received is not None else 1
        watchdog = threading.Timer(STOP_DEADLINE_SECONDS, force_exit, (status, remove_temp_dir))
        watchdog.daemon = True
        watchdog.start()
        local.stop()
        watchdog.cancel()
