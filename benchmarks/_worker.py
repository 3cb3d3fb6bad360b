"""One library measurement in its own process: ``python benchmarks/_worker.py '<json spec>'``.

Prints one JSON line: wall seconds of the timed section, the process's user and system CPU over that section,
page faults, its peak RSS (VmHWM) and what was moved. Each library runs with its own defaults
(``B2Api(InMemoryAccountInfo())``); only the benchmark harness around it (the thread pool of the small-upload
workload, b2sdk's Synchronizer worker count, which the b2 CLI also sets to 10) is the same for both.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

Spec = dict[str, Any]


def _api(spec: Spec) -> Any:
    if spec["tool"] == "b2sdk":
        from b2sdk.v2 import B2Api, InMemoryAccountInfo
    else:
        from b2kit import B2Api, InMemoryAccountInfo
    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(spec["realm"], spec["key_id"], spec["key"])
    return api


def _peak_rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# --- workloads: each returns a function doing the timed work (setup happens before) -----------------------


def ls_recursive(spec: Spec) -> Callable[[], int]:
    bucket = _api(spec).get_bucket_by_name(spec["bucket"])
    return lambda: sum(1 for _ in bucket.ls(recursive=True))


def ls_folders(spec: Spec) -> Callable[[], int]:
    """The top level of a bucket whose names sit in folders: what a file browser shows first."""
    bucket = _api(spec).get_bucket_by_name(spec["bucket"])
    return lambda: sum(1 for _ in bucket.ls())


def small_upload(spec: Spec) -> Callable[[], int]:
    bucket = _api(spec).get_bucket_by_name(spec["bucket"])
    files = sorted(Path(spec["source"]).iterdir())
    prefix = spec["prefix"]

    def send(path: Path) -> None:
        bucket.upload_local_file(local_file=str(path), file_name=prefix + path.name)

    def run() -> int:
        with ThreadPoolExecutor(spec.get("threads", 10)) as pool:
            list(pool.map(send, files))
        return len(files)

    return run


def large_upload(spec: Spec) -> Callable[[], int]:
    bucket = _api(spec).get_bucket_by_name(spec["bucket"])

    def run() -> int:
        bucket.upload_local_file(local_file=spec["source"], file_name=spec["name"])
        return os.path.getsize(spec["source"])

    return run


def large_download(spec: Spec) -> Callable[[], int]:
    """``download_file_by_id(...).save_to(path)``, or with ``dest`` the seed form (DownloadDestLocalFile)."""
    api = _api(spec)
    bucket = api.get_bucket_by_name(spec["bucket"])
    file_id = bucket.get_file_info_by_name(spec["name"]).id_

    def run() -> int:
        if spec.get("dest"):
            from b2kit import DownloadDestLocalFile

            api.download_file_by_id(file_id, DownloadDestLocalFile(spec["target"]))
        else:
            bucket.download_file_by_id(file_id).save_to(spec["target"])
        return os.path.getsize(spec["target"])

    return run


def library_sync(spec: Spec) -> Callable[[], int]:
    """Local folder -> B2 folder (``up``) or back (``down``), with each library's Synchronizer."""
    api = _api(spec)
    bucket = api.get_bucket_by_name(spec["bucket"])
    local, remote, up = spec["local"], spec["remote"], spec["direction"] == "up"
    if spec["tool"] == "b2sdk":
        from b2sdk.v2 import B2Folder, LocalFolder, Synchronizer, SyncReport

        src, dst = LocalFolder(local), B2Folder(bucket.name, remote, api)

        def run_b2sdk() -> int:
            synchronizer = Synchronizer(max_workers=10)
            with open(os.devnull, "w") as sink, SyncReport(sink, no_progress=True) as reporter:
                synchronizer.sync_folders(
                    source_folder=src if up else dst,
                    dest_folder=dst if up else src,
                    now_millis=int(time.time() * 1000),
                    reporter=reporter,
                )
            return len(os.listdir(local))

        return run_b2sdk
    from b2kit import B2Folder as KitB2Folder
    from b2kit import LocalFolder as KitLocalFolder
    from b2kit import Synchronizer as KitSynchronizer
    from b2kit import SyncOptions

    kit_src, kit_dst = KitLocalFolder(Path(local)), KitB2Folder(bucket, remote)

    def run_b2kit() -> int:
        synchronizer = KitSynchronizer(SyncOptions())
        if up:
            report = synchronizer.sync_folders(kit_src, kit_dst)
        else:
            report = synchronizer.sync_folders(kit_dst, kit_src)
        return int(report.files_transferred)

    return run_b2kit


