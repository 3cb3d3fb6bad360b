"""``b2kit sync``: make a destination folder match a source folder (local↔B2, B2→B2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from b2kit import B2Api
from b2kit.cli._credentials import authorized_api
from b2kit.cli._errors import B2kitCommand, CommandFailed
from b2kit.cli._output import Output, output_options
from b2kit.cli._progress_ui import sync_listener
from b2kit.cli._uris import parse_b2_path
from b2kit.sync import (
    B2Folder,
    CompareMode,
    DestinationNewerError,
    EmptySourceError,
    LocalFolder,
    MissingSourceError,
    NewerMode,
    SyncActionsFailed,
    SyncCancelled,
    SyncFolder,
    Synchronizer,
    SyncOptions,
    SyncReport,
)


def sync_folder(text: str, api_factory: Callable[[], B2Api]) -> SyncFolder:
    """``b2://bucket[/prefix]`` becomes a B2Folder, anything else a local directory."""
    if text.startswith("b2://"):
        path = parse_b2_path(text)
        api: B2Api = api_factory()
        return B2Folder(api.get_bucket_by_name(path.bucket), path.name)
    if text.startswith("b2id://"):
        raise CommandFailed(f"{text}: sync works on b2://bucket/folder, not on a file id")
    return LocalFolder(Path(text))


def report_json(report: SyncReport) -> dict[str, Any]:
    """The report as JSON-ready camelCase fields (what ``sync --json`` prints)."""
    return {
        "dryRun": report.dry_run,
        "sourceFiles": report.source_files,
        "counts": dict(report.counts),
        "filesTransferred": report.files_transferred,
        "bytesTransferred": report.bytes_transferred,
        "elapsedSeconds": round(report.elapsed_seconds, 3),
        "failures": [{"name": name, "error": error} for name, error in report.failures],
        "warnings": list(report.warnings),
    }


@click.command("sync", cls=B2kitCommand)
@click.argument("source")
@click.argument("destination")
@click.option(
    "--delete", is_flag=True, help="delete destination files missing from the source (all versions)"
)
@click.option(
    "--keep-days", type=click.FloatRange(min=0), help="hide missing files; delete versions older than N days"
)
@click.option("--skip-newer", is_flag=True, help="leave destination files that are newer than the source")
@click.option(
    "--replace-newer", is_flag=True, help="overwrite destination files that are newer than the source"
)
@click.option(
    "--compare-versions",
    type=click.Choice([m.value for m in CompareMode]),
    default=CompareMode.MODTIME.value,
    show_default=True,
    help="how to tell that a file changed",
)
@click.option(
    "--compare-threshold", type=click.IntRange(min=0), default=0, help="ms (modTime) or bytes (size)"
)
@click.option("--exclude-regex", multiple=True, help="skip files whose relative path matches (repeatable)")
@click.option("--include-regex", multiple=True, help="sync files matching this even if excluded (repeatable)")
@click.option("--exclude-dir-regex", multiple=True, help="skip directories whose relative path matches")
@click.option("--exclude-all-symlinks", is_flag=True, help="do not follow symlinks (default: follow them)")
@click.option(
    "--allow-empty-source",
    is_flag=True,
    help="allow syncing from an empty source (with --delete: empties the destination)",
)
@click.option("--dry-run", is_flag=True, help="print what would be done, do nothing")
@click.option(
    "--threads",
    type=click.IntRange(1, 256),
    default=None,
    help="files moved at once (default: many small files at once, a few large ones)",
)
@output_options(json_flag=True)
def sync_cmd(source: str, destination: str, **flags: Any) -> None:
    """Make DESTINATION match SOURCE; each is a local directory or b2://bucket[/folder].

    Files are compared by modification time (stored on B2 as src_last_modified_millis); by default the
    sync stops with an error when a destination file is newer than its source.
    """
    options = options_from_flags(flags)
    out = Output.from_context()
    cache: list[B2Api] = []

    def api() -> B2Api:
        if not cache:
            cache.append(authorized_api())
        return cache[0]

    src, dst = sync_folder(source, api), sync_folder(destination, api)
    with sync_listener(out) as listener:
        try:
            report = Synchronizer(options, listener).sync_folders(src, dst)
        except SyncActionsFailed as failed:
            _print_report(out, failed.report)
            raise
        except (EmptySourceError, DestinationNewerError, MissingSourceError) as refused:
            raise CommandFailed(cli_message(refused)) from refused
        except SyncCancelled as cancelled:
            raise SyncCancelled(f"{cancelled}{kept_parts_note(dst)}") from cancelled
    _print_report(out, report)


def kept_parts_note(dest: SyncFolder) -> str:
    """``; N unfinished large file(s) keep M part(s) ...`` when an interrupted sync up left some behind."""
    if not isinstance(dest, B2Folder):
        return ""
    started = list(dest.bucket.list_unfinished_large_files(prefix=dest.prefix or None))
    if not started:
        return ""
    parts = sum(1 for large in started for _ in dest.bucket.list_parts(large.file_id))
    return (
        f"; {len(started)} unfinished large file(s) keep {parts} part(s) on the server: run the same sync "
        f"again to resume, or cancel with: b2kit file large unfinished cancel {dest}"
    )


def cli_message(refused: EmptySourceError | DestinationNewerError | MissingSourceError) -> str:
    """Why sync refused, naming the command-line flag that changes it."""
    if isinstance(refused, EmptySourceError):
        return f"source {refused.source} is empty; refusing to sync (--allow-empty-source allows it)"
    if isinstance(refused, DestinationNewerError):
        return f"{refused.message}; use --skip-newer or --replace-newer"
    if refused.is_file:
        return (
            f"{refused.source} is a file; sync works on folders "
            f"(one file goes up with: b2kit file upload BUCKET {refused.source} NAME)"
        )
    return refused.message


def options_from_flags(flags: dict[str, Any]) -> SyncOptions:
    """Build SyncOptions from the command-line flags, refusing contradictory ones."""
    if flags["skip_newer"] and flags["replace_newer"]:
        raise click.UsageError("--skip-newer and --replace-newer cannot be used together")
    if flags["delete"] and flags["keep_days"] is not None:
        raise click.UsageError("--delete and --keep-days cannot be used together")
    newer = (
        NewerMode.SKIP
        if flags["skip_newer"]
        else NewerMode.REPLACE
        if flags["replace_newer"]
        else NewerMode.RAISE
    )
    return SyncOptions(
        compare=CompareMode(flags["compare_versions"]),
        compare_threshold=flags["compare_threshold"],
        newer=newer,
        delete=flags["delete"],
        keep_days=flags["keep_days"],
        exclude_regexes=tuple(flags["exclude_regex"]),
        include_regexes=tuple(flags["include_regex"]),
        exclude_dir_regexes=tuple(flags["exclude_dir_regex"]),
        follow_symlinks=not flags["exclude_all_symlinks"],
        dry_run=flags["dry_run"],
        allow_empty_source=flags["allow_empty_source"],
        max_workers=flags["threads"],
    )


def _print_report(out: Output, report: SyncReport) -> None:
    if out.json_mode:
        out.json(report_json(report))
    else:
        out.info(report.summary())
