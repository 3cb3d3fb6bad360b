"""One-line errors and exit codes for every b2kit command (a traceback only with ``--debug``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

T = TypeVar("T")

EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130

_EXPLAIN = "b2kit.explain"
Explainer = Callable[[BaseException], str | None]


def explain_failures_with(explain: Explainer) -> None:
    """Let ``explain`` phrase the running command's failure (e.g. "no B2 server answers at ...")."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.find_root().meta[_EXPLAIN] = explain


def _explained(ctx: click.Context, exc: BaseException) -> str:
    explain: Explainer | None = ctx.find_root().meta.get(_EXPLAIN)
    message = explain(exc) if explain is not None else None
    return message or describe_error(exc)


class CommandFailed(click.ClickException):
    """A command could not do what was asked; the message is printed as ``Error: ...``."""

    exit_code = EXIT_FAILURE


DEBUG_META = "b2kit.debug"


def debug_enabled(ctx: click.Context) -> bool:
    """True with ``--debug`` (before or after the subcommand) or B2KIT_DEBUG=1: let tracebacks through."""
    root = ctx.find_root()
    return (
        bool(root.params.get("debug"))
        or bool(ctx.meta.get(DEBUG_META))
        or os.environ.get("B2KIT_DEBUG") == "1"
    )


def quiet_broken_pipe(ctx: click.Context) -> NoReturn:
    """The reader of our output went away (``| head``): stop quietly with status 0, as the b2 CLI does."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    ctx.exit(0)


def describe_error(exc: BaseException) -> str:
    """A one-line description: the message, prefixed with the error type when the message alone is vague."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    message = " ".join(str(exc).split()) or type(exc).__name__
    return message


def _interruptions() -> tuple[type[BaseException], ...]:
    """KeyboardInterrupt, plus SyncCancelled once sync is loaded (``b2kit server`` loads no client)."""
    sync = sys.modules.get("b2kit.sync")
    if sync is None:
        return (KeyboardInterrupt,)
    cancelled: type[BaseException] = sync.SyncCancelled
    return (KeyboardInterrupt, cancelled)


def run_reporting_errors(ctx: click.Context, call: Callable[[], T]) -> T:
    """Run ``call``; turn any non-click exception into ``Error: <one line>`` and exit status 1."""
    try:
        return call()
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except BrokenPipeError:
        quiet_broken_pipe(ctx)
    except _interruptions() as exc:
        if debug_enabled(ctx):
            raise
        message = "interrupted" if isinstance(exc, KeyboardInterrupt) else describe_error(exc)
        click.echo(f"Error: {message}", err=True)
        ctx.exit(EXIT_INTERRUPTED)
    except Exception as exc:
        if debug_enabled(ctx):
            raise
        raise CommandFailed(_explained(ctx, exc)) from exc


class B2kitCommand(click.Command):
    """A command whose failures print one line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        return run_reporting_errors(ctx, lambda: super(B2kitCommand, self).invoke(ctx))


class B2kitGroup(click.Group):
    """A command group whose subcommands report errors the b2kit way."""

    command_class = B2kitCommand

    def invoke(self, ctx: click.Context) -> Any:
        return run_reporting_errors(ctx, lambda: super(B2kitGroup, self).invoke(ctx))


B2kitGroup.group_class = B2kitGroup
