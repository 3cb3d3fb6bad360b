"""Transfer benchmark: b2kit against the official b2sdk, both talking to one b2kit LocalServer.

Usage (full size: a 1 GiB file and a folder of 2,000 small files)::

    .venv/bin/python benchmarks/bench_transfers.py
    .venv/bin/python benchmarks/bench_transfers.py --size-mib 64 --files 200      # quick run

The server runs in this process with real B2 part sizes (absoluteMinimumPartSize 5 MB, recommendedPartSize
100 MB). Every measurement (SDK x operation) runs in a fresh subprocess, so its peak RSS (``VmHWM``) belongs
to that SDK and operation alone. Both SDKs get the same number of worker threads; small files are
sent/fetched by the same harness (a thread pool calling the SDK's ``upload_local_file`` /
``download_file_by_name(...).save_to``), large files by each SDK's own parallel machinery. For every
operation a third, SDK-less client (bare keep-alive HTTP) measures the server's own ceiling, so a ratio
limited by the server shows as such. It does less than the SDKs: its part SHA-1s are computed before the
timing (no ``large_file_sha1`` read), and its downloads check no SHA-1 while receiving. Every download is
checked against the source SHA-1 after the timing. Each measurement is repeated (``--repeat``, sides
alternating, ``sync`` before each) and the best run is reported: other load on the machine and the disk's
write-back make single runs noisy. Client and server CPU seconds are printed too; they are far steadier
than wall-clock rates.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SIDES = ("b2kit", "b2sdk")
RAW = "raw"
"""Not an SDK: bare keep-alive HTTP requests, measuring the server's own ceiling for small files."""
OPERATIONS = ("upload-large", "download-large", "upload-small", "download-small")
LARGE_NAME = "large/big.bin"
SMALL_PREFIX = "small/"
BLOCK = 1024 * 1024
RAW_STRIPE = 8 * 1024 * 1024


# --- worker side: one SDK, one operation, in its own process -----------------------------------------------


