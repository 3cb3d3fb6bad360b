"""Durability: a restart keeps everything finished; kill -9 mid-upload leaves nothing partial behind."""

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from b2kit import _protocol as p
from b2kit.server import LocalServer

B2KIT = Path(sys.executable).with_name("b2kit")


def test_restart_keeps_account_keys_buckets_files_and_tokens(tmp_path, wire_for):
    data_dir = tmp_path / "data"
    with LocalServer(data_dir=data_dir) as first:
        wire = wire_for(first)
        made = wire.create_bucket("kept-bucket")
        created = wire.uploaded(made["bucketId"], "a/b.txt", b"persisted", info={"k": "v"})
        key_id, key = wire.create_key(["listFiles"])
        token = wire.token
        identity = (first.account_id, first.key_id, first.key)
    with LocalServer(data_dir=data_dir) as second:
        assert (second.account_id, second.key_id, second.key) == identity
        wire = wire_for(second)
        assert wire.download_by_id(created["fileId"], token=token).body == b"persisted"
        assert wire.ok("b2_get_file_info", {"fileId": created["fileId"]}, token=token) == created
        assert wire.authorize(key_id, key).status == 200


def test_start_removes_temp_files_and_unreferenced_blobs(tmp_path, wire_for):
    data_dir = tmp_path / "data"
    with LocalServer(data_dir=data_dir) as first:
        wire = wire_for(first)
        made = wire.create_bucket("kept-bucket")
        created = wire.uploaded(made["bucketId"], "a", b"keep me")
    (data_dir / "tmp" / "crashed.part").write_bytes(b"half an upload")
    orphan = data_dir / "blobs" / "ff" / ("ff" + "0" * 30)
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"renamed but never committed")
    with LocalServer(data_dir=data_dir) as second:
        assert not any((data_dir / "tmp").iterdir())
        assert not orphan.exists()
        assert (
            wire_for(second).download_by_id(created["fileId"], token=wire_for(second).token).body
            == b"keep me"
        )


def test_stop_ends_idle_keep_alive_connections(tmp_path, wire_for):
    with LocalServer(data_dir=tmp_path / "data") as running:
        host, port = urllib.parse.urlsplit(running.realm).netloc.split(":")
        sock = socket.create_connection((host, int(port)), timeout=10)
        sock.sendall(b"GET /_b2kit/health HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = b""
        while not reply.endswith(b"}"):  # the whole JSON answer (headers and body may come apart)
            reply += sock.recv(65536)
        assert reply.startswith(b"HTTP/1.1 200")
    try:
        assert sock.recv(65536) == b""  # the server closed the kept-alive connection when it stopped
    finally:
        sock.close()


def test_given_master_key_replaces_the_stored_one(tmp_path, wire_for):
    data_dir = tmp_path / "data"
    with LocalServer(data_dir=data_dir) as first:
        old = (first.key_id, first.key)
    with LocalServer(data_dir=data_dir, key_id="my-key-id", key="my-secret") as second:
        wire = wire_for(second)
        assert wire.authorize("my-key-id", "my-secret").status == 200
        assert wire.authorize(*old).status == 401


def _start_cli_server(data_dir: Path) -> tuple[subprocess.Popen, dict[str, str]]:
    proc = subprocess.Popen(
        [str(B2KIT), "server", "--data-dir", str(data_dir), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    facts = {}
    while len(facts) < 3:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"server exited: {proc.stderr.read()}")
        name, _, value = line.strip().partition(": ")
        if name in ("realm", "key id", "key"):
            facts[name] = value
    return proc, facts


def _partial_upload(realm: str, url: str, token: str, name: str, data: bytes) -> socket.socket:
    parts = urllib.parse.urlsplit(realm)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    head = (
        f"POST {urllib.parse.urlsplit(url).path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Authorization: {token}\r\n"
        f"X-Bz-File-Name: {p.encode_name(name)}\r\nContent-Type: b2/x-auto\r\nContent-Length: {len(data)}\r\n"
        f"X-Bz-Content-Sha1: {hashlib.sha1(data).hexdigest()}\r\n\r\n"
    )
    sock.sendall(head.encode() + data[: len(data) // 2])
    return sock


@pytest.mark.skipif(not B2KIT.exists(), reason="the b2kit console script is not installed")
def test_kill_9_during_uploads_leaves_only_finished_files(tmp_path, wire_for):
    data_dir = tmp_path / "data"
    proc, facts = _start_cli_server(data_dir)
    sockets = []
    try:

        class Remote:
            realm, key_id, key = facts["realm"], facts["key id"], facts["key"]
            account_id = None

        wire = wire_for(Remote)
        Remote.account_id = wire.authorize().json["accountId"]
        made = wire.create_bucket("crash-bucket")
        finished = {}
        for i in range(5):
            data = os.urandom(300_000 + i)
            finished[wire.uploaded(made["bucketId"], f"done/{i}", data)["fileId"]] = data
        for i in range(3):
            url, token = wire.upload_url(made["bucketId"])
            sockets.append(_partial_upload(Remote.realm, url, token, f"cut/{i}", os.urandom(2_000_000)))
        for _ in range(1000):
            if len(list((data_dir / "tmp").iterdir())) == 3:
                break
            time.sleep(0.01)
        assert len(list((data_dir / "tmp").iterdir())) == 3
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        for sock in sockets:
            sock.close()
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    with LocalServer(data_dir=data_dir) as restarted:
        wire = wire_for(restarted)
        versions = wire.ok("b2_list_file_versions", {"bucketId": made["bucketId"]})["files"]
        assert sorted(v["fileId"] for v in versions) == sorted(finished)
        for file_id, data in finished.items():
            assert wire.download_by_id(file_id, token=wire.token).body == data
        assert not any((data_dir / "tmp").iterdir())
        assert len(list((data_dir / "blobs").glob("*/*"))) == len(finished)
