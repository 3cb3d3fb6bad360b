"""The ``b2kit`` command line."""

from __future__ import annotations

import click

from b2kit.cli._account import account
from b2kit.cli._bucket import bucket
from b2kit.cli._demo import demo
from b2kit.cli._errors import B2kitGroup
from b2kit.cli._file import file
from b2kit.cli._key import key
from b2kit.cli._listing import ls_cmd, rm_cmd
from b2kit.cli._server_cmd import server
from b2kit.cli._sync_cmd import sync_cmd


@click.group(cls=B2kitGroup)
@click.version_option(package_name="b2kit")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
def main(debug: bool) -> None:
    """b2kit: Backblaze B2 from the shell, and a local B2 server."""


main.add_command(server)
main.add_command(demo)
for command in (account, bucket, file, key, ls_cmd, rm_cmd, sync_cmd):
    main.add_command(command)
