"""b2kit.aio against the sync b2kit and b2sdk: many small uploads on one event loop, and 1 GiB transfers.

Usage::

    .venv/bin/python benchmarks/bench_aio.py                          # 5 rounds, everything
    .venv/bin/python benchmarks/bench_aio.py --rounds 3 --small-files 500 --large-mib 256 --groups small-lan

Groups:

- ``small-lan`` / ``small-wan``: ``--small-files`` files of 10 KiB uploaded with ``upload_local_file``, on
  loopback and through the delay proxy (``--rtt-ms``, default 50). b2kit.aio starts one task per file on one
  event loop (``AsyncB2Api(max_upload_workers=N)``: N connections, ``--aio-connections``); the sync b2kit and
  b2sdk use a pool of 10 threads (``_worker.py``'s small-upload workload, each SDK with its defaults).
- ``large-upload`` / ``large-download``: one ``--large-mib`` MiB file, ``upload_local_file`` and
  ``download_file_by_id(...).save_to`` (parallel ranged streams), b2kit.aio against the sync b2kit, each with
  its default worker count, on loopback. Wall time and peak RSS.

The server (``b2kit server``, real B2 part sizes) and the delay proxy run in their own processes
(``run_all.start_services``); every measurement is a fresh process (timed section only; user and system CPU
from getrusage; peak RSS from VmHWM); rounds are interleaved with the order rotated; the table shows the
median and min-max over the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GROUPS = ("small-lan", "small-wan", "large-upload", "large-download")
SMALL_TOOLS = ("b2kit.aio", "b2kit", "b2sdk")
LARGE_TOOLS = ("b2kit.aio", "b2kit")
BUCKET = "bench-aio"


# --- worker: b2kit.aio in its own process ------------------------------------------------------------------


def _peak_rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def _aio_worker(spec: dict[str, Any]) -> dict[str, Any]:
    from b2kit import InMemoryAccountInfo
    from b2kit.aio import AsyncB2Api

    async with AsyncB2Api(InMemoryAccountInfo(), max_upload_workers=spec["connections"]) as api:
        await api.authorize_account(spec["realm"], spec["key_id"], spec["key"])
        bucket = await api.get_bucket_by_name(spec["bucket"])
        timed: Callable[[], Awaitable[int]]
        if spec["workload"] == "small-upload":
            files = sorted(Path(spec["source"]).iterdir())

            async def timed() -> int:
                names = [spec["prefix"] + path.name for path in files]
                await asyncio.gather(
                    *(bucket.upload_local_file(p, n) for p, n in zip(files, names, strict=True))
                )
                return len(files)
        elif spec["workload"] == "large-upload":

            async def timed() -> int:
                await bucket.upload_local_file(spec["source"], spec["name"])
                return os.path.getsize(spec["source"])
        else:
            file_id = (await bucket.get_file_info_by_name(spec["name"])).id_

            async def timed() -> int:
                downloaded = await bucket.download_file_by_id(file_id)
                await downloaded.save_to(spec["target"])
                return os.path.getsize(spec["target"])

        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        amount = await timed()
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "seconds": seconds,
        "user": after.ru_utime - before.ru_utime,
        "sys": after.ru_stime - before.ru_stime,
        "peak_kib": _peak_rss_kib(),
        "amount": amount,
    }


# --- parent ------------------------------------------------------------------------------------------------


def _measure(tool: str, spec: dict[str, Any]) -> dict[str, Any]:
    if tool == "b2kit.aio":
        command = [sys.executable, __file__, "--worker", json.dumps(spec)]
    else:
        command = [sys.executable, str(HERE / "_worker.py"), json.dumps({**spec, "tool": tool})]
    os.sync()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{tool} {spec['workload']} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _rotated(tools: tuple[str, ...], round_: int) -> list[str]:
    shift = round_ % len(tools)
    return list(tools[shift:] + tools[:shift])


def _report(results: dict[tuple[str, str], list[dict[str, Any]]]) -> None:
    print("\n| group | client | median | min-max | user CPU s | sys CPU s | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|")
    for (group, tool), runs in results.items():
        small = group.startswith("small")
        rates = [r["amount"] / r["seconds"] / (1 if small else 1024 * 1024) for r in runs]
        unit = "files/s" if small else "MiB/s"
        user = statistics.median(r["user"] for r in runs)
        system = statistics.median(r["sys"] for r in runs)
        peak = statistics.median(r["peak_kib"] for r in runs) / 1024
        seconds = statistics.median(r["seconds"] for r in runs)
        print(
            f"| {group} | {tool} | {statistics.median(rates):.0f} {unit} ({seconds:.2f} s) | "
            f"{min(rates):.0f}-{max(rates):.0f} | {user:.2f} | {system:.2f} | {peak:.0f} |"
        )


def main_parent(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(HERE))
    from b2kit import B2Api, InMemoryAccountInfo
    from run_all import KEY, KEY_ID, _small_folder, _write_random, start_services

    work = Path(tempfile.mkdtemp(prefix="b2kit-bench-aio-", dir=args.work_dir))
    services = start_services(work, args.rtt_ms)
    print(f"load before: {os.getloadavg()}; rounds={args.rounds}", flush=True)
    try:
        small = _small_folder(work / "small", args.small_files, args.file_size)
        large = work / "large.bin"
        _write_random(large, args.large_mib)
        admin = B2Api(InMemoryAccountInfo())
        admin.authorize_account(services.realm, KEY_ID, KEY)
        bucket = admin.create_bucket(BUCKET, "allPrivate")
        bucket.upload_local_file(local_file=str(large), file_name="seed/large.bin")
        results: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for round_ in range(args.rounds):
            for group in args.groups:
                tools = SMALL_TOOLS if group.startswith("small") else LARGE_TOOLS
                for tool in _rotated(tools, round_):
                    realm = services.wan_realm if group == "small-wan" else services.realm
                    spec: dict[str, Any] = {
                        "realm": realm,
                        "key_id": KEY_ID,
                        "key": KEY,
                        "bucket": BUCKET,
                        "connections": args.aio_connections if group.startswith("small") else 10,
                    }
                    target = work / "download.bin"
                    if group.startswith("small"):
                        spec |= {"workload": "small-upload", "source": str(small), "threads": 10}
                        spec["prefix"] = f"{group}/{tool}/{round_}/"
                    elif group == "large-upload":
                        spec |= {"workload": "large-upload", "source": str(large), "name": f"up/{tool}"}
                    else:
                        spec |= {
                            "workload": "large-download",
                            "name": "seed/large.bin",
                            "target": str(target),
                        }
                    result = _measure(tool, spec)
                    target.unlink(missing_ok=True)
                    if group == "large-upload":
                        for version in list(bucket.list_file_versions(prefix="up/")):
                            bucket.delete_file_version(version.id_, version.file_name)
                    results.setdefault((group, tool), []).append(result)
                    print(
                        f"  round {round_ + 1} {group:<14} {tool:<10} {result['seconds']:7.2f} s "
                        f"user {result['user']:.2f} sys {result['sys']:.2f} "
                        f"peak {result['peak_kib'] / 1024:.0f} MiB",
                        flush=True,
                    )
        admin.close()
        print(f"load after: {os.getloadavg()}")
        _report(results)
    finally:
        services.stop()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--groups", nargs="+", choices=GROUPS, default=list(GROUPS))
    parser.add_argument("--small-files", type=int, default=2000)
    parser.add_argument("--file-size", type=int, default=10 * 1024)
    parser.add_argument("--large-mib", type=int, default=1024)
    parser.add_argument("--rtt-ms", type=float, default=50.0)
    parser.add_argument("--aio-connections", type=int, default=100, help="AsyncB2Api max_upload_workers")
    parser.add_argument("--work-dir", default=None)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(asyncio.run(_aio_worker(json.loads(args.worker)))))
    else:
        main_parent(args)


if __name__ == "__main__":
    main()
