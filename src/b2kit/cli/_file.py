"""``b2kit file``: one file at a time — upload, download, cat, info, hide, unhide, copy, url, large files."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from b2kit import B2Api, Bucket, DownloadVersion, FileRetentionSetting, FileVersion, LegalHold, RetentionMode
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


def bucket_name_of(text: str) -> str:
    """``photos`` or ``b2://photos`` (the b2 CLI accepts both): the bucket name."""
    if not text.startswith("b2://"):
        return text
    name, _, rest = text[len("b2://") :].partition("/")
    if not name or rest:
        raise click.BadParameter(f"{text!r}: give the bucket only (b2://bucket); the file name comes last")
    return name


def _readable_file_or_stdin(_ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value == "-":
        return value
    checked = click.Path(exists=True, dir_okay=False, readable=True).convert(value, param, _ctx)
    return str(checked)


@contextmanager
def local_source(local_file: str) -> Iterator[Path]:
    """The file to upload; ``-`` spools standard input to a temporary file first (streamed, not in memory)."""
    if local_file != "-":
        yield Path(local_file)
        return
    with tempfile.NamedTemporaryFile(prefix="b2kit-stdin-") as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool, 1024 * 1024)
        spool.flush()
        yield Path(spool.name)


def interrupted_upload_message(api: B2Api, target: Bucket, b2_name: str) -> str:
    """What an interrupted upload left behind, and how to resume or cancel it."""
    started = [f for f in target.list_unfinished_large_files(prefix=b2_name) if f.file_name == b2_name]
    if not started:
        return "interrupted; nothing was stored"
    newest = max(started, key=lambda f: f.upload_timestamp or 0)
    parts = sum(1 for _ in api.list_parts(newest.file_id))
    return (
        f"interrupted; {parts} part(s) of {b2_name} are kept on the server: run the same command again to "
        f"resume, or cancel with: b2kit file large unfinished cancel b2id://{newest.file_id}"
    )


@file.command("upload")
@click.argument("bucket_name")
@click.argument("local_file", metavar="LOCAL_FILE|-", callback=_readable_file_or_stdin)
@click.argument("b2_name")
@click.option("--content-type", help="MIME type (default: guessed by the server)")
@click.option("--info", "infos", multiple=True, callback=_parse_info, metavar="KEY=VALUE", help="file info")
@output_options(json_flag=True)
def upload_cmd(
    bucket_name: str, local_file: str, b2_name: str, content_type: str | None, infos: dict[str, str]
) -> None:
    """Upload LOCAL_FILE (- for standard input) to BUCKET_NAME (or b2://bucket) as B2_NAME.

    Large files go up in parts; an interrupted large upload resumes when the command is run again.
    """
    api = authorized_api()
    target = api.get_bucket_by_name(bucket_name_of(bucket_name))
    out = Output.from_context()
    try:
        with local_source(local_file) as source, file_progress(out, f"upload {b2_name}") as progress:
            version = target.upload_local_file(
                local_file=str(source),
                file_name=b2_name,
                content_type=content_type,
                file_info=infos or None,
                progress_listener=progress,
            )
    except KeyboardInterrupt:
        click.echo(f"Error: {interrupted_upload_message(api, target, b2_name)}", err=True)
        click.get_current_context().exit(130)
    if out.json_mode:
        out.json(version.as_dict())
    else:
        out.line(f"{version.id_}\t{version.file_name}")


def download_target(local_path: str, file_name: str) -> Path:
    """LOCAL_PATH itself, or the file's own name inside it when it is a folder (or ends with /)."""
    path = Path(local_path)
    if local_path.endswith(("/", "\\")) or path.is_dir():
        if not path.is_dir():
            raise CommandFailed(f"folder {local_path} does not exist")
        return path / file_name.rsplit("/", 1)[-1]
    return path


@file.command("download")
@click.argument("uri", type=B2UriType("file"))
@click.argument("local_path")
@output_options()
def download_cmd(uri: B2Uri, local_path: str) -> None:
    """Download the file URI (b2://bucket/name or b2id://fileId) to LOCAL_PATH, verifying its SHA-1.

    LOCAL_PATH may be a folder (or end with /): the file keeps its own name there.
    """
    api = authorized_api()
    out = Output.from_context()
    with file_progress(out, f"download {uri}") as progress:
        if isinstance(uri, B2FileId):
            downloaded = api.download_file_by_id(uri.file_id, progress_listener=progress)
        else:
            downloaded = bucket_of(api, uri).download_file_by_name(uri.name, progress_listener=progress)
        with downloaded:
            target = download_target(local_path, downloaded.download_version.file_name)
            downloaded.save_to(str(target))
    out.info(f"downloaded {uri} to {target}")


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


def file_bucket(api: B2Api, uri: B2Uri, version: FileVersion | DownloadVersion) -> Bucket:
    """The bucket holding the file a URI names (b2id:// URIs: from the file's own metadata)."""
    if not isinstance(uri, B2FileId):
        return bucket_of(api, uri)
    if not isinstance(version, FileVersion) or version.bucket_id is None:
        raise CommandFailed(f"{uri}: the server did not say which bucket holds it")
    return api.get_bucket_by_id(version.bucket_id)


@file.command("update")
@click.argument("uri", type=B2UriType("file"))
@click.option("--legal-hold", type=click.Choice(["on", "off"]), help="set or clear the legal hold")
@click.option(
    "--file-retention-mode",
    type=click.Choice(["governance", "compliance", "none"]),
    help="retention mode (none clears a governance retention)",
)
@click.option("--retain-until", type=int, help="retention end, milliseconds since the epoch")
@click.option("--bypass-governance", is_flag=True, help="allow shortening or removing a governance retention")
@output_options(json_flag=True)
def update_cmd(
    uri: B2Uri,
    legal_hold: str | None,
    file_retention_mode: str | None,
    retain_until: int | None,
    bypass_governance: bool,
) -> None:
    """Change the legal hold or the retention of the file URI (buckets with Object Lock)."""
    if legal_hold is None and file_retention_mode is None:
        raise click.UsageError("give --legal-hold and/or --file-retention-mode")
    if file_retention_mode not in (None, "none") and retain_until is None:
        raise click.UsageError(f"--file-retention-mode {file_retention_mode} needs --retain-until")
    api = authorized_api()
    version = file_info(api, uri)
    if not version.id_:
        raise CommandFailed(f"{uri} has no file id")
    target = file_bucket(api, uri, version)
    result: dict[str, object] = {"fileId": version.id_, "fileName": version.file_name}
    if legal_hold is not None:
        held = target.update_file_legal_hold(version.id_, version.file_name, LegalHold(legal_hold))
        result["legalHold"] = held.value if held is not None else None
    if file_retention_mode is not None:
        mode = None if file_retention_mode == "none" else RetentionMode(file_retention_mode)
        setting = FileRetentionSetting(mode, retain_until if mode is not None else None)
        kept = target.update_file_retention(version.id_, version.file_name, setting, bypass_governance)
        result["fileRetention"] = {
            "mode": kept.mode.value if kept.mode else None,
            "retainUntilTimestamp": kept.retain_until,
        }
    out = Output.from_context()
    if out.json_mode:
        out.json(result)
    else:
        out.info(f"updated {uri}")


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
    Output.from_context().records(
        parts,
        part_json,
        ["part", "size", "sha1"],
        lambda p: [str(p.part_number), str(p.content_length), p.content_sha1],
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
    Output.from_context().records(
        files, unfinished_json, ["fileId", "name"], lambda f: [f.file_id, f.file_name]
    )


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
