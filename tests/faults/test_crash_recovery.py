"""kill -9 of a ``b2kit server`` process with 50 uploads (small files and large-file parts) in flight.

The uploads send their bodies slowly (each takes 0.2 .. 3 s) so that, when the server is killed after one
second, some have been answered and most are still streaming. After a restart on the same data dir:
every upload answered 200 is intact by SHA-1, no listing or download shows a partial file, and the
unfinished large files are still listed and can be finished.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import urllib3

from b2kit import _protocol as p

KEY_ID, KEY = "000crashtestkey0000000001", "K000crashtestsecretcrashtestsecret"
SMALL_UPLOADS, LARGE_FILES, PARTS_PER_FILE, PART_SIZE = 30, 5, 4, 200_000


@dataclass
class Upload:
    """One upload sent by a thread: what was sent and what (if anything) the server answered."""

    kind: str  # "file" or "part"
    name: str
    data: bytes
    url: str
    token: str
    part_number: int = 0
    seconds: float = 1.0
    answer: dict[str, Any] | None = None

    @property
    def sha1(self) -> str:
        return hashlib.sha1(self.data).hexdigest()

    def send(self) -> None:
        """Stream the body in slices over ``seconds``; keep the JSON answer when it is a 200."""
        split = urllib3.util.parse_url(self.url)
        connection = http.client.HTTPConnection(split.host, split.port, timeout=30)
        headers = {
            "Authorization": self.token,
            "Content-Length": str(len(self.data)),
            "X-Bz-Content-Sha1": self.sha1,
        }
        if self.kind == "file":
            headers |= {
                "X-Bz-File-Name": p.encode_name(self.name),
                "Content-Type": "application/octet-stream",
            }
        else:
            headers["X-Bz-Part-Number"] = str(self.part_number)
        slices = 10
        step = -(-len(self.data) // slices)
        try:
            connection.putrequest("POST", split.request_uri)
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.endheaders()
            for start in range(0, len(self.data), step):
                connection.send(self.data[start : start + step])
                time.sleep(self.seconds / slices)
            response = connection.getresponse()
            if response.status == 200:
                self.answer = json.loads(response.read())
        except OSError:
            pass  # the server died mid-request: this upload was never answered
        finally:
            connection.close()


class ServerProcess:
    """``b2kit server`` as a child process on a fixed data dir and key."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.process: subprocess.Popen[str] | None = None
        self.realm = ""

    def start(self) -> ServerProcess:
        script = Path(sys.executable).with_name("b2kit")
        command = (
            [str(script)] if script.exists() else [sys.executable, "-c", "from b2kit.cli import main; main()"]
        )
        self.process = subprocess.Popen(
            [
                *command,
                "server",
                "--data-dir",
                str(self.data_dir),
                "--key-id",
                KEY_ID,
                "--key",
                KEY,
                "--absolute-minimum-part-size",
                "100000",
                "--recommended-part-size",
                "1000000",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        assert first.startswith("realm: "), first
        self.realm = first.split(" ", 1)[1].strip()
        return self

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # SIGKILL: no cleanup of any kind
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def server_process(data_dir: Path) -> Iterator[ServerProcess]:
    running = ServerProcess(data_dir).start()
    try:
        yield running
    finally:
        running.stop()


class Client:
    """Enough of the B2 wire protocol to set up and check a crash (raw HTTP: no retry hides anything)."""

    def __init__(self, realm: str) -> None:
        self.realm = realm
        self.http = urllib3.PoolManager(maxsize=4, retries=False, timeout=urllib3.Timeout(10, 30))
        headers = urllib3.make_headers(basic_auth=f"{KEY_ID}:{KEY}")
        auth = self.http.request("GET", f"{realm}/b2api/v4/b2_authorize_account", headers=headers).json()
        self.token = auth["authorizationToken"]
        self.account_id = auth["accountId"]
        self.bucket_name = ""

    def call(self, name: str, **params: Any) -> dict[str, Any]:
        answer = self.http.request(
            "POST",
            f"{self.realm}/b2api/v4/{name}",
            body=json.dumps(params).encode(),
            headers={"Authorization": self.token},
        )
        assert answer.status == 200, (name, answer.data)
        result: dict[str, Any] = answer.json()
        return result

    def download(self, file_id: str) -> bytes:
        answer = self.http.request(
            "GET",
            f"{self.realm}/b2api/v4/b2_download_file_by_id?fileId={file_id}",
            headers={"Authorization": self.token},
        )
        assert answer.status == 200, answer.data
        return answer.data

    def upload_part(self, file_id: str, number: int, data: bytes) -> None:
        target = self.call("b2_get_upload_part_url", fileId=file_id)
        part = Upload("part", "", data, target["uploadUrl"], target["authorizationToken"], number, seconds=0)
        part.send()
        assert part.answer is not None


def _plan(client: Client, bucket_id: str, rng: random.Random) -> tuple[list[Upload], dict[str, list[bytes]]]:
    uploads: list[Upload] = []
    for index in range(SMALL_UPLOADS):
        target = client.call("b2_get_upload_url", bucketId=bucket_id)
        data = rng.randbytes(rng.randint(1, 1_500_000))
        uploads.append(
            Upload(
                "file",
                f"small/{index:02d}.bin",
                data,
                target["uploadUrl"],
                target["authorizationToken"],
                seconds=rng.uniform(0.2, 3.0),
            )
        )
    large_parts: dict[str, list[bytes]] = {}
    for index in range(LARGE_FILES):
        started = client.call(
            "b2_start_large_file", bucketId=bucket_id, fileName=f"large/{index}.bin", contentType="b2/x-auto"
        )
        parts = [rng.randbytes(PART_SIZE) for _ in range(PARTS_PER_FILE)]
        large_parts[started["fileId"]] = parts
        for number, data in enumerate(parts, start=1):
            target = client.call("b2_get_upload_part_url", fileId=started["fileId"])
            uploads.append(
                Upload(
                    "part",
                    started["fileId"],
                    data,
                    target["uploadUrl"],
                    target["authorizationToken"],
                    number,
                    seconds=rng.uniform(0.2, 3.0),
                )
            )
    return uploads, large_parts


def _crash_round(data_dir: Path, seed: int) -> tuple[int, int, int]:
    """One kill -9 with uploads in flight, then the checks; returns (in flight at kill, answered, lost)."""
    rng = random.Random(seed)
    running = ServerProcess(data_dir).start()
    try:
        client = Client(running.realm)
        bucket_id = client.call(
            "b2_create_bucket",
            accountId=client.account_id,
            bucketName=f"crash-{seed}",
            bucketType="allPrivate",
        )["bucketId"]
        uploads, large_parts = _plan(client, bucket_id, rng)
        threads = [threading.Thread(target=upload.send) for upload in uploads]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        in_flight = sum(thread.is_alive() for thread in threads)
        running.kill()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        running.kill()
    answered = [upload for upload in uploads if upload.answer is not None]
    with server_process(data_dir) as restarted:
        checker = Client(restarted.realm)
        checker.bucket_name = f"crash-{seed}"
        lost = _check_after_restart(checker, bucket_id, uploads, answered, large_parts)
    return in_flight, len(answered), lost


def _check_after_restart(
    client: Client,
    bucket_id: str,
    uploads: list[Upload],
    answered: list[Upload],
    large_parts: dict[str, list[bytes]],
) -> int:
    sent = {upload.name: upload for upload in uploads if upload.kind == "file"}
    versions = client.call("b2_list_file_versions", bucketId=bucket_id, maxFileCount=10_000)["files"]
    listed = [entry for entry in versions if entry["action"] != "start"]
    assert {e["fileId"] for e in versions if e["action"] == "start"} == set(large_parts)
    names = client.call("b2_list_file_names", bucketId=bucket_id, maxFileCount=10_000)["files"]
    assert {f["fileName"] for f in names} == {f["fileName"] for f in listed}
    for entry in listed:  # whatever is visible is complete: right length, right SHA-1, right bytes
        expected = sent[entry["fileName"]]
        assert (entry["contentLength"], entry["contentSha1"]) == (len(expected.data), expected.sha1)
        assert hashlib.sha1(client.download(entry["fileId"])).hexdigest() == expected.sha1
    for name in set(sent) - {entry["fileName"] for entry in listed}:  # what is not listed cannot be fetched
        answer = client.http.request(
            "GET",
            f"{client.realm}/file/{client.bucket_name}/{p.encode_name(name)}",
            headers={"Authorization": client.token},
        )
        assert answer.status == 404, (name, answer.status)
    lost = 0
    listed_ids = {f["fileId"] for f in listed}
    for upload in answered:
        if upload.kind == "file":
            lost += upload.answer is None or upload.answer["fileId"] not in listed_ids
    unfinished = client.call("b2_list_unfinished_large_files", bucketId=bucket_id, maxFileCount=100)["files"]
    assert {f["fileId"] for f in unfinished} == set(large_parts)
    for file_id, parts in large_parts.items():
        stored = {part["partNumber"]: part for part in client.call("b2_list_parts", fileId=file_id)["parts"]}
        for number, part in stored.items():  # every listed part is whole
            assert (part["contentLength"], part["contentSha1"]) == (
                PART_SIZE,
                hashlib.sha1(parts[number - 1]).hexdigest(),
            )
        lost += sum(
            1 for u in answered if u.kind == "part" and u.name == file_id and u.part_number not in stored
        )
        for number, data in enumerate(parts, start=1):
            if number not in stored:
                client.upload_part(file_id, number, data)
        sha1s = [hashlib.sha1(data).hexdigest() for data in parts]
        finished = client.call("b2_finish_large_file", fileId=file_id, partSha1Array=sha1s)
        assert client.download(finished["fileId"]) == b"".join(parts)
    return lost


def test_kill_9_with_50_uploads_in_flight_loses_nothing_answered_and_shows_nothing_partial(tmp_path):
    in_flight, answered, lost = _crash_round(tmp_path / "data", seed=1)
    total = SMALL_UPLOADS + LARGE_FILES * PARTS_PER_FILE
    print(
        f"\nCRASH: {total} uploads started, {in_flight} in flight at kill -9 ({total - answered} never "
        f"answered), {answered} answered 200, {lost} lost"
    )
    assert in_flight >= 25
    assert lost == 0
    leftovers = (
        [path for path in (tmp_path / "data" / "tmp").iterdir()]
        if (tmp_path / "data" / "tmp").exists()
        else []
    )
    assert leftovers == []


@pytest.mark.soak
def test_repeated_kill_9_rounds_on_one_data_dir(tmp_path, scale):
    totals = [0, 0, 0]
    for round_number in range(scale // 2 or 1):
        for index, value in enumerate(_crash_round(tmp_path / "data", seed=100 + round_number)):
            totals[index] += value
    print(f"\nCRASH soak: {totals[0]} in flight at kill -9, {totals[1]} answered 200, {totals[2]} lost")
    assert totals[2] == 0
    assert os.listdir(tmp_path / "data")