class _RawHttpBucket:
    """The least client work possible, to find the server's own ceiling: one keep-alive ``http.client``
    connection and one upload URL per thread, no SDK in the loop. Authorization comes from b2kit and the
    part SHA-1s of the large file are computed before the timing starts (:meth:`prepare`)."""

    def __init__(self, api, bucket) -> None:
        self._api = api
        self._bucket = bucket
        self._local = threading.local()
        self._download_base = urllib.parse.urlsplit(api.account_info.get_download_url())
        self._token = api.account_info.get_account_auth_token()

    def prepare(self, operation: str, data_dir: Path, workers: int) -> None:
        """Untimed groundwork: for the large upload, the SHA-1 of every part (recommended part size)."""
        self._workers = workers
        self._parts: list[tuple[int, int, str]] = []
        if operation != "upload-large":
            return
        path = data_dir / "big.bin"
        size, part_size = path.stat().st_size, self._api.account_info.get_recommended_part_size()
        with path.open("rb") as handle:
            for offset in range(0, size, part_size):
                sha1, remaining = hashlib.sha1(), min(part_size, size - offset)
                while remaining:
                    block = handle.read(min(BLOCK, remaining))
                    sha1.update(block)
                    remaining -= len(block)
                self._parts.append((offset, min(part_size, size - offset), sha1.hexdigest()))

    def _upload_large(self, path: Path, file_name: str) -> None:
        from b2kit._wire import GetUploadPartUrl, StartLargeFile

        session = self._api.session
        file_id = session.call(StartLargeFile(self._bucket.id_, file_name)).file_id

        def send(number: int) -> None:
            offset, length, sha1 = self._parts[number - 1]
            if not hasattr(self._local, "part_url"):
                self._local.part_url = session.call(GetUploadPartUrl(file_id))
            target = urllib.parse.urlsplit(self._local.part_url.upload_url)
            headers = {
                "Authorization": self._local.part_url.authorization_token,
                "X-Bz-Part-Number": str(number),
                "Content-Length": str(length),
                "X-Bz-Content-Sha1": sha1,
            }
            with path.open("rb") as handle:
                handle.seek(offset)
                self._post(target, _Limited(handle, length), headers)

        with ThreadPoolExecutor(self._workers) as pool:
            list(pool.map(send, range(1, len(self._parts) + 1)))
        session.finish_large_file(file_id, [sha1 for _, _, sha1 in self._parts])

    def _post(self, target: urllib.parse.SplitResult, body: object, headers: dict[str, str]) -> None:
        connection = self._connection(target)
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"raw upload answered {response.status}")

    def _connection(self, url: urllib.parse.SplitResult) -> http.client.HTTPConnection:
        connections = self._local.__dict__.setdefault("connections", {})
        key = (url.hostname, url.port)
        if key not in connections:
            connection = http.client.HTTPConnection(url.hostname, url.port, blocksize=BLOCK)
            connection.connect()
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as urllib3 does
            connections[key] = connection
        return connections[key]

    def upload_local_file(self, local_file: str, file_name: str) -> None:
        if self._parts:
            self._upload_large(Path(local_file), file_name)
            return
        if not hasattr(self._local, "upload"):
            from b2kit._wire import GetUploadUrl

            self._local.upload = self._api.session.call(GetUploadUrl(self._bucket.id_))
        target = urllib.parse.urlsplit(self._local.upload.upload_url)
        body = Path(local_file).read_bytes()
        headers = {
            "Authorization": self._local.upload.authorization_token,
            "X-Bz-File-Name": urllib.parse.quote(file_name),
            "Content-Type": "b2/x-auto",
            "Content-Length": str(len(body)),
            "X-Bz-Content-Sha1": hashlib.sha1(body).hexdigest(),
        }
        self._post(target, body, headers)

    def download_file_by_name(self, file_name: str) -> _RawDownload:
        return _RawDownload(self, file_name)

    def fetch(self, file_name: str, target: str) -> None:
        if file_name == LARGE_NAME:
            self._fetch_striped(file_name, target)
            return
        base = self._download_base
        connection = self._connection(base)
        path = f"/file/{self._bucket.name}/{urllib.parse.quote(file_name)}"
        connection.request("GET", path, headers={"Authorization": self._token})
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"raw download answered {response.status}")
        Path(target).write_bytes(body)

    def _fetch_striped(self, file_name: str, target: str) -> None:
        """Ranged GETs of 8 MiB stripes on as many streams as b2kit uses (two per CPU), each read into one
        reused buffer and written in place: no SHA-1, no checks, the least work a parallel download does."""
        base = self._download_base
        path = f"/file/{self._bucket.name}/{urllib.parse.quote(file_name)}"
        head = self._connection(base)
        head.request("HEAD", path, headers={"Authorization": self._token})
        answer = head.getresponse()
        answer.read()
        size = int(answer.headers["Content-Length"])
        stripes = iter(range(0, size, RAW_STRIPE))
        lock = threading.Lock()
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)

        def stream() -> None:
            buffer = memoryview(bytearray(BLOCK))
            connection = self._connection(base)
            while True:
                with lock:
                    first = next(stripes, None)
                if first is None:
                    return
                last = min(first + RAW_STRIPE, size) - 1
                headers = {"Authorization": self._token, "Range": f"bytes={first}-{last}"}
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                offset = first
                while count := response.readinto(buffer):
                    os.pwrite(fd, buffer[:count], offset)
                    offset += count
                if offset != last + 1:
                    raise RuntimeError(f"raw ranged download stopped at {offset} of {last + 1}")

        try:
            with ThreadPoolExecutor(2 * (os.cpu_count() or 1)) as pool:
                list(pool.map(lambda _: stream(), range(2 * (os.cpu_count() or 1))))
        finally:
            os.close(fd)


class _Limited:
    """``length`` bytes of an open file, read in blocks by http.client."""

    def __init__(self, handle, length: int) -> None:
        self._handle = handle
        self._remaining = length

    def read(self, size: int = -1) -> bytes:
        size = self._remaining if size < 0 else min(size, self._remaining)
        data = self._handle.read(size)
        self._remaining -= len(data)
        return data


class _RawDownload:
    def __init__(self, bucket: _RawHttpBucket, file_name: str) -> None:
        self._bucket = bucket
        self._file_name = file_name

    def save_to(self, target: str) -> None:
        self._bucket.fetch(self._file_name, target)


