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

from b2kit.cli._server_options import ServerOptions, server_options
from b2kit.cli._stop_signals import StopSignals, force_exit
from b2kit.server import LocalServer, RequestRecord, ServerStartError

STOP_DEADLINE_SECONDS = 1.0
"""A clean stop normally takes milliseconds; past this the process exits anyway (the promise is 2 s, and a
loaded machine needs the rest to schedule the exit)."""


@click.command("server")
@server_options
def server(options: ServerOptions) -> None:
    """Run a local B2 server (B2 native API) and print its realm URL and master key."""
    temp_dirs: list[Path] = []

    def remove_temp_dir() -> None:
        for temp_dir in temp_dirs:
            shutil.rmtree(temp_dir, ignore_errors=True)

    # installed before the ephemeral data dir exists: a signal at any moment after this leaves nothing behind
    # (before it, the default actions end the process while there is nothing to remove yet)
    signals = StopSignals(on_force=remove_temp_dir).install()
    local = LocalServer(options.config())
    if options.ephemeral:
        temp_dirs.append(local.data_dir)
    if options.log_requests:
        local.on_request(_request_printer(options.log_format))
    _serve(local, signals, remove_temp_dir)
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


def _serve(local: LocalServer, signals: StopSignals, remove_temp_dir: Callable[[], None]) -> None:
    """Start ``local``, print how to reach it, and stop it at the first SIGINT/SIGTERM (a signal during the
    start stops it as soon as it is up)."""
    ephemeral = local.config.data_dir is None
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
