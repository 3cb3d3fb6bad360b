"""The ``b2kit`` command line.

Command groups are imported only when used, so ``b2kit server`` starts without loading the client SDK.
"""

from __future__ import annotations

import importlib

import click

from b2kit.cli._errors import B2kitGroup

# command name -> "module:attribute"
_COMMANDS = {
    "account": "b2kit.cli._account:account",
    "bucket": "b2kit.cli._bucket:bucket",
    "demo": "b2kit.cli._demo:demo",
    "file": "b2kit.cli._file:file",
    "key": "b2kit.cli._key:key",
    "ls": "b2kit.cli._listing:ls_cmd",
    "rm": "b2kit.cli._listing:rm_cmd",
    "server": "b2kit.cli._server_cmd:server",
    "sync": "b2kit.cli._sync_cmd:sync_cmd",
}


class LazyGroup(B2kitGroup):
    """The top-level group: loads a command's module the first time the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        return command


@click.group(cls=LazyGroup)
@click.version_option(package_name="b2kit")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
def main(debug: bool) -> None:
    """b2kit: Backblaze B2 from the shell, and a local B2 server."""