def _connect(side: str, realm: str, key_id: str, key: str, workers: int, bucket_name: str):
    if side == "raw":
        from b2kit import B2Api, InMemoryAccountInfo

        api = B2Api(InMemoryAccountInfo(), max_upload_workers=workers)
        api.authorize_account(realm, key_id, key)
        return _RawHttpBucket(api, api.get_bucket_by_name(bucket_name))
    if side == "b2kit":
        from b2kit import B2Api, InMemoryAccountInfo

        api = B2Api(InMemoryAccountInfo(), max_upload_workers=workers)
        api.authorize_account(realm, key_id, key)
    else:
        from b2sdk.v2 import B2Api, InMemoryAccountInfo

        api = B2Api(InMemoryAccountInfo(), max_upload_workers=workers, max_download_workers=workers)
        api.authorize_account(realm, key_id, key)
    return api.get_bucket_by_name(bucket_name)


def _small_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if path.is_file())


def _run_operation(bucket, operation: str, data_dir: Path, out_dir: Path, workers: int) -> tuple[int, int]:
    """Do the operation; returns (bytes moved, files moved)."""
    if operation == "upload-large":
        path = data_dir / "big.bin"
        bucket.upload_local_file(local_file=str(path), file_name=LARGE_NAME)
        return path.stat().st_size, 1
    if operation == "download-large":
        target = out_dir / "big.bin"
        bucket.download_file_by_name(LARGE_NAME).save_to(str(target))
        return target.stat().st_size, 1
    files = _small_files(data_dir / "small")
    if operation == "upload-small":

        def send(path: Path) -> int:
            bucket.upload_local_file(local_file=str(path), file_name=SMALL_PREFIX + path.name)
            return path.stat().st_size

        with ThreadPoolExecutor(workers) as pool:
            return sum(pool.map(send, files)), len(files)

    def fetch(path: Path) -> int:
        target = out_dir / path.name
        bucket.download_file_by_name(SMALL_PREFIX + path.name).save_to(str(target))
        return target.stat().st_size

    with ThreadPoolExecutor(workers) as pool:
        return sum(pool.map(fetch, files)), len(files)


def _peak_rss_kib(usage: resource.struct_rusage) -> int:
    """Peak RSS of this process image: VmHWM on Linux.

    ``ru_maxrss`` is not used where VmHWM exists: a child started by fork+exec inherits the parent's RSS
    high-water mark in it (here: the server's process), which would hide the SDK's own peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return usage.ru_maxrss


def worker_main(args: argparse.Namespace) -> None:
    bucket = _connect(args.side, args.realm, args.key_id, args.key, args.workers, args.bucket)
    if args.side == RAW:
        bucket.prepare(args.operation, Path(args.data_dir), args.workers)
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    moved, files = _run_operation(
        bucket, args.operation, Path(args.data_dir), Path(args.out_dir), args.workers
    )
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result = {"seconds": seconds, "bytes": moved, "files": files, "peak_kib": _peak_rss_kib(usage)}
    result["client_cpu"] = usage.ru_utime + usage.ru_stime - cpu_before
    result["client_sys"] = usage.ru_stime - before.ru_stime
    result["client_faults"] = usage.ru_minflt - before.ru_minflt
    print(json.dumps(result))


# --- parent side: data, server, subprocesses, report -------------------------------------------------------


def _make_data(data_dir: Path, size_mib: int, files: int, file_size: int) -> tuple[str, dict[str, str]]:
    """A large random file and a folder of small ones; returns their SHA-1s."""
    data_dir.mkdir(parents=True, exist_ok=True)
    sha1 = hashlib.sha1()
    with (data_dir / "big.bin").open("wb") as handle:
        for _ in range(size_mib):
            block = os.urandom(BLOCK)
            sha1.update(block)
            handle.write(block)
    small = data_dir / "small"
    small.mkdir(exist_ok=True)
    small_sha1s = {}
    for index in range(files):
        content = os.urandom(file_size)
        name = f"file-{index:05d}.dat"
        (small / name).write_bytes(content)
        small_sha1s[name] = hashlib.sha1(content).hexdigest()
    return sha1.hexdigest(), small_sha1s


def _sha1_of_file(path: Path) -> str:
    sha1 = hashlib.sha1()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            sha1.update(block)
    return sha1.hexdigest()


def _measure(side: str, operation: str, common: list[str], out_dir: Path) -> dict[str, float]:
    command = [
        sys.executable,
        __file__,
        "--worker",
        "--side",
        side,
        "--operation",
        operation,
        "--bucket",
        f"bench-{side}",
        "--out-dir",
        str(out_dir),
        *common,
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"{side} {operation} failed:\n{completed.stderr}")
    result: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _prime_filesystem(work: Path, size_mib: int) -> None:
    """Write and delete a file as large as the download, untimed.

    Measured: the first large download after the upload phase pays two to three times the system time,
    whichever SDK runs first (the file system allocating fresh space); this puts that cost outside the runs.
    """
    scratch = work / "prime.bin"
    block = os.urandom(BLOCK)
    with scratch.open("wb") as handle:
        for _ in range(size_mib):
            handle.write(block)
    os.sync()
    scratch.unlink()


def _own_cpu() -> float:
    """CPU seconds used so far by this process, i.e. by the server threads while a worker runs."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _verify(operation: str, out_dir: Path, big_sha1: str, small_sha1s: dict[str, str]) -> None:
    if operation == "download-large":
        if _sha1_of_file(out_dir / "big.bin") != big_sha1:
            raise SystemExit(f"downloaded large file in {out_dir} does not match")
    elif operation == "download-small":
        for name, sha1 in small_sha1s.items():
            if hashlib.sha1((out_dir / name).read_bytes()).hexdigest() != sha1:
                raise SystemExit(f"downloaded {name} in {out_dir} does not match")


