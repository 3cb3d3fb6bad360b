"""fsspec benchmark: ``B2FileSystem.get`` of a large file and ``put`` of many small files, against the SDK.

Usage::

    .venv/bin/python benchmarks/bench_fsspec.py                          # 1 GiB, 1,000 files, 5 rounds
    .venv/bin/python benchmarks/bench_fsspec.py --size-mib 64 --files 200 --rounds 3   # quick look

One b2kit LocalServer runs in this process with real B2 part sizes (5 MB minimum, 100 MB recommended).
Every measurement runs in a fresh subprocess: ``sdk`` is the b2kit SDK itself
(``download_file_by_name(...).save_to`` for the large file; a pool of ``--workers`` threads calling
``upload_local_file`` for the small ones, as benchmarks/bench_transfers.py does), ``fs`` is
``B2FileSystem.get`` / ``B2FileSystem.put(recursive=True)`` with ``max_concurrency=--workers``. Rounds are
interleaved (the side that goes first alternates); the report gives the median and min-max of the rate, the
client's user and system CPU seconds apart, and fs/sdk as the ratio of the median rates. Every download is
checked against the source SHA-1 after its timing. The load average is printed before and after the run:
the machine is shared, so compare the medians of one run, not figures of different runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SIDES = ("sdk", "fs")
OPERATIONS = ("get-large", "put-small")
BUCKET = "bench-fsspec"
LARGE_NAME = "large/big.bin"
BLOCK = 1024 * 1024
REAL_PART_SIZES = {"absolute_minimum_part_size": 5_000_000, "recommended_part_size": 100_000_000}


# --- worker side: one side, one operation, in its own process ----------------------------------------------


def _sdk_operation(operation: str, data_dir: Path, out_dir: Path, workers: int, prefix: str):
    from b2kit import B2Api, InMemoryAccountInfo

    api = B2Api(InMemoryAccountInfo(), max_upload_workers=workers)
    api.authorize_account(os.environ["BENCH_REALM"], os.environ["BENCH_KEY_ID"], os.environ["BENCH_KEY"])
    bucket = api.get_bucket_by_name(BUCKET)
    if operation == "get-large":
        return lambda: bucket.download_file_by_name(LARGE_NAME).save_to(str(out_dir / "big.bin"))
    files = sorted((data_dir / "small").iterdir())

    def put_all() -> None:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda path: bucket.upload_local_file(str(path), prefix + path.name), files))

    return put_all


def _fs_operation(operation: str, data_dir: Path, out_dir: Path, workers: int, prefix: str):
    from b2kit.fs import B2FileSystem

    fs = B2FileSystem(
        application_key_id=os.environ["BENCH_KEY_ID"],
        application_key=os.environ["BENCH_KEY"],
        realm=os.environ["BENCH_REALM"],
        max_concurrency=workers,
    )
    fs.info(BUCKET)  # authorize and look the bucket up before the timing, as the SDK side does
    if operation == "get-large":
        return lambda: fs.get(f"{BUCKET}/{LARGE_NAME}", str(out_dir / "big.bin"))
    return lambda: fs.put(str(data_dir / "small") + "/", f"{BUCKET}/{prefix}", recursive=True)


def worker_main(args: argparse.Namespace) -> None:
    prefix = f"small-{args.side}/"
    build = _sdk_operation if args.side == "sdk" else _fs_operation
    run = build(args.operation, Path(args.data_dir), Path(args.out_dir), args.workers, prefix)
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    result = {
        "seconds": seconds,
        "user": after.ru_utime - before.ru_utime,
        "sys": after.ru_stime - before.ru_stime,
    }
    print(json.dumps(result))


# --- parent side: server, data, interleaved rounds, report -------------------------------------------------


def _make_data(data_dir: Path, size_mib: int, files: int, file_size: int) -> str:
    small = data_dir / "small"
    small.mkdir(parents=True)
    for index in range(files):
        (small / f"file-{index:05d}.dat").write_bytes(os.urandom(file_size))
    sha1 = hashlib.sha1()
    with (data_dir / "big.bin").open("wb") as handle:
        for _ in range(size_mib):
            block = os.urandom(BLOCK)
            sha1.update(block)
            handle.write(block)
    return sha1.hexdigest()


def _sha1_of(path: Path) -> str:
    sha1 = hashlib.sha1()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            sha1.update(block)
    return sha1.hexdigest()


def _measure(side: str, operation: str, args: argparse.Namespace, env: dict[str, str], work: Path) -> dict:
    out_dir = work / "out"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir()
    command = [
        sys.executable,
        __file__,
        "--worker",
        "--side",
        side,
        "--operation",
        operation,
        "--data-dir",
        str(work / "data"),
        "--out-dir",
        str(out_dir),
        "--workers",
        str(args.workers),
    ]
    os.sync()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{side} {operation} failed:\n{done.stderr}")
    result: dict = json.loads(done.stdout.strip().splitlines()[-1])
    if operation == "get-large" and _sha1_of(out_dir / "big.bin") != args.big_sha1:
        raise SystemExit(f"{side} downloaded a wrong file")
    return result


def _rate(operation: str, args: argparse.Namespace, result: dict) -> float:
    if operation == "get-large":
        return args.size_mib * BLOCK / 1e6 / result["seconds"]
    return args.files / result["seconds"]


def _report(results: dict, args: argparse.Namespace) -> None:
    for operation in args.operations:
        unit = "MB/s" if operation == "get-large" else "files/s"
        medians = {}
        for side in SIDES:
            runs = results[(side, operation)]
            rates = [_rate(operation, args, run) for run in runs]
            medians[side] = statistics.median(rates)
            user = statistics.median(run["user"] for run in runs)
            system = statistics.median(run["sys"] for run in runs)
            print(
                f"{operation:10} {side:4} median {medians[side]:8.1f} {unit:7} "
                f"(min {min(rates):.1f}, max {max(rates):.1f}; {len(rates)} rounds)  "
                f"client CPU median user {user:.2f} s, sys {system:.2f} s"
            )
        print(f"{operation:10} fs/sdk {medians['fs'] / medians['sdk']:.2f}")


def _load() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def parent_main(args: argparse.Namespace) -> None:
    from b2kit import B2Api, InMemoryAccountInfo
    from b2kit.server import LocalServer

    work = Path(tempfile.mkdtemp(prefix="bench-fsspec-"))
    try:
        print(f"making {args.size_mib} MiB and {args.files} x {args.file_size} B of data ...", flush=True)
        args.big_sha1 = _make_data(work / "data", args.size_mib, args.files, args.file_size)
        with LocalServer(data_dir=work / "server", **REAL_PART_SIZES) as server:
            with B2Api(InMemoryAccountInfo(), max_upload_workers=args.workers) as api:
                api.authorize_account(server.realm, server.key_id, server.key)
                api.create_bucket(BUCKET, "allPrivate").upload_local_file(
                    str(work / "data" / "big.bin"), LARGE_NAME
                )
            env = {
                **os.environ,
                "BENCH_REALM": server.realm,
                "BENCH_KEY_ID": server.key_id,
                "BENCH_KEY": server.key,
            }
            print(f"before: {_load()}", flush=True)
            results: dict = {(side, op): [] for side in SIDES for op in args.operations}
            for round_ in range(args.rounds):
                order = SIDES if round_ % 2 == 0 else SIDES[::-1]
                for operation in args.operations:
                    for side in order:
                        result = _measure(side, operation, args, env, work)
                        results[(side, operation)].append(result)
                        rate = _rate(operation, args, result)
                        print(
                            f"round {round_ + 1} {operation} {side}: {rate:.1f} ({result['seconds']:.2f} s)",
                            flush=True,
                        )
            print(f"after: {_load()}")
        _report(results, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--file-size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--operations", nargs="+", choices=OPERATIONS, default=list(OPERATIONS))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--side", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--operation", choices=OPERATIONS, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--out-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args)
    else:
        parent_main(args)


if __name__ == "__main__":
    main()
