"""``b2kit bucket``: create, list, get, update, delete buckets; download authorizations."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from b2kit.cli._credentials import authorized_api
from b2kit.cli._errors import B2kitGroup, CommandFailed
from b2kit.cli._output import Output, output_options
from b2kit.constants import MAX_DOWNLOAD_AUTH_DURATION_SECONDS, SETTABLE_BUCKET_TYPES

F = TypeVar("F", bound=Callable[..., Any])
BUCKET_TYPE = click.Choice(sorted(SETTABLE_BUCKET_TYPES))


def _json_option(name: str, help_text: str) -> Callable[[F], F]:
    return click.option(name, help=help_text, callback=_parse_json, metavar="JSON")


def _parse_json(_ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not valid JSON: {exc.msg}", param=param) from None


@click.group(cls=B2kitGroup)
def bucket() -> None:
    """Create, list, inspect, change and delete buckets."""


@bucket.command("create")
@click.argument("name")
@click.argument("bucket_type", metavar="TYPE", type=BUCKET_TYPE, default="allPrivate")
@_json_option("--bucket-info", "bucket info as a JSON object")
@_json_option("--lifecycle-rules", "lifecycle rules as a JSON array")
@_json_option("--cors-rules", "CORS rules as a JSON array")
@output_options(json_flag=True)
def create_cmd(name: str, bucket_type: str, bucket_info: Any, lifecycle_rules: Any, cors_rules: Any) -> None:
    """Create bucket NAME of TYPE (allPrivate by default) and print its id."""
    created = authorized_api().create_bucket(
        name, bucket_type, bucket_info=bucket_info, cors_rules=cors_rules, lifecycle_rules=lifecycle_rules
    )
    out = Output.from_context()
    if out.json_mode:
        out.json(created.as_dict())
    else:
        click.echo(created.id_)


@bucket.command("list")
@output_options(json_flag=True)
def list_cmd() -> None:
    """List the buckets of the account: id, type and name."""
    buckets = sorted(authorized_api().list_buckets(), key=lambda b: b.name or "")
    Output.from_context().records(
        buckets, lambda b: b.as_dict(), ["id", "type", "name"], lambda b: [b.id_, b.type_ or "", b.name or ""]
    )


@bucket.command("get")
@click.argument("name")
@output_options()
def get_cmd(name: str) -> None:
    """Print bucket NAME as JSON."""
    Output.from_context().json(authorized_api().get_bucket_by_name(name).as_dict())


@bucket.command("update")
@click.argument("name")
@click.argument("bucket_type", metavar="[TYPE]", type=BUCKET_TYPE, required=False)
@_json_option("--bucket-info", "new bucket info as a JSON object")
@_json_option("--lifecycle-rules", "new lifecycle rules as a JSON array")
@_json_option("--cors-rules", "new CORS rules as a JSON array")
@output_options()
def update_cmd(
    name: str, bucket_type: str | None, bucket_info: Any, lifecycle_rules: Any, cors_rules: Any
) -> None:
    """Change the type, info, lifecycle or CORS rules of bucket NAME; print it as JSON."""
    if bucket_type is None and bucket_info is None and lifecycle_rules is None and cors_rules is None:
        raise CommandFailed("nothing to update: give a TYPE or --bucket-info/--lifecycle-rules/--cors-rules")
    target = authorized_api().get_bucket_by_name(name)
    updated = target.update(
        bucket_type=bucket_type,
        bucket_info=bucket_info,
        lifecycle_rules=lifecycle_rules,
        cors_rules=cors_rules,
    )
    Output.from_context().json(updated.as_dict())


@bucket.command("delete")
@click.argument("name")
@output_options()
def delete_cmd(name: str) -> None:
    """Delete bucket NAME (it must be empty)."""
    api = authorized_api()
    api.delete_bucket(api.get_bucket_by_name(name))
    Output.from_context().info(f"deleted bucket {name}")


@bucket.command("get-download-auth")
@click.argument("name")
@click.option("--prefix", default="", help="file name prefix the token is good for (default: all files)")
@click.option(
    "--duration",
    type=click.IntRange(1, MAX_DOWNLOAD_AUTH_DURATION_SECONDS),
    default=86400,
    show_default=True,
    help="seconds the token stays valid",
)
@output_options()
def get_download_auth_cmd(name: str, prefix: str, duration: int) -> None:
    """Print a download authorization token for files of bucket NAME under --prefix."""
    target = authorized_api().get_bucket_by_name(name)
    click.echo(target.get_download_authorization(prefix, duration))
