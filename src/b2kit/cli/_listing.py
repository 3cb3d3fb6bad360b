"""``b2kit ls`` and ``b2kit rm``: list and remove files under a b2:// path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import click

from b2kit import Bucket, FileVersion
from b2kit.cli._credentials import authorized_api
from b2kit.cli._errors import B2kitCommand, CommandFailed
from b2kit.cli._output import Output, output_options
from b2kit.cli._targets import bucket_of, versions_of
from b2kit.cli._uris import B2Path, B2UriType


def long_line(version: FileVersion) -> str:
    """``--long`` format: file id, action, upload date and time (UTC), size, name."""
    when = dt.datetime.fromtimestamp(version.upload_timestamp / 1000, tz=dt.UTC)
    return (
        f"{version.id_ or '-':<84}  {version.action:<6}  {when:%Y-%m-%d  %H:%M:%S}  "
        f"{version.size:>12}  {version.file_name}"
    )


@click.command("ls", cls=B2kitCommand)
@click.argument("uri", type=B2UriType("path"))
@click.option("-r", "--recursive", is_flag=True, help="list every file under the path, not one level")
@click.option("-l", "--long", "long_format", is_flag=True, help="show id, action, date, size too")
@click.option("--versions", is_flag=True, help="show every version, hide markers included")
@output_options(json_flag=True)
def ls_cmd(uri: B2Path, recursive: bool, long_format: bool, versions: bool) -> None:
    """List files under b2://bucket[/folder] (one level unless -r; folders end with /)."""
    target = bucket_of(authorized_api(), uri)
    out = Output.from_context()
    entries = target.ls(uri.name, show_versions=versions, recursive=recursive)
    if out.json_mode:
        out.json([version.as_dict() for version, folder in entries if not folder])
        return
    for version, folder in entries:
        if folder:
            out.line(folder if not long_format else f"{'-':<84}  {'folder':<6}  {'':<20}  {0:>12}  {folder}")
        else:
            out.line(long_line(version) if long_format else version.file_name)


def _versions_to_remove(
    target: Bucket, path: B2Path, recursive: bool, versions: bool
) -> Iterator[tuple[str, str, str]]:
    """(file id, file name, action) of every version ``rm`` should delete."""
    if recursive:
        for version, folder in target.ls(path.name, show_versions=versions, recursive=True):
            if not folder:
                yield version.id_ or "", version.file_name, version.action
    elif versions:
        for version in versions_of(target, path.name):
            yield version.id_ or "", version.file_name, version.action
    else:
        info = target.get_file_info_by_name(path.name)
        yield info.id_, info.file_name, "upload"


@click.command("rm", cls=B2kitCommand)
@click.argument("uri", type=B2UriType("path"))
@click.option("-r", "--recursive", is_flag=True, help="remove every file under the path")
@click.option("--versions", is_flag=True, help="remove every version (hide markers too), not just the newest")
@click.option("--dry-run", is_flag=True, help="print what would be removed, remove nothing")
@output_options(json_flag=True)
def rm_cmd(uri: B2Path, recursive: bool, versions: bool, dry_run: bool) -> None:
    """Delete the newest version of a file (or every version with --versions); -r for a whole folder.

    Deleting the newest version of a file makes the one before it current again, as in the b2 CLI.
    """
    if not recursive and (not uri.name or uri.name.endswith("/")):
        raise CommandFailed(f"{uri} is a folder: use -r to remove everything under it")
    target = bucket_of(authorized_api(), uri)
    out = Output.from_context()
    removed: list[dict[str, str]] = []
    failures = 0
    for file_id, name, action in list(_versions_to_remove(target, uri, recursive, versions)):
        if not dry_run:
            try:
                target.delete_file_version(file_id, name)
            except Exception as exc:
                failures += 1
                click.echo(f"Error: cannot delete {name} ({file_id}): {exc}", err=True)
                continue
        removed.append({"fileId": file_id, "fileName": name, "action": action})
        if not out.json_mode:
            out.line(f"{'would delete' if dry_run else 'deleted'} {name} ({file_id})")
    if out.json_mode:
        out.json({"dryRun": dry_run, "deleted": removed})
    if failures:
        raise CommandFailed(f"{failures} file version(s) could not be deleted")
