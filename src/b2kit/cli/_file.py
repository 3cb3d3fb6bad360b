"""``b2kit file``: one file at a time — upload, download, cat, info, hide, unhide, copy, url, large files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from b2kit.cli._credentials import authorized_api
from b2kit.cli._errors import B2kitGroup, CommandFailed
from b2kit.cli._json_views import file_json, part_json, unfinished_json
from b2kit.cli._output import Output, output_options
from b2kit.cli._progress_ui import file_progress
from b2kit.cli._targets import bucket_of, file_info, versions_of
from b2kit.cli._uris import B2FileId, B2Path, B2Uri, B2UriType
from b2kit.constants import MAX_DOWNLOAD_AUTH_DURATION_SECONDS


def _parse_info(_ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    info: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param=param)
        info[key] = value
    return info


@click.group(cls=B2kitGroup)
def file() -> None:
    """Work with single files: upload, download, inspect, hide, copy."""


@file.command("upload")
@click.argument("bucket_name")
@click.argument("local_file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.argument("b2_name")
@click.option("--content-type", help="MIME type (default: guessed by the server)")
@click.option("--info", "infos", multiple=True, callback=_parse_info, metavar="KEY=VALUE", help="file info")
@output_options(json_flag=True)
def upload_cmd(
    bucket_name: str, local_file: Path, b2_name: str, content_type: str | None, infos: dict[str, str]
) -> None:
    """Upload LOCAL_FILE to BUCKET_NAME as B2_NAME (large files go up in parts)."""
    target = authorized_api().get_bucket_by_name(bucket_name)
    out = Output.from_context()
    with file_progress(out, f"upload {b2_name}") as progress:
        version = target.upload_local_file(
            local_file=str(local_file),
            file_name=b2_name,
            content_type=content_type,
            file_info=infos or None,
            progress_listener=progress,
        )
    if out.json_mode:
        out.json(version.as_dict())
    else:
        out.line(f"{version.id_}\t{version.file_name}")


@file.command("download")
@click.argument("uri", type=B2UriType("file"))
@click.argument("local_path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@output_options()
def download_cmd(uri: B2Uri, local_path: Path) -> None:
    """Download the file URI (b2://bucket/name or b2id://fileId) to LOCAL_PATH, verifying its SHA-1."""
    api = authorized_api()
    out = Output.from_context()
    with file_progress(out, f"download {uri}") as progress:
        if isinstance(uri, B2FileId):
            downloaded = api.download_file_by_id(uri.file_id, progress_listener=progress)
        else:
            downloaded = bucket_of(api, uri).download_file_by_name(uri.name, progress_listener=progress)
        downloaded.save_to(str(local_path))
    out.info(f"downloaded {uri} to {local_path}")


@file.command("cat")
@click.argument("uri", type=B2UriType("file"))
@output_options()
def cat_cmd(uri: B2Uri) -> None:
    """Write the content of the file URI to standard output."""
    api = authorized_api()
    if isinstance(uri, B2FileId):
        downloaded = api.download_file_by_id(uri.file_id)
    else:
        downloaded = bucket_of(api, uri).download_file_by_name(uri.name)
    downloaded.save(sys.stdout.buffer)
    sys.stdout.buffer.flush()


@file.command("info")
@click.argument("uri", type=B2UriType("file"))
@output_options()
def info_cmd(uri: B2Uri) -> None:
    """Print the metadata of the file URI as JSON."""
    Output.from_context().json(file_json(file_info(authorized_api(), uri)))


@file.command("hide")
@click.argument("uri", type=B2UriType("path"))
@output_options(json_flag=True)
def hide_cmd(uri: B2Path) -> None:
    """Hide file b2://bucket/name (a hide marker becomes its newest version)."""
    marker = bucket_of(authorized_api(), uri).hide_file(uri.name)
    out = Output.from_context()
    if out.json_mode:
        out.json(marker.as_dict())
    else:
        out.info(f"hid {uri}")


@file.command("unhide")
@click.argument("uri", type=B2UriType("path"))
@output_options()
def unhide_cmd(uri: B2Path) -> None:
    """Remove the hide marker that hides b2://bucket/name."""
    target = bucket_of(authorized_api(), uri)
    newest = next(versions_of(target, uri.name), None)
    if newest is None or newest.action != "hide" or newest.id_ is None:
        raise CommandFailed(f"{uri} is not hidden")
    target.delete_file_version(newest.id_, newest.file_name)
    Output.from_context().info(f"unhid {uri}")


@file.command("copy")
@click.argument("source", type=B2UriType("file"))
@click.argument("destination", type=B2UriType("path"))
@output_options(json_flag=True)
def copy_cmd(source: B2Uri, destination: B2Path) -> None:
    """Copy SOURCE to DESTINATION (b2://bucket/name) server-side, large files part by part."""
    api = authorized_api()
    src = file_info(api, source)
    if not src.id_:
        raise CommandFailed(f"{source} has no file id")
    name = destination.name or src.file_name.rsplit("/", 1)[-1]
    if name.endswith("/"):
        name += src.file_name.rsplit("/", 1)[-1]
    out = Output.from_context()
    with file_progress(out, f"copy {name}") as progress:
        copied = bucket_of(api, destination).copy(src.id_, name, length=src.size, progress_listener=progress)
    if out.json_mode:
        out.json(copied.as_dict())
    else:
        out.line(f"{copied.id_}\t{copied.file_name}")


@file.command("url")
@click.argument("uri", type=B2UriType("file"))
@click.option("--with-auth", is_flag=True, help="append a download authorization (b2:// URIs only)")
@click.option("--duration", type=click.IntRange(1, MAX_DOWNLOAD_AUTH_DURATION_SECONDS), default=86400)
@output_options()
def url_cmd(uri: B2Uri, with_auth: bool, duration: int) -> None:
    """Print the download URL of the file URI."""
    api = authorized_api()
    if isinstance(uri, B2FileId):
        if with_auth:
            raise CommandFailed("--with-auth needs a b2://bucket/name URI")
        click.echo(api.get_download_url_for_fileid(uri.file_id))
        return
    url = api.get_download_url_for_file_name(uri.bucket, uri.name)
    if with_auth:
        token = bucket_of(api, uri).get_download_authorization(uri.name, duration)
        url = f"{url}?Authorization={token}"
    click.echo(url)


@file.group("large", cls=B2kitGroup)
def large() -> None:
    """Large files: parts and unfinished uploads."""


@large.command("parts")
@click.argument("uri", type=B2UriType("id"))
@output_options(json_flag=True)
def parts_cmd(uri: B2FileId) -> None:
    """List the parts uploaded so far for the unfinished large file b2id://fileId."""
    parts = list(authorized_api().list_parts(uri.file_id))
    out = Output.from_context()
    if out.json_mode:
        out.json([part_json(p) for p in parts])
    else:
        out.table(
            ["part", "size", "sha1"],
            [[str(p.part_number), str(p.content_length), p.content_sha1] for p in parts],
        )


@large.group("unfinished", cls=B2kitGroup)
def unfinished() -> None:
    """Unfinished large files (started, neither finished nor cancelled)."""


@unfinished.command("list")
@click.argument("uri", type=B2UriType("path"))
@output_options(json_flag=True)
def unfinished_list_cmd(uri: B2Path) -> None:
    """List unfinished large files in b2://bucket[/prefix]."""
    files = list(bucket_of(authorized_api(), uri).list_unfinished_large_files(prefix=uri.name or None))
    out = Output.from_context()
    if out.json_mode:
        out.json([unfinished_json(f) for f in files])
    else:
        out.table(["fileId", "name"], [[f.file_id, f.file_name] for f in files])


@unfinished.command("cancel")
@click.argument("uri", type=B2UriType("any"))
@output_options()
def unfinished_cancel_cmd(uri: B2Uri) -> None:
    """Cancel one unfinished large file (b2id://fileId) or all of them under b2://bucket[/prefix]."""
    api = authorized_api()
    out = Output.from_context()
    if isinstance(uri, B2FileId):
        api.cancel_large_file(uri.file_id)
        out.info(f"cancelled {uri}")
        return
    target = bucket_of(api, uri)
    for unfinished_file in list(target.list_unfinished_large_files(prefix=uri.name or None)):
        api.cancel_large_file(unfinished_file.file_id)
        out.line(f"cancelled {unfinished_file.file_id}\t{unfinished_file.file_name}")
