"""``b2kit key``: create, list and delete application keys."""

from __future__ import annotations

import datetime as dt

import click

from b2kit import ApplicationKey
from b2kit.cli._credentials import authorized_api
from b2kit.cli._errors import B2kitGroup, CommandFailed
from b2kit.cli._json_views import key_json
from b2kit.cli._output import Output, output_options
from b2kit.constants import ALL_CAPABILITIES, MAX_KEY_VALID_DURATION_SECONDS


def parse_capabilities(text: str) -> list[str]:
    """Comma-separated capability names; ``all`` means every capability."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if names == ["all"]:
        return list(ALL_CAPABILITIES)
    unknown = sorted(set(names) - set(ALL_CAPABILITIES))
    if unknown or not names:
        raise CommandFailed(f"unknown capabilities: {', '.join(unknown) or '(none given)'}")
    return names


@click.group(cls=B2kitGroup)
def key() -> None:
    """Application keys: create, list, delete."""


@key.command("create")
@click.argument("name")
@click.argument("capabilities")
@click.option("--bucket", "bucket_names", multiple=True, help="restrict the key to this bucket (repeatable)")
@click.option("--name-prefix", help="restrict the key to file names starting with this")
@click.option(
    "--duration", type=click.IntRange(1, MAX_KEY_VALID_DURATION_SECONDS), help="seconds until the key expires"
)
@output_options(json_flag=True)
def create_cmd(
    name: str, capabilities: str, bucket_names: tuple[str, ...], name_prefix: str | None, duration: int | None
) -> None:
    """Create key NAME with CAPABILITIES (comma-separated, or "all"); print its id and secret."""
    api = authorized_api()
    bucket_ids = [api.get_bucket_by_name(b).id_ for b in bucket_names] or None
    created = api.create_key(
        parse_capabilities(capabilities),
        name,
        valid_duration_seconds=duration,
        bucket_ids=bucket_ids,
        name_prefix=name_prefix,
    )
    out = Output.from_context()
    if out.json_mode:
        out.json(key_json(created))
    else:
        click.echo(f"{created.id_} {created.application_key}")


def _expires(millis: int | None) -> str:
    if millis is None:
        return "-"
    return f"{dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC):%Y-%m-%d %H:%M:%S}"


@key.command("list")
@click.option("-l", "--long", "long_format", is_flag=True, help="show capabilities, buckets, prefix, expiry")
@output_options(json_flag=True)
def list_cmd(long_format: bool) -> None:
    """List the application keys of the account (never their secrets)."""
    keys = list(authorized_api().list_keys())
    out = Output.from_context()
    if long_format:
        out.records(keys, key_json, ["id", "name", "buckets", "prefix", "expires", "capabilities"], _long_row)
    else:
        out.records(keys, key_json, ["id", "name"], lambda k: [k.id_, k.key_name])


def _long_row(k: ApplicationKey) -> list[str]:
    return [
        k.id_,
        k.key_name,
        ",".join(k.bucket_ids or []) or "-",
        k.name_prefix or "-",
        _expires(k.expiration_timestamp_millis),
        ",".join(k.capabilities),
    ]


@key.command("delete")
@click.argument("key_id")
@output_options()
def delete_cmd(key_id: str) -> None:
    """Delete the application key KEY_ID."""
    deleted = authorized_api().delete_key(key_id)
    Output.from_context().info(f"deleted key {deleted.id_} ({deleted.key_name})")