# --- bare HTTP clients: the server's own ceiling ----------------------------------------------------------


class _BareConnection:
    """One keep-alive socket sending prebuilt requests and reading just enough of each response."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.path = parts.path
        self.host = f"{parts.hostname}:{parts.port}"
        self.sock = socket.create_connection((parts.hostname, parts.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._pending = b""

    def post(self, headers: dict[str, str], body: bytes | memoryview) -> None:
        lines = [f"POST {self.path} HTTP/1.1", f"Host: {self.host}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        if len(body) <= 65536:
            self.sock.sendall(head + bytes(body))
        else:
            self.sock.sendall(head)
            self.sock.sendall(body)
        self._read_response()

    def _read_response(self) -> None:
        data = self._pending
        while b"\r\n\r\n" not in data:
            data += self._recv()
        head, _, rest = data.partition(b"\r\n\r\n")
        status = head.split(b" ", 2)[1]
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            rest += self._recv()
        self._pending = rest[length:]
        if status != b"200":
            raise RuntimeError(f"bare upload answered {status!r}: {rest[:length]!r}")

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise RuntimeError("server closed the connection")
        return chunk


def raw_ingest(spec: Spec) -> Callable[[], int]:
    """Parts of a large file from one keep-alive connection, their SHA-1s known beforehand."""
    from b2kit import B2Api, InMemoryAccountInfo
    from b2kit._wire import GetUploadPartUrl, StartLargeFile

    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(spec["realm"], spec["key_id"], spec["key"])
    bucket = api.get_bucket_by_name(spec["bucket"])
    session = api.session
    part = memoryview(os.urandom(spec["part_size"]))
    sha1 = hashlib.sha1(part).hexdigest()
    file_id = session.call(StartLargeFile(bucket.id_, spec["name"])).file_id
    target = session.call(GetUploadPartUrl(file_id))
    connection = _BareConnection(target.upload_url)
    count = spec["parts"]

    def run() -> int:
        for number in range(1, count + 1):
            headers = {
                "Authorization": target.authorization_token,
                "X-Bz-Part-Number": str(number),
                "X-Bz-Content-Sha1": sha1,
            }
            connection.post(headers, part)
        return count * len(part)

    return run


def raw_small(spec: Spec) -> Callable[[], int]:
    """Small uploads from ``connections`` bare keep-alive connections, bodies and SHA-1s prepared."""
    from b2kit import B2Api, InMemoryAccountInfo
    from b2kit._wire import GetUploadUrl

    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(spec["realm"], spec["key_id"], spec["key"])
    bucket = api.get_bucket_by_name(spec["bucket"])
    body = os.urandom(spec["file_size"])
    sha1 = hashlib.sha1(body).hexdigest()
    per_connection = spec["files"] // spec["connections"]
    connections = []
    for _ in range(spec["connections"]):
        url = api.session.call(GetUploadUrl(bucket.id_))
        connections.append((_BareConnection(url.upload_url), url.authorization_token))
    prefix = spec["prefix"]

    def send(index: int) -> None:
        connection, token = connections[index]
        for number in range(per_connection):
            headers = {
                "Authorization": token,
                "X-Bz-File-Name": f"{prefix}c{index:02d}-{number:05d}",
                "Content-Type": "b2/x-auto",
                "X-Bz-Content-Sha1": sha1,
            }
            connection.post(headers, body)

    def run() -> int:
        threads = [threading.Thread(target=send, args=(i,)) for i in range(len(connections))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return per_connection * len(connections)

    return run


WORKLOADS: dict[str, Callable[[Spec], Callable[[], int]]] = {
    "ls-recursive": ls_recursive,
    "ls-folders": ls_folders,
    "small-upload": small_upload,
    "large-upload": large_upload,
    "large-download": large_download,
    "library-sync": library_sync,
    "raw-ingest": raw_ingest,
    "raw-small": raw_small,
}


def main() -> None:
    spec: Spec = json.loads(sys.argv[1])
    work = WORKLOADS[spec["workload"]](spec)
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    amount = work()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    result = {
        "seconds": seconds,
        "user": after.ru_utime - before.ru_utime,
        "sys": after.ru_stime - before.ru_stime,
        "faults": after.ru_minflt - before.ru_minflt,
        "peak_kib": _peak_rss_kib(),
        "amount": amount,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
