"""The performance table of issue 11: b2kit against b2sdk, the b2 CLI and rclone, all on one b2kit server.

One command reruns everything (``scripts/bench.sh`` installs the benchmark extra first)::

    .venv/bin/python benchmarks/run_all.py                      # every group, 5 rounds
    .venv/bin/python benchmarks/run_all.py --groups ls-recursive sync-up --rounds 3
    .venv/bin/python benchmarks/run_all.py --memory             # also 10 GiB transfers, a 100,000-file sync

How it measures:

- The server (``b2kit server``, real B2 part sizes) and a delay proxy (``delay_proxy.py``) run in their own
  processes; "WAN" groups reach the server through the proxy (``--rtt-ms``, default 50), the others directly
  on loopback. Server and proxy CPU seconds are read from /proc around each measurement.
- Every measurement is a new process: library workloads run in ``_worker.py`` (timed section only, CPU from
  getrusage, peak RSS from VmHWM); command-line tools (``b2kit sync``, ``b2 sync``, ``rclone copy``) run
  whole, start-up included, under ``_launch.py`` (wait4: user and system CPU, peak RSS).
- Rounds are interleaved (A B C, C B A, ...); the table shows the median with min-max over the rounds.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
KEY_ID, KEY = "benchkeyid0001", "benchsecretkey0000000000000000"
BUCKET, LS_BUCKET = "bench-data", "bench-list"
KEYS = ("--key-id", KEY_ID, "--key", KEY)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- processes ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a running process (and its reaped children), from /proc."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass
class Services:
    """The server and the proxy, each in its own process."""

    server: subprocess.Popen[bytes]
    proxy: subprocess.Popen[str]
    realm: str
    wan_realm: str

    def cpu(self) -> tuple[float, float]:
        return _cpu_seconds(self.server.pid), _cpu_seconds(self.proxy.pid)

    def stop(self) -> None:
        for process in (self.proxy, self.server):
            process.terminate()
        for process in (self.proxy, self.server):
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def start_services(work: Path, rtt_ms: float) -> Services:
    port = _free_port()
    log = (work / "server.log").open("wb")
    server = subprocess.Popen(
        [str(BIN / "b2kit"), "server", "--data-dir", str(work / "server"), "--port", str(port), *KEYS],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    realm = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{realm}/_b2kit/health", timeout=1):
                break
        except OSError:
            time.sleep(0.05)
    else:
        raise SystemExit(f"the server did not start; see {work / 'server.log'}")
    proxy = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "delay_proxy.py"),
            "--target",
            f"127.0.0.1:{port}",
            "--rtt-ms",
            str(rtt_ms),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proxy.stdout is not None
    wan_port = int(proxy.stdout.readline().split()[1])
    return Services(server, proxy, realm, f"http://127.0.0.1:{wan_port}")


# --- data --------------------------------------------------------------------------------------------------


def _write_random(path: Path, mib: int) -> None:
    block = os.urandom(1024 * 1024)
    with path.open("wb") as handle:
        for index in range(mib):
            handle.write(hashlib.sha256(block + index.to_bytes(8, "big")).digest() * 32768)


def _small_folder(folder: Path, count: int, size: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        (folder / f"file-{index:06d}.dat").write_bytes(os.urandom(size))
    return folder


def _sha1(path: Path) -> str:
    sha1 = hashlib.sha1()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            sha1.update(block)
    return sha1.hexdigest()


@dataclass
class Setup:
    work: Path
    services: Services
    args: argparse.Namespace
    large: Path
    large_sha1: str
    sync_source: Path
    small_source: Path
    env: dict[str, str] = field(default_factory=dict)

    def spec(self, wan: bool, **fields: Any) -> dict[str, Any]:
        realm = self.services.wan_realm if wan else self.services.realm
        return {"realm": realm, "key_id": KEY_ID, "key": KEY, "bucket": BUCKET, **fields}


def prepare(work: Path, services: Services, args: argparse.Namespace) -> Setup:
    from b2kit import B2Api, Bucket, InMemoryAccountInfo, LocalFolder, Synchronizer, SyncOptions
    from b2kit import B2Folder as KitB2Folder

    print(f"preparing data in {work}", flush=True)
    data = work / "data"
    data.mkdir()
    large = data / "large.bin"
    _write_random(large, args.large_mib)
    sync_source = _small_folder(data / "sync", args.sync_files, args.file_size)
    small_source = _small_folder(data / "small", args.small_files, args.file_size)
    api = B2Api(InMemoryAccountInfo(), max_upload_workers=16)
    api.authorize_account(services.realm, KEY_ID, KEY)
    bucket: Bucket = api.create_bucket(BUCKET, "allPrivate")
    ls_bucket: Bucket = api.create_bucket(LS_BUCKET, "allPrivate")
    names = [f"d{i // 100:03d}/f{i % 100:04d}.txt" for i in range(args.ls_names)]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda name: ls_bucket.upload_bytes(b"x", name), names))
    Synchronizer(SyncOptions()).sync_folders(LocalFolder(sync_source), KitB2Folder(bucket, "seed/sync"))
    bucket.upload_local_file(local_file=str(large), file_name="seed/large.bin")
    api.close()
    setup = Setup(work, services, args, large, _sha1(large), sync_source, small_source)
    _configure_clis(setup)
    return setup


def _configure_clis(setup: Setup) -> None:
    """Account files for ``b2kit`` and ``b2``, a config for rclone, all pointing at the proxy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("B2_", "RCLONE_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    wan = setup.services.wan_realm
    rclone_conf = setup.work / "rclone.conf"
    rclone_conf.write_text(f"[bench]\ntype = b2\naccount = {KEY_ID}\nkey = {KEY}\nendpoint = {wan}\n")
    env["RCLONE_CONFIG"] = str(rclone_conf)
    setup.env = env
    for tool, command in (
        ("b2kit", ["b2kit", "account", "authorize", "--realm", wan, KEY_ID, KEY]),
        ("b2", ["b2", "account", "authorize", KEY_ID, KEY]),
    ):
        tool_env = _tool_env(setup, tool)
        subprocess.run(command, env=tool_env, check=True, capture_output=True)


def _tool_env(setup: Setup, tool: str) -> dict[str, str]:
    env = dict(setup.env)
    env["B2_ACCOUNT_INFO"] = str(setup.work / f"{tool}-account.sqlite")
    env["HOME"] = str(setup.work / f"home-{tool}")
    if tool == "b2":
        env["B2_ENVIRONMENT"] = setup.services.wan_realm
    return env


# --- measuring ---------------------------------------------------------------------------------------------


def measure_library(setup: Setup, spec: dict[str, Any]) -> dict[str, Any]:
    command = [sys.executable, str(HERE / "_worker.py"), json.dumps(spec)]
    return _run(setup, command, setup.env, parse=lambda out: json.loads(out.strip().splitlines()[-1]))


def measure_command(setup: Setup, tool: str, command: list[str]) -> dict[str, Any]:
    log = setup.work / "command.log"
    launcher = [sys.executable, "-I", "-S", str(HERE / "_launch.py"), str(log), "--", *command]
    result = _run(setup, launcher, _tool_env(setup, tool), parse=lambda out: json.loads(out))
    if result.pop("exit") != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{log.read_text()[-3000:]}")
    return result


def _run(
    setup: Setup, command: list[str], env: dict[str, str], parse: Callable[[str], dict[str, Any]]
) -> dict[str, Any]:
    os.sync()  # nobody pays for an earlier run's write-back
    server_before, proxy_before = setup.services.cpu()
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    server_after, proxy_after = setup.services.cpu()
    if completed.returncode != 0:
        raise SystemExit(f"{command[:4]} failed:\n{completed.stderr[-3000:]}")
    result = parse(completed.stdout)
    result["server_cpu"] = server_after - server_before
    result["proxy_cpu"] = proxy_after - proxy_before
    return result


# --- groups ------------------------------------------------------------------------------------------------

Runner = Callable[[Setup, str, int], dict[str, Any]]


@dataclass(frozen=True)
class Group:
    """One workload measured for several tools; ``tools[0]`` is ours."""

    name: str
    title: str
    tools: tuple[str, ...]
    run: Runner
    wan: bool = False
    unit: str = "s"
    rounds: int | None = None
    """Fixed number of rounds (the memory groups: one), else ``--rounds``."""


def _check_count(folder: Path, expected: int) -> None:
    found = sum(1 for _ in folder.iterdir())
    if found != expected:
        raise SystemExit(f"{folder} has {found} files, expected {expected}")


def _remote_count(setup: Setup, prefix: str) -> int:
    from b2kit import B2Api, InMemoryAccountInfo

    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(setup.services.realm, KEY_ID, KEY)
    try:
        bucket = api.get_bucket_by_name(BUCKET)
        return sum(1 for _ in bucket.ls(prefix, recursive=True))
    finally:
        api.close()


def _sync_command(tool: str, source: str, dest: str) -> list[str]:
    if tool == "b2kit-cli":
        return ["b2kit", "sync", "--no-progress", source, dest]
    if tool == "b2-cli":
        return ["b2", "sync", "--no-progress", source, dest]
    to_rclone = {True: lambda s: s.replace("b2://", "bench:")}
    return ["rclone", "copy", to_rclone[True](source), to_rclone[True](dest)]


def _cli_account(tool: str) -> str:
    return {"b2kit-cli": "b2kit", "b2-cli": "b2", "rclone": "rclone"}[tool]


def run_sync_up(setup: Setup, tool: str, round_: int) -> dict[str, Any]:
    prefix = f"up/{tool}-{round_}"
    command = _sync_command(tool, str(setup.sync_source), f"b2://{BUCKET}/{prefix}")
    result = measure_command(setup, _cli_account(tool), command)
    if (count := _remote_count(setup, prefix + "/")) != setup.args.sync_files:
        raise SystemExit(f"{tool} uploaded {count} files")
    return result


def run_sync_down(setup: Setup, tool: str, round_: int) -> dict[str, Any]:
    out = setup.work / "out-sync"
    out.mkdir()
    try:
        result = measure_command(
            setup, _cli_account(tool), _sync_command(tool, f"b2://{BUCKET}/seed/sync", str(out))
        )
        _check_count(out, setup.args.sync_files)
        return result
    finally:
        shutil.rmtree(out)


def run_library_sync_up(setup: Setup, tool: str, round_: int) -> dict[str, Any]:
    prefix = f"libup/{tool}-{round_}"
    spec = setup.spec(True, tool=tool, workload="library-sync", direction="up", local=str(setup.sync_source))
    result = measure_library(setup, {**spec, "remote": prefix})
    if (count := _remote_count(setup, prefix + "/")) != setup.args.sync_files:
        raise SystemExit(f"{tool} library sync uploaded {count} files")
    return result


def run_library_sync_down(setup: Setup, tool: str, round_: int) -> dict[str, Any]:
    out = setup.work / "out-libsync"
    out.mkdir()
    try:
        spec = setup.spec(True, tool=tool, workload="library-sync", direction="down", local=str(out))
        result = measure_library(setup, {**spec, "remote": "seed/sync"})
        _check_count(out, setup.args.sync_files)
        return result
    finally:
        shutil.rmtree(out)


def _ls(workload: str) -> Runner:
    def run(setup: Setup, tool: str, round_: int) -> dict[str, Any]:
        return measure_library(setup, {**setup.spec(True, tool=tool, workload=workload), "bucket": LS_BUCKET})

    return run


def run_small_upload(setup: Setup, tool: str, round_: int) -> dict[str, Any]:
    spec = setup.spec(False, tool=tool, workload="small-upload", source=str(setup.small_source))
    return measure_library(setup, {**spec, "prefix": f"small/{tool}-{round_}/"})


def run_large_upload(setup: Setup, tool: str, round_: int) -> dict[str, Any]:
    name = f"large/{tool}-{round_}.bin"
    result = measure_library(
        setup, setup.spec(False, tool=tool, workload="large-upload", source=str(setup.large), name=name)
    )
    _delete_all(setup, name)
    return result


def _delete_all(setup: Setup, name: str) -> None:
    from b2kit import B2Api, InMemoryAccountInfo

    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(setup.services.realm, KEY_ID, KEY)
    try:
        bucket = api.get_bucket_by_name(BUCKET)
        for version in list(bucket.list_file_versions(prefix=name)):
            if version.file_name == name:
                bucket.delete_file_version(version.id_, version.file_name)
    finally:
        api.close()


def run_large_download(setup: Setup, tool: str, round_: int) -> dict[str, Any]:
    target = setup.work / "out-large.bin"
    library, _, form = tool.partition(":")
    spec = setup.spec(
        False, tool=library, workload="large-download", name="seed/large.bin", target=str(target)
    )
    try:
        result = measure_library(setup, {**spec, "dest": form == "dest"})
        if _sha1(target) != setup.large_sha1:
            raise SystemExit(f"{tool} downloaded a different file")
        return result
    finally:
        target.unlink(missing_ok=True)


def run_raw_ingest(setup: Setup, tool: str, round_: int) -> dict[str, Any]:
    part = 100 * 1000 * 1000
    spec = setup.spec(
        False, tool=tool, workload="raw-ingest", name=f"raw/ingest-{round_}", part_size=part, parts=10
    )
    return measure_library(setup, spec)


def run_raw_small(setup: Setup, tool: str, round_: int) -> dict[str, Any]:
    spec = setup.spec(
        False,
        tool=tool,
        workload="raw-small",
        files=setup.args.small_files,
        connections=16,
        file_size=setup.args.file_size,
        prefix=f"raw-small/{round_}/",
    )
    return measure_library(setup, spec)


GROUPS = (
    Group(
        "sync-up",
        "CLI sync up, 1,000 x 10 KiB, WAN",
        ("b2kit-cli", "b2-cli", "rclone"),
        run_sync_up,
        wan=True,
    ),
    Group(
        "sync-down",
        "CLI sync down, 1,000 x 10 KiB, WAN",
        ("b2kit-cli", "b2-cli", "rclone"),
        run_sync_down,
        wan=True,
    ),
    Group(
        "lib-sync-up",
        "library sync up, 1,000 x 10 KiB, WAN",
        ("b2kit", "b2sdk"),
        run_library_sync_up,
        wan=True,
    ),
    Group(
        "lib-sync-down",
        "library sync down, 1,000 x 10 KiB, WAN",
        ("b2kit", "b2sdk"),
        run_library_sync_down,
        wan=True,
    ),
    Group(
        "ls-recursive",
        "Bucket.ls(recursive=True), 10,000 names, WAN",
        ("b2kit", "b2sdk"),
        _ls("ls-recursive"),
        wan=True,
    ),
    Group(
        "ls-folders",
        "Bucket.ls() top level, 100 folders x 100 names, WAN",
        ("b2kit", "b2sdk"),
        _ls("ls-folders"),
        wan=True,
    ),
    Group(
        "small-upload", "2,000 x 10 KiB upload_local_file, 10 threads", ("b2kit", "b2sdk"), run_small_upload
    ),
    Group("large-upload", "upload_local_file 1 GiB", ("b2kit", "b2sdk"), run_large_upload),
    Group(
        "large-download",
        "download 1 GiB by id, SHA-1 checked",
        ("b2kit", "b2kit:dest", "b2sdk"),
        run_large_download,
    ),
    Group(
        "server-ingest", "server: 10 x 100 MB parts, one bare keep-alive connection", ("raw",), run_raw_ingest
    ),
    Group("server-small", "server: 2,000 x 10 KiB uploads, 16 bare connections", ("raw",), run_raw_small),
)


def _sparse_file(path: Path, gib: int) -> Path:
    """``gib`` GiB: a random 1 MiB block every 64 MiB, holes between (quick to make, all of it is sent)."""
    if not path.exists():
        with path.open("wb") as handle:
            for mib in range(0, gib * 1024, 64):
                handle.seek(mib * 1024 * 1024)
                handle.write(os.urandom(1024 * 1024))
            handle.truncate(gib * 1024 * 1024 * 1024)
    return path


def run_memory_upload(setup: Setup, tool: str, round_: int) -> dict[str, Any]:
    source = _sparse_file(setup.work / "data" / "huge.bin", setup.args.memory_gib)
    spec = setup.spec(False, tool=tool, workload="large-upload", source=str(source), name="memory/huge.bin")
    return measure_library(setup, spec)


def run_memory_download(setup: Setup, tool: str, round_: int) -> dict[str, Any]:
    target = setup.work / "out-huge.bin"
    spec = setup.spec(False, tool=tool, workload="large-download", name="memory/huge.bin", target=str(target))
    try:
        result = measure_library(setup, spec)
        if _sha1(target) != _sha1(setup.work / "data" / "huge.bin"):
            raise SystemExit("the huge download differs from its source")
        return result
    finally:
        target.unlink(missing_ok=True)
        _delete_all(setup, "memory/huge.bin")
        (setup.work / "data" / "huge.bin").unlink(missing_ok=True)


def run_memory_sync(setup: Setup, tool: str, round_: int) -> dict[str, Any]:
    folder = setup.work / "data" / "many"
    if not folder.exists():
        for index in range(setup.args.memory_files):
            path = folder / f"d{index // 1000:03d}" / f"f{index % 1000:03d}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"%d" % index)
    spec = setup.spec(False, tool=tool, workload="library-sync", direction="up", local=str(folder))
    result = measure_library(setup, {**spec, "remote": "many"})
    if result["amount"] != setup.args.memory_files:
        raise SystemExit(f"the sync moved {result['amount']} files")
    return result


MEMORY_GROUPS = (
    Group("memory-upload", "memory: upload_local_file 10 GiB", ("b2kit",), run_memory_upload, rounds=1),
    Group(
        "memory-download", "memory: download 10 GiB, SHA-1 checked", ("b2kit",), run_memory_download, rounds=1
    ),
    Group("memory-sync", "memory: library sync up of 100,000 files", ("b2kit",), run_memory_sync, rounds=1),
)


def _sized(group: Group, args: argparse.Namespace) -> Group:
    """The group with the sizes of this run in its title."""
    title = group.title.replace("1,000 x", f"{args.sync_files:,} x").replace(
        "2,000 x", f"{args.small_files:,} x"
    )
    title = title.replace("10,000 names", f"{args.ls_names:,} names").replace(
        "1 GiB", f"{args.large_mib} MiB"
    )
    title = title.replace("10 GiB", f"{args.memory_gib} GiB").replace(
        "100,000 files", f"{args.memory_files:,} files"
    )
    return dataclasses.replace(group, title=title)


# --- report ------------------------------------------------------------------------------------------------


def _spread(values: list[float], fmt: str = "{:.2f}") -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def report(results: dict[str, dict[str, list[dict[str, Any]]]], groups: list[Group]) -> str:
    lines = [
        "| workload | tool | wall s, median (min-max) | client user s | client sys s | server CPU s "
        "| proxy CPU s | peak RSS MiB | wall vs ours | client CPU vs ours |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for group in groups:
        runs = results[group.name]
        ours = runs[group.tools[0]]
        our_wall = statistics.median(r["seconds"] for r in ours)
        our_cpu = statistics.median(r["user"] + r["sys"] for r in ours)
        for tool in group.tools:
            rows = runs[tool]
            wall = statistics.median(r["seconds"] for r in rows)
            cpu = statistics.median(r["user"] + r["sys"] for r in rows)
            lines.append(
                f"| {group.title} | {tool} | {_spread([r['seconds'] for r in rows])} "
                f"| {_spread([r['user'] for r in rows])} | {_spread([r['sys'] for r in rows])} "
                f"| {_spread([r['server_cpu'] for r in rows])} | {_spread([r['proxy_cpu'] for r in rows])} "
                f"| {max(r['peak_kib'] for r in rows) / 1024:.0f} "
                f"| {wall / our_wall:.2f}x | {cpu / our_cpu if our_cpu else 0:.2f}x |"
            )
    return "\n".join(lines)


def _rates(results: dict[str, dict[str, list[dict[str, Any]]]]) -> list[str]:
    out = []
    for name, unit, scale in (("server-ingest", "MB/s", 1e6), ("server-small", "uploads/s", 1)):
        runs = results.get(name, {}).get("raw")
        if runs:
            rates = [r["amount"] / scale / r["seconds"] for r in runs]
            out.append(f"{name}: {_spread(rates, '{:.0f}')} {unit}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    names = [group.name for group in GROUPS]
    memory_names = [group.name for group in MEMORY_GROUPS]
    parser.add_argument("--groups", nargs="+", choices=names + memory_names, default=names)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--memory", action="store_true", help="also the memory groups (10 GiB, 100,000 files)"
    )
    parser.add_argument("--memory-gib", type=int, default=10)
    parser.add_argument("--memory-files", type=int, default=100_000)
    parser.add_argument("--rtt-ms", type=float, default=50.0)
    parser.add_argument("--sync-files", type=int, default=1000)
    parser.add_argument("--small-files", type=int, default=2000)
    parser.add_argument("--file-size", type=int, default=10 * 1024)
    parser.add_argument("--ls-names", type=int, default=10_000)
    parser.add_argument("--large-mib", type=int, default=1024)
    parser.add_argument("--work-dir", default=None, help="where the temporary data goes")
    parser.add_argument("--json-out", default=None, help="also write every run's figures here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="b2kit-perf-", dir=args.work_dir))
    print(
        f"start {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}; load: {os.getloadavg()}", flush=True
    )
    services = start_services(work, args.rtt_ms)
    try:
        setup = prepare(work, services, args)
        wanted = set(args.groups) | (set(memory_names) if args.memory else set())
        groups = [_sized(group, args) for group in (*GROUPS, *MEMORY_GROUPS) if group.name in wanted]
        results: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for group in groups:
            runs = results.setdefault(group.name, {tool: [] for tool in group.tools})
            for round_ in range(group.rounds or args.rounds):
                order = group.tools if round_ % 2 == 0 else group.tools[::-1]
                for tool in order:
                    result = group.run(setup, tool, round_)
                    runs[tool].append(result)
                    print(
                        f"  {group.name:<15} {tool:<11} {result['seconds']:7.2f} s  "
                        f"user {result['user']:.2f} sys {result['sys']:.2f}  "
                        f"server {result['server_cpu']:.2f}  "
                        f"peak {result['peak_kib'] / 1024:.0f} MiB  load {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )
        print()
        print(report(results, groups))
        for line in _rates(results):
            print(line)
        print(f"end {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}; load: {os.getloadavg()}")
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(results, indent=1))
    finally:
        services.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
