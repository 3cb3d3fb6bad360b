"""How commands print: plain lines, JSON for scripts, tables (rich on a terminal), messages on stderr."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

_QUIET = "b2kit.quiet"
_NO_PROGRESS = "b2kit.no_progress"
_JSON = "b2kit.json"
_DEBUG = "b2kit.debug"


def _remember(key: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value:
            ctx.meta[key] = value

    return callback


def _flag(*names: str, meta_key: str, help_text: str) -> Callable[[F], F]:
    """A flag that records itself in ``ctx.meta`` instead of becoming a parameter of the command."""
    return click.option(
        *names, is_flag=True, expose_value=False, callback=_remember(meta_key), help=help_text
    )


def output_options(*, json_flag: bool = False) -> Callable[[F], F]:
    """Add ``-q/--quiet`` and ``--no-progress`` (and ``--json`` when asked) to a command."""

    def decorate(f: F) -> F:
        f = _flag(
            "-q", "--quiet", meta_key=_QUIET, help_text="Print nothing but errors (and requested JSON)."
        )(f)
        f = _flag("--no-progress", meta_key=_NO_PROGRESS, help_text="Do not draw progress bars.")(f)
        f = _flag("--debug", meta_key=_DEBUG, help_text="Show full tracebacks on errors.")(f)
        if json_flag:
            f = _flag("--json", meta_key=_JSON, help_text="Print machine-readable JSON.")(f)
        return f

    return decorate


@dataclass(frozen=True)
class Output:
    """Printing policy of one command invocation."""

    json_mode: bool = False
    quiet: bool = False
    show_progress: bool = True

    @classmethod
    def from_context(cls, ctx: click.Context | None = None) -> Output:
        meta = (ctx or click.get_current_context()).meta
        quiet = bool(meta.get(_QUIET))
        return cls(
            json_mode=bool(meta.get(_JSON)),
            quiet=quiet,
            show_progress=not quiet and not meta.get(_NO_PROGRESS) and stderr_console().is_terminal,
        )

    def line(self, text: str) -> None:
        """A normal output line on stdout (suppressed by ``-q``)."""
        if not self.quiet:
            click.echo(text)

    def info(self, text: str) -> None:
        """A side remark on stderr (suppressed by ``-q``)."""
        if not self.quiet:
            click.echo(text, err=True)

    def warning(self, text: str) -> None:
        """A warning on stderr (always shown)."""
        click.echo(f"Warning: {text}", err=True)

    def json(self, data: Any) -> None:
        """Pretty JSON on stdout; printed even with ``-q`` since a script asked for it."""
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True))

    def records(
        self,
        items: Sequence[T],
        as_json: Callable[[T], Any],
        headers: Sequence[str],
        as_row: Callable[[T], Sequence[str]],
    ) -> None:
        """``items`` as a JSON list (``--json``), else as a table of ``headers`` with one row per item."""
        if self.json_mode:
            self.json([as_json(item) for item in items])
        else:
            self.table(headers, [as_row(item) for item in items])

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A table: drawn with rich on a terminal, tab-separated lines otherwise."""
        if self.quiet:
            return
        console = Console()
        if console.is_terminal:
            table = Table(*headers, box=None, header_style="bold")
            for row in rows:
                table.add_row(*row)
            console.print(table)
        else:
            for row in rows:
                click.echo("\t".join(row))


def stderr_console() -> Console:
    """The console progress bars draw on (stderr, so stdout stays clean for data)."""
    return Console(stderr=True)
