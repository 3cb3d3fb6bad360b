"""Which async HTTP client should ``b2kit.aio`` stand on? aiohttp, httpx and aiosonic against one LocalServer.

Usage::

    .venv/bin/pip install aiohttp httpx aiosonic     # the candidates (aiohttp is b2kit's own [aio] extra)
    .venv/bin/python benchmarks/bench_async_http.py                    # 5 rounds, full size
    .venv/bin/python benchmarks/bench_async_http.py --rounds 3 --large-mib 64 --small 300   # quick look

Every (client, operation) run is a fresh process that speaks bare B2 HTTP through that client alone (no SDK in
the loop; the parent authorizes and creates the files to download). Rounds are interleaved: each round runs
every client once per operation, in a rotated order. Reported: median and min-max of the rate, and the client
process's user and system CPU seconds (median) for the timed part only.

Operations (``--concurrency`` tasks on one event loop, one connection each):

- ``upload-bulk``: ``--large-files`` files of ``--large-mib`` MiB each via b2_upload_file, bodies streamed in
  1 MiB blocks from memory (an async generator with a Content-Length), SHA-1 precomputed; aiosonic sends
  every iterator body with chunked encoding, which B2 refuses, so it gets the whole body as one bytes object;
- ``download-bulk``: the same files fetched and streamed through in 1 MiB reads (bytes discarded);
- ``upload-small``: ``--small`` uploads of 10 KiB (one upload URL per task);
- ``download-small``: ``--small`` GETs of a 10 KiB file by name.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

CLIENTS = ("aiohttp", "httpx", "aiosonic")
OPERATIONS = ("upload-bulk", "download-bulk", "upload-small", "download-small")
BLOCK = 1024 * 1024
SMALL_SIZE = 10 * 1024


# --- worker: one client, one operation ---------------------------------------------------------------------


class Client:
    """The four calls a benchmark needs, over one async HTTP client."""

    async def post_json(self, url: str, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    async def post_stream(
        self, url: str, headers: dict[str, str], body: AsyncIterator[bytes] | bytes
    ) -> dict[str, Any]:
        raise NotImplementedError

    async def get_stream(self, url: str, headers: dict[str, str]) -> int:
        """GET and read the body in blocks; returns the number of bytes read."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


class AiohttpClient(Client):
    def __init__(self, connections: int) -> None:
        import aiohttp

        connector = aiohttp.TCPConnector(limit=connections)
        self._session = aiohttp.ClientSession(connector=connector, read_bufsize=BLOCK, auto_decompress=False)

    async def post_json(self, url, headers, body):
        async with self._session.post(url, headers=headers, json=body) as response:
            return _checked(response.status, await response.read())

    async def post_stream(self, url, headers, body):
        async with self._session.post(url, headers=headers, data=body) as response:
            return _checked(response.status, await response.read())

    async def get_stream(self, url, headers):
        total = 0
        async with self._session.get(url, headers=headers) as response:
            _checked_status(response.status)
            async for chunk in response.content.iter_chunked(BLOCK):
                total += len(chunk)
        return total

    async def close(self):
        await self._session.close()


class HttpxClient(Client):
    def __init__(self, connections: int) -> None:
        import httpx

        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        self._client = httpx.AsyncClient(limits=limits, timeout=120)

    async def post_json(self, url, headers, body):
        response = await self._client.post(url, headers=headers, json=body)
        return _checked(response.status_code, response.content)

    async def post_stream(self, url, headers, body):
        response = await self._client.post(url, headers=headers, content=body)
        return _checked(response.status_code, response.content)

    async def get_stream(self, url, headers):
        total = 0
        async with self._client.stream("GET", url, headers=headers) as response:
            _checked_status(response.status_code)
            async for chunk in response.aiter_raw(BLOCK):
                total += len(chunk)
        return total

    async def close(self):
        await self._client.aclose()


class AiosonicClient(Client):
    def __init__(self, connections: int) -> None:
        import aiosonic
        from aiosonic.pools import PoolConfig

        connector = aiosonic.TCPConnector(pool_configs={":default": PoolConfig(size=connections)})
        self._client = aiosonic.HTTPClient(connector=connector)

    async def post_json(self, url, headers, body):
        response = await self._client.post(url, headers=headers, json=body)
        return _checked(response.status_code, await response.content())

    async def post_stream(self, url, headers, body):
        response = await self._client.post(url, headers=headers, data=body)
        return _checked(response.status_code, await response.content())

    async def get_stream(self, url, headers):
        total = 0
        response = await self._client.request(url, "GET", headers=headers, stream=True)
        _checked_status(response.status_code)
        async for chunk in response.read_chunks():
            total += len(chunk)
        return total

    async def close(self):
        await self._client.connector.cleanup()


