"""``b2kit demo`` (temporary): start an ephemeral local server, call health and authorize, print, stop."""

from __future__ import annotations

import base64
import json
import urllib.request

import click

from b2kit.server import LocalServer


@click.command("demo")
def demo() -> None:
    """Start a throw-away local B2 server, check it answers, and stop it."""
    with LocalServer() as server:
        click.echo(f"realm: {server.realm}")
        with urllib.request.urlopen(f"{server.realm}/_b2kit/health", timeout=10) as reply:
            click.echo(f"health: {reply.read().decode()}")
        credentials = base64.b64encode(f"{server.key_id}:{server.key}".encode()).decode()
        request = urllib.request.Request(
            f"{server.realm}/b2api/v4/b2_authorize_account", headers={"Authorization": f"Basic {credentials}"}
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            answer = json.loads(reply.read())
        click.echo("authorize: " + json.dumps(answer["apiInfo"]["storageApi"]["allowed"], sort_keys=True))
