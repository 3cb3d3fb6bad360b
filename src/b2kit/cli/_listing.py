"""``b2kit ls`` and ``b2kit rm``: list and remove files under a b2:// path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import click

from b2kit import Bucket, FileVersion, Filter
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


def version_line(version: FileVersion) -> str:
    """``--versions`` without ``-l``: name, upload time and action, so versions of one name differ."""
    when = dt.datetime.fromtimestamp(version.upload_timestamp / 1000, tz=dt.UTC)
    return f"{version.file_name}\t{when:%Y-%m-%d %H:%M:%S}\t{version.action}\t{version.id_ or '-'}"


def folder_json(folder: str) -> dict[str, object]:
    """A folder in ``ls --json``, as the b2 CLI shows one."""
    return {"action": "folder", "fileName": folder, "fileId": None, "size": 0, "uploadTimestamp": 0}


_FILTER_OPTIONS = {"--include": "include", "--exclude": "exclude"}
_FILTERS_IN_ORDER = "b2kit.ls.filters"


def filters_in_order(args: Sequence[str]) -> list[Filter]:
    """The ``--include``/``--exclude`` patterns of a command line, in the order they were given."""
    found: list[Filter] = []
    words = iter(args)
    for word in words:
        if word == "--":
            break
        option, equals, value = word.partition("=")
        kind = _FILTER_OPTIONS.get(option)
        if kind is not None:
            found.append(Filter(kind, value if equals else next(words, "")))
    return found


def name_filters(
    ordered: Sequence[Filter], includes: tuple[str, ...], excludes: tuple[str, ...]
) -> list[Filter]:
    """The filters as given, as the b2 CLI applies them: the last pattern matching a name decides, a name
    none matches is listed unless every pattern is an ``--include``.

    ``ordered`` comes from the raw command line; should it disagree with what click parsed, click's values
    win, includes first.
    """
    if sorted((f.type, f.pattern) for f in ordered) == sorted(
        [("include", p) for p in includes] + [("exclude", p) for p in excludes]
    ):
        return list(ordered)
    return [Filter.include(p) for p in includes] + [Filter.exclude(p) for p in excludes]


class _ListCommand(B2kitCommand):
    """``ls``: keeps the order of ``--include``/``--exclude``, which click's per-option tuples lose."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[_FILTERS_IN_ORDER] = filters_in_order(args)
        return super().parse_args(ctx, args)


@click.command("ls", cls=_ListCommand)
@click.argument("uri", type=B2UriType("path"), required=False)
@click.option("-r", "--recursive", is_flag=True, help="list every file under the path, not one level")
@click.option("-l", "--long", "long_format", is_flag=True, help="show id, action, date, size too")
@click.option("--versions", is_flag=True, help="show every version, hide markers included")
@click.option(
    "--include",
    "includes",
    multiple=True,
    metavar="PATTERN",
    help="list names matching (in order; last match decides)",
)
@click.option(
    "--exclude",
    "excludes",
    multiple=True,
    metavar="PATTERN",
    help="leave out names matching (in order; last match decides)",
)
@click.option("--with-wildcard", is_flag=True, help="the URI's name is a pattern: *, ?, [...] (implies -r)")
@output_options(json_flag=True)
def ls_cmd(
    uri: B2Path | None,
    recursive: bool,
    long_format: bool,
    versions: bool,
    includes: tuple[str, ...],
    excludes: tuple[str, ...],
    with_wildcard: bool,
) -> None:
    """List files under b2://bucket[/folder] (one level unless -r; folders end with /).

    A URI that names a file lists that file; with no URI, the buckets are listed. --include/--exclude
    take shell patterns on the whole file name, applied in the order given as the b2 CLI does: the last
    one matching a name decides; a name none matches is listed, unless all patterns are --include.
    """
    out = Output.from_context()
    if uri is None:
        _list_buckets(out)
        return
    target = bucket_of(authorized_api(), uri)
    entries = target.ls(
        path=uri.name,
        latest_only=not versions,
        recursive=recursive or with_wildcard,
        with_wildcard=with_wildcard,
        filters=name_filters(click.get_current_context().meta.get(_FILTERS_IN_ORDER, []), includes, excludes),
    )
    if out.json_mode:
        out.json([folder_json(folder) if folder else version.as_dict() for version, folder in entries])
        return
    for version, folder in entries:
        if folder:
            out.line(folder if not long_format else f"{'-':<84}  {'folder':<6}  {'':<20}  {0:>12}  {folder}")
        elif long_format:
            out.line(long_line(version))
        else:
            out.line(version_line(version) if versions else version.file_name)


def _list_buckets(out: Output) -> None:
    """``b2kit ls`` alone: the account's bucket names (as the b2 CLI does)."""
    buckets = sorted(authorized_api().list_buckets(), key=lambda b: b.name or "")
    if out.json_mode:
        out.json([b.as_dict() for b in buckets])
        return
    for found in buckets:
        out.line(found.name or "")


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