def _checked_status(status: int) -> None:
    if status not in (200, 206):
        raise SystemExit(f"HTTP {status}")


def _checked(status: int, raw: bytes) -> dict[str, Any]:
    if status != 200:
        raise SystemExit(f"HTTP {status}: {raw[:300]!r}")
    decoded: dict[str, Any] = json.loads(raw)
    return decoded


def _make_client(name: str, connections: int) -> Client:
    return {"aiohttp": AiohttpClient, "httpx": HttpxClient, "aiosonic": AiosonicClient}[name](connections)


async def _blocks(buffer: bytes) -> AsyncIterator[bytes]:
    view = memoryview(buffer)
    for start in range(0, len(view), BLOCK):
        yield bytes(view[start : start + BLOCK])


async def _upload_url(client: Client, cfg: dict[str, Any]) -> dict[str, Any]:
    headers = {"Authorization": cfg["token"]}
    return await client.post_json(
        f"{cfg['api_url']}/b2api/v4/b2_get_upload_url", headers, {"bucketId": cfg["bucket_id"]}
    )


async def _upload(client: Client, target: dict[str, Any], name: str, body: Any, size: int, sha1: str) -> None:
    headers = {
        "Authorization": target["authorizationToken"],
        "X-Bz-File-Name": name,
        "Content-Type": "b2/x-auto",
        "Content-Length": str(size),
        "X-Bz-Content-Sha1": sha1,
    }
    await client.post_stream(target["uploadUrl"], headers, body)


async def _in_tasks(count: int, concurrency: int, job: Callable[[int, int], Awaitable[int]]) -> int:
    """Run ``job(task, index)`` for every index in ``concurrency`` tasks; sum of what the jobs return."""
    indexes = iter(range(count))

    async def task(number: int) -> int:
        return sum([await job(number, index) for index in indexes])

    return sum(await asyncio.gather(*(task(n) for n in range(concurrency))))


async def prepare(
    client: Client, name: str, operation: str, cfg: dict[str, Any], concurrency: int
) -> Callable[[], Awaitable[int]]:
    """Set the operation up (data, upload URLs: not timed); returns the timed part, giving the bytes moved."""
    download = {"Authorization": cfg["token"]}
    bucket_url = f"{cfg['download_url']}/file/{cfg['bucket_name']}"
    if operation.startswith("upload"):
        bulk = operation == "upload-bulk"
        size = cfg["large_mib"] * BLOCK if bulk else SMALL_SIZE
        buffer = os.urandom(size)
        sha1 = hashlib.sha1(buffer).hexdigest()
        targets = [await _upload_url(client, cfg) for _ in range(concurrency)]
        # aiosonic sends every iterator body chunked, which B2 refuses (Content-Length is required)
        streamed = bulk and name != "aiosonic"

        async def send(task: int, index: int) -> int:
            body = _blocks(buffer) if streamed else buffer
            await _upload(client, targets[task], f"{operation}/{index}", body, size, sha1)
            return size

        count = cfg["large_files"] if bulk else cfg["small"]
        return lambda: _in_tasks(count, concurrency, send)
    if operation == "download-bulk":

        async def fetch_large(task: int, index: int) -> int:
            return await client.get_stream(f"{bucket_url}/large-{index}", download)

        return lambda: _in_tasks(cfg["large_files"], concurrency, fetch_large)

    async def fetch_small(task: int, index: int) -> int:
        return await client.get_stream(f"{bucket_url}/small", download)

    return lambda: _in_tasks(cfg["small"], concurrency, fetch_small)


async def _worker(name: str, operation: str, cfg: dict[str, Any], concurrency: int) -> dict[str, float]:
    client = _make_client(name, concurrency)
    try:
        timed = await prepare(client, name, operation, cfg, concurrency)
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        moved = await timed()
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        await client.close()
    return {
        "seconds": seconds,
        "bytes": moved,
        "user": after.ru_utime - before.ru_utime,
        "sys": after.ru_stime - before.ru_stime,
    }


