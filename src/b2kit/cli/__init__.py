"""The ``b2kit`` command line."""

from __future__ import annotations

import click


@click.group()
@click.version_option(package_name="b2kit")
def main() -> None:
    """b2kit: Backblaze B2 from the shell, and a local B2 server."""