def _sides(operation: str, round_: int, ceiling: bool) -> tuple[str, ...]:
    """Who runs ``operation`` in this round (order alternates between rounds)."""
    sides = SIDES if round_ % 2 == 0 else SIDES[::-1]
    if ceiling:
        sides = (*sides, RAW)
    return sides


def _rate(operation: str, result: dict[str, float]) -> float:
    if operation.endswith("large"):
        return result["bytes"] / result["seconds"] / 1e6
    return result["files"] / result["seconds"]


def _report(results: dict[tuple[str, str], dict[str, float]], operations: list[str]) -> None:
    print()
    print(f"{'operation':<16}{'b2kit':>17}{'b2sdk':>17}{'ratio':>8}{'b2kit RSS':>12}{'b2sdk RSS':>12}")
    for operation in operations:
        unit = "MB/s" if operation.endswith("large") else "files/s"
        ours, theirs = results[("b2kit", operation)], results[("b2sdk", operation)]
        rate_ours, rate_theirs = _rate(operation, ours), _rate(operation, theirs)
        print(
            f"{operation:<16}{rate_ours:>9.1f} {unit:<7}{rate_theirs:>9.1f} {unit:<7}"
            f"{rate_ours / rate_theirs:>7.2f}x"
            f"{ours['peak_kib'] / 1024:>8.0f} MiB{theirs['peak_kib'] / 1024:>8.0f} MiB"
        )
    for operation in operations:
        raw = results.get((RAW, operation))
        if raw is not None:
            ceiling, theirs = _rate(operation, raw), _rate(operation, results[("b2sdk", operation)])
            unit = "MB/s" if operation.endswith("large") else "files/s"
            print(
                f"  server ceiling for {operation} (bare HTTP, no SDK): {ceiling:.1f} {unit} "
                f"= {ceiling / theirs:.2f}x b2sdk"
            )
    print()
    print("ratio = b2kit / b2sdk (higher is better), best of the repeated runs; RSS = highest peak resident")
    print("set size of the measuring process over the runs")
    print()
    header = f"{'CPU seconds':<16}{'b2kit client':>14}{'b2sdk client':>14}"
    print(f"{header}{'server (b2kit)':>16}{'server (b2sdk)':>16}")
    for operation in operations:
        ours, theirs = results[("b2kit", operation)], results[("b2sdk", operation)]
        print(
            f"{operation:<16}{ours['client_cpu']:>14.2f}{theirs['client_cpu']:>14.2f}"
            f"{ours['server_cpu']:>16.2f}{theirs['server_cpu']:>16.2f}"
        )