# --- parent: server, data, rounds, report ------------------------------------------------------------------


def _prepare(server: Any, args: argparse.Namespace) -> dict[str, Any]:
    from b2kit import B2Api, InMemoryAccountInfo

    api = B2Api(InMemoryAccountInfo(), max_upload_workers=4)
    api.authorize_account(server.realm, server.key_id, server.key)
    bucket = api.create_bucket("bench-async-http", "allPrivate")
    large = os.urandom(args.large_mib * BLOCK)
    for index in range(args.large_files):
        bucket.upload_bytes(large, f"large-{index}")
    bucket.upload_bytes(os.urandom(SMALL_SIZE), "small")
    info = api.account_info
    cfg = {
        "api_url": info.get_api_url(),
        "download_url": info.get_download_url(),
        "token": info.get_account_auth_token(),
        "bucket_id": bucket.id_,
        "bucket_name": bucket.name,
        "large_mib": args.large_mib,
        "large_files": args.large_files,
        "small": args.small,
    }
    api.close()
    return cfg


def _measure(name: str, operation: str, cfg_path: Path, concurrency: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--worker", name, operation, str(cfg_path), str(concurrency)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{name} {operation} failed:\n{done.stderr}{done.stdout}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _rate(operation: str, result: dict[str, float]) -> float:
    if operation.endswith("bulk"):
        return result["bytes"] / result["seconds"] / 1e6
    return result["bytes"] / SMALL_SIZE / result["seconds"]


def _report(results: dict[tuple[str, str], list[dict[str, float]]], clients: list[str]) -> None:
    print("\n| operation | client | median | min-max | user CPU s | sys CPU s |")
    print("|---|---|---|---|---|---|")
    for operation in OPERATIONS:
        unit = "MB/s" if operation.endswith("bulk") else "req/s"
        for name in clients:
            runs = results.get((name, operation))
            if not runs:
                continue
            rates = [_rate(operation, run) for run in runs]
            user = statistics.median(run["user"] for run in runs)
            system = statistics.median(run["sys"] for run in runs)
            print(
                f"| {operation} | {name} | {statistics.median(rates):.0f} {unit} | "
                f"{min(rates):.0f}-{max(rates):.0f} | {user:.2f} | {system:.2f} |"
            )


def parent_main(args: argparse.Namespace) -> None:
    from b2kit.server import LocalServer

    print(f"load: {os.getloadavg()}; rounds={args.rounds} concurrency={args.concurrency}", flush=True)
    with tempfile.TemporaryDirectory(prefix="b2kit-bench-aio-") as work, LocalServer(data_dir=work) as server:
        cfg_path = Path(work) / "cfg.json"
        cfg_path.write_text(json.dumps(_prepare(server, args)))
        results: dict[tuple[str, str], list[dict[str, float]]] = {}
        for round_ in range(args.rounds):
            order = args.clients[round_ % len(args.clients) :] + args.clients[: round_ % len(args.clients)]
            for operation in args.operations:
                for name in order:
                    result = _measure(name, operation, cfg_path, args.concurrency)
                    results.setdefault((name, operation), []).append(result)
                    print(
                        f"  round {round_ + 1} {name:<8} {operation:<14} {result['seconds']:7.2f} s "
                        f"{_rate(operation, result):8.0f}  user {result['user']:.2f} sys {result['sys']:.2f}",
                        flush=True,
                    )
        print(f"load after: {os.getloadavg()}")
        _report(results, args.clients)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=10, help="tasks (and connections) per run")
    parser.add_argument("--large-mib", type=int, default=64, help="size of each bulk file")
    parser.add_argument("--large-files", type=int, default=8, help="number of bulk files")
    parser.add_argument("--small", type=int, default=2000, help="number of small requests")
    parser.add_argument("--clients", nargs="+", choices=CLIENTS, default=list(CLIENTS))
    parser.add_argument("--operations", nargs="+", choices=OPERATIONS, default=list(OPERATIONS))
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        name, operation, cfg_path, concurrency = args.worker
        cfg = json.loads(Path(cfg_path).read_text())
        print(json.dumps(asyncio.run(_worker(name, operation, cfg, int(concurrency)))))
    else:
        parent_main(args)


if __name__ == "__main__":
    main()
