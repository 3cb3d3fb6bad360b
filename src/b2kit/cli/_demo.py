"""``b2kit demo``: the whole round trip on a throw-away local server, with figures.

Starts the embedded B2 server on a free port with a temporary data dir, syncs a sample folder up (one
file large enough to go up in parts), lists it, syncs it back into a new folder, checks every byte by
SHA-1, shows MB/s and files/s per direction, then stops the server and cleans up (unless ``--keep``).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click

from b2kit import B2Api, Bucket, SqliteAccountInfo
from b2kit._sync import B2Folder, LocalFolder, Synchronizer, SyncOptions, SyncReport
from b2kit.cli._demo_tree import compare_trees, make_sample_tree
from b2kit.cli._errors import B2kitCommand, CommandFailed
from b2kit.cli._output import Output, output_options
from b2kit.cli._progress_ui import sync_listener
from b2kit.server import LocalServer

BUCKET = "b2kit-demo"
MB = 1_000_000
DEMO_MIN_PART = 5 * MB
DEMO_RECOMMENDED_PART = 10 * MB


@dataclass(frozen=True)
class Leg:
    """One direction of the round trip and how fast it went."""

    label: str
    report: SyncReport

    def line(self) -> str:
        seconds = max(self.report.elapsed_seconds, 1e-9)
        mb_s = self.report.bytes_transferred / MB / seconds
        files_s = self.report.files_transferred / seconds
        return (
            f"{self.label:<10} {self.report.files_transferred:>4} files  "
            f"{self.report.bytes_transferred / MB:>8.1f} MB  {seconds:>6.2f} s  "
            f"{mb_s:>7.1f} MB/s  {files_s:>7.1f} files/s"
        )


def _step(out: Output, text: str) -> None:
    out.line("")
    out.line(f"==> {text}")


def _sync(out: Output, source: LocalFolder | B2Folder, dest: LocalFolder | B2Folder) -> SyncReport:
    quiet = Output(json_mode=False, quiet=True, show_progress=out.show_progress)
    with sync_listener(quiet) as listener:
        report = Synchronizer(SyncOptions(), listener).sync_folders(source, dest)
    out.line(report.summary())
    return report


def _list(out: Output, bucket: Bucket) -> None:
    """Print every file with its size; large files (uploaded in parts) say so."""
    for version, _folder in bucket.ls("", recursive=True):
        kind = "large" if version.content_sha1 in (None, "none") else "small"
        out.line(f"    {version.size:>12,}  {kind}  {version.file_name}")


@click.command("demo", cls=B2kitCommand)
@click.option("--keep", is_flag=True, help="keep the data dir and print how to point the CLI at it")
@click.option(
    "--large-mb",
    type=click.IntRange(11, 2000),
    default=25,
    show_default=True,
    help="size of the multi-part file",
)
@click.option(
    "--small-copies",
    type=click.IntRange(1, 100),
    default=3,
    show_default=True,
    help="copies of each small file",
)
@output_options()
def demo(keep: bool, large_mb: int, small_copies: int) -> None:
    """Round trip on a local B2 server: sync a sample folder up, list, sync back, verify, show speed."""
    out = Output.from_context()
    workdir = Path(tempfile.mkdtemp(prefix="b2kit-demo-"))
    try:
        _run(out, workdir, large_mb * MB, small_copies, keep)
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def _run(out: Output, workdir: Path, large_size: int, small_copies: int, keep: bool) -> None:
    data_dir, sample, restored = workdir / "server-data", workdir / "sample", workdir / "restored"
    account_file = workdir / "account_info.sqlite"
    _step(out, f"making a sample folder in {sample}")
    stats = make_sample_tree(sample, large_size, small_copies)
    shape = f"nested dirs, non-ASCII names, one {large_size // MB} MB file"
    out.line(f"{stats.files} files, {stats.bytes / MB:.1f} MB ({shape})")

    _step(out, "starting the embedded B2 server")
    with LocalServer(
        data_dir=data_dir,
        absolute_minimum_part_size=DEMO_MIN_PART,
        recommended_part_size=DEMO_RECOMMENDED_PART,
    ) as server:
        out.line(
            f"listening on {server.realm} (data in {data_dir}; parts of {DEMO_RECOMMENDED_PART // MB} MB)"
        )
        api = B2Api(SqliteAccountInfo(file_name=str(account_file)))
        api.authorize_account(server.realm, server.key_id, server.key)
        bucket = api.create_bucket(BUCKET, "allPrivate")
        out.line(f"created bucket {BUCKET} ({bucket.id_})")

        _step(out, f"b2kit sync {sample} b2://{BUCKET}/sample")
        up = _sync(out, LocalFolder(sample), B2Folder(bucket, "sample"))

        _step(out, f"b2kit ls -r b2://{BUCKET}  (size, small or large = uploaded in parts, name)")
        _list(out, bucket)

        _step(out, f"b2kit sync b2://{BUCKET}/sample {restored}")
        down = _sync(out, B2Folder(bucket, "sample"), LocalFolder(restored))

        _step(out, "verifying every byte (SHA-1 of each file, both trees)")
        problems = compare_trees(sample, restored)
        if problems:
            raise CommandFailed(f"round trip differs: {'; '.join(problems[:5])}")
        out.line(f"all {stats.files} files identical ({stats.bytes:,} bytes)")

        _step(out, "syncing again: nothing should move")
        again = _sync(out, LocalFolder(sample), B2Folder(bucket, "sample"))
        if again.files_transferred:
            raise CommandFailed(f"second sync transferred {again.files_transferred} files")

        _step(out, "speed")
        out.line(Leg("upload", up).line())
        out.line(Leg("download", down).line())
        realm, key_id, key = server.realm, server.key_id, server.key
    out.line("")
    out.line("server stopped")
    if keep:
        _print_keep_help(out, workdir, data_dir, account_file, realm, key_id, key)
    else:
        out.line(f"removed {workdir}")


def _print_keep_help(
    out: Output, workdir: Path, data_dir: Path, account_file: Path, realm: str, key_id: str, key: str
) -> None:
    port = realm.rsplit(":", 1)[1]
    out.line(f"kept everything in {workdir}. To use it with the CLI:")
    out.line(f"  b2kit server --data-dir {data_dir} --port {port} &")
    out.line(f"  export B2_ACCOUNT_INFO={account_file}")
    out.line(f"  b2kit account authorize --realm {realm} {key_id} {key}")
    out.line(f"  b2kit ls -r b2://{BUCKET}")
