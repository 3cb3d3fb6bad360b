"""The ``b2kit`` command line."""

from __future__ import annotations

import click

from b2kit.cli._demo import demo
from b2kit.cli._server_cmd import server


@click.group()
@click.version_option(package_name="b2kit")
def main() -> None:
    """b2kit: Backblaze B2 from the shell, and a local B2 server."""


main.add_command(server)
main.add_command(demo)
