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
from b2kit.cli._demo_tree import compare_trees, make_sample_tree
from b2kit.cli._errors import B2kitCommand, CommandFailed
from b2kit.cli._output import Output, output_options
from b2kit.cli._progress_ui import sync_listener
from b2kit.server import LocalServer
from b2kit.sync import B2Folder, LocalFolder, Synchronizer, SyncOptions, SyncReport

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


@dataclass(frozen=True)
class DemoPaths:
    """Everything the demo writes lives under one temporary directory, ``workdir``."""

    workdir: Path
    data_dir: Path
    sample: Path
    restored: Path
    account_file: Path

    @classmethod
    def under(cls, workdir: Path) -> DemoPaths:
        """The demo's server data, sample tree, restored copy and account file inside ``workdir``."""
        names = ("server-data", "sample", "restored", "account_info.sqlite")
        return cls(workdir, *(workdir / name for name in names))


@click.command("demo", cls=B2kitCommand)
@click.option("--keep", is_flag=True, help="keep the data dir and print how to point the CLI at it")
@click.option(
    "--large-mb",
    type=click.IntRange(11, 2000),
    default=25,
    show_default=True,
    help="size of the file that goes up in parts",
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
    paths = DemoPaths.under(Path(tempfile.mkdtemp(prefix="b2kit-demo-")))
    try:
        _step(out, f"making a sample folder in {paths.sample}")
        stats = make_sample_tree(paths.sample, large_mb * MB, small_copies)
        shape = f"nested dirs, non-ASCII names, one {large_mb} MB file"
        out.line(f"{stats.files} files, {stats.bytes / MB:.1f} MB ({shape})")
        realm, key_id, key = _serve_and_round_trip(out, paths)
        out.line("")
        out.line("server stopped")
        if keep:
            _print_keep_help(out, paths, realm, key_id, key)
    finally:
        if not keep:
            shutil.rmtree(paths.workdir, ignore_errors=True)
            out.line(f"removed {paths.workdir}")


def _serve_and_round_trip(out: Output, paths: DemoPaths) -> tuple[str, str, str]:
    """Start the server, run the round trip against it, stop it; returns its realm and master key."""
    _step(out, "starting the embedded B2 server")
    with LocalServer(
        data_dir=paths.data_dir,
        absolute_minimum_part_size=DEMO_MIN_PART,
        recommended_part_size=DEMO_RECOMMENDED_PART,
    ) as server:
        parts = f"parts of {DEMO_RECOMMENDED_PART // MB} MB"
        out.line(f"listening on {server.realm} (data in {paths.data_dir}; {parts})")
        with B2Api(SqliteAccountInfo(file_name=str(paths.account_file))) as api:
            api.authorize_account(server.realm, server.key_id, server.key)
            bucket = api.create_bucket(BUCKET, "allPrivate")
            out.line(f"created bucket {BUCKET} ({bucket.id_})")
            _round_trip(out, bucket, paths)
        return server.realm, server.key_id, server.key


def _round_trip(out: Output, bucket: Bucket, paths: DemoPaths) -> None:
    """Sync up, list, sync down, verify by SHA-1, sync again (nothing moves), print the speeds."""
    remote = B2Folder(bucket, "sample")
    _step(out, f"b2kit sync {paths.sample} b2://{BUCKET}/sample")
    up = _sync(out, LocalFolder(paths.sample), remote)

    _step(out, f"b2kit ls -r b2://{BUCKET}  (size, small or large = uploaded in parts, name)")
    _list(out, bucket)

    _step(out, f"b2kit sync b2://{BUCKET}/sample {paths.restored}")
    down = _sync(out, remote, LocalFolder(paths.restored))

    _step(out, "verifying every byte (SHA-1 of each file, both trees)")
    problems = compare_trees(paths.sample, paths.restored)
    if problems:
        raise CommandFailed(f"round trip differs: {'; '.join(problems[:5])}")
    out.line(f"all {up.source_files} files identical ({up.bytes_transferred:,} bytes)")

    _step(out, "syncing again: nothing should move")
    again = _sync(out, LocalFolder(paths.sample), remote)
    if again.files_transferred:
        raise CommandFailed(f"second sync transferred {again.files_transferred} files")

    _step(out, "speed")
    out.line(Leg("upload", up).line())
    out.line(Leg("download", down).line())


def _print_keep_help(out: Output, paths: DemoPaths, realm: str, key_id: str, key: str) -> None:
    port = realm.rsplit(":", 1)[1]
    out.line(f"kept everything in {paths.workdir}. To use it with the CLI:")
    out.line(f"  b2kit server --data-dir {paths.data_dir} --port {port} &")
    out.line(f"  export B2_ACCOUNT_INFO={paths.account_file}")
    out.line(f"  b2kit account authorize --realm {realm} {key_id} {key}")
    out.line(f"  b2kit ls -r b2://{BUCKET}")