def parent_main(args: argparse.Namespace) -> None:
    from b2kit import B2Api, InMemoryAccountInfo
    from b2kit.server import LocalServer

    work = Path(tempfile.mkdtemp(prefix="b2kit-bench-", dir=args.work_dir))
    try:
        print(
            f"preparing {args.size_mib} MiB file and {args.files} files of {args.file_size} bytes in {work}"
        )
        big_sha1, small_sha1s = _make_data(work / "data", args.size_mib, args.files, args.file_size)
        with LocalServer(data_dir=work / "server") as server:
            admin = B2Api(InMemoryAccountInfo())
            admin.authorize_account(server.realm, server.key_id, server.key)
            for side in (*SIDES, RAW):
                admin.create_bucket(f"bench-{side}", "allPrivate")
            info = admin.account_info
            print(
                f"server {server.realm}: absoluteMinimumPartSize={info.get_absolute_minimum_part_size()}, "
                f"recommendedPartSize={info.get_recommended_part_size()}; workers={args.workers}"
            )
            admin.close()
            common = [
                "--realm",
                server.realm,
                "--key-id",
                server.key_id,
                "--key",
                server.key,
                "--workers",
                str(args.workers),
                "--data-dir",
                str(work / "data"),
            ]
            results: dict[tuple[str, str], dict[str, float]] = {}
            for operation in args.operations:
                if operation == "download-large":
                    _prime_filesystem(work, args.size_mib)
                for round_ in range(args.repeat):
                    for side in _sides(operation, round_, args.ceiling):
                        out_dir = work / f"out-{side}-{operation}"
                        out_dir.mkdir()
                        os.sync()  # nobody pays for the previous run's write-back
                        server_cpu = _own_cpu()
                        result = _measure(side, operation, common, out_dir)
                        result["server_cpu"] = _own_cpu() - server_cpu
                        _verify(operation, out_dir, big_sha1, small_sha1s)
                        shutil.rmtree(out_dir)
                        best = results.get((side, operation))
                        if best is not None:
                            result["peak_kib"] = max(result["peak_kib"], best["peak_kib"])
                        if best is None or result["seconds"] < best["seconds"]:
                            results[(side, operation)] = result
                        elif best is not None:
                            best["peak_kib"] = result["peak_kib"]
                        unit = "MB/s" if operation.endswith("large") else "files/s"
                        rate, peak = _rate(operation, result), result["peak_kib"] / 1024
                        faults = result["client_faults"] / 1000
                        print(
                            f"  {side:<6} {operation:<15} {result['seconds']:8.2f} s  {rate:9.1f} {unit}  "
                            f"peak RSS {peak:.0f} MiB  CPU client {result['client_cpu']:.1f} s "
                            f"(sys {result['client_sys']:.1f} s, {faults:.0f}k faults) "
                            f"server {result['server_cpu']:.1f} s",
                            flush=True,
                        )
        _report(results, args.operations)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mib", type=int, default=1024, help="size of the large file (MiB)")
    parser.add_argument("--files", type=int, default=2000, help="number of small files")
    parser.add_argument("--file-size", type=int, default=10_000, help="size of each small file (bytes)")
    parser.add_argument("--workers", type=int, default=10, help="transfer threads for both SDKs")
    parser.add_argument("--repeat", type=int, default=3, help="runs per SDK and operation (best is kept)")
    parser.add_argument(
        "--no-ceiling",
        dest="ceiling",
        action="store_false",
        help="skip the bare-HTTP runs that measure the server's ceiling for small files",
    )
    parser.add_argument(
        "--operations",
        nargs="+",
        choices=OPERATIONS,
        default=list(OPERATIONS),
        help="what to measure (downloads need the matching upload earlier in the list)",
    )
    parser.add_argument(
        "--work-dir", default=None, help="where the temporary data goes (default: system temp)"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    for hidden in (
        "--side",
        "--operation",
        "--realm",
        "--key-id",
        "--key",
        "--bucket",
        "--data-dir",
        "--out-dir",
    ):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args)
    else:
        parent_main(args)


if __name__ == "__main__":
    main()
