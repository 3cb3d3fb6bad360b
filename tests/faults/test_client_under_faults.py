"""Every SDK transfer under every injected fault: correct bytes, or a typed error within its time budget.

Each case arms a rule on the server (``server.faults``), runs one transfer with a progress listener and DEBUG
logging, then checks: the rule was hit, the result is byte-exact (or a ``B2Error`` came out), progress never
went backwards, retries show up in the DEBUG log, and no half-written file is visible anywhere.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from b2kit import B2Error, Bucket, ProgressListenerForTest
from b2kit.server import FaultRule, LocalServer
from b2kit.sync import B2Folder, LocalFolder, SyncActionsFailed, Synchronizer, SyncOptions

SMALL = 60_000
LARGE = 2_500_000  # > recommendedPartSize (1 MB) of the test server: parts / stripes / copy parts
RETRY_LOG_MARKERS = ("; retry ", "new upload URL", "re-authorizing", "resuming")


def payload(size: int, seed: int = 1) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest()
    return (block * (size // len(block) + 1))[:size]


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def stored_bytes(bucket: Bucket, name: str) -> bytes:
    with bucket.download_file_by_name(name) as downloaded:
        return downloaded.read()


def visible_names(bucket: Bucket) -> list[str]:
    return sorted(version.file_name for version, _ in bucket.ls("", recursive=True))


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob("*") if p.is_file())


@dataclass
class Case:
    """One transfer: the endpoints it is faulted on, how to set it up, run it, and check what it left."""

    endpoints: tuple[str, ...]
    prepare: Callable[[Bucket, Path], object] = lambda bucket, tmp: None
    run: Callable[[Bucket, Path, ProgressListenerForTest], object] = lambda bucket, tmp, listener: None
    check_done: Callable[[Bucket, Path], None] = lambda bucket, tmp: None
    check_failed: Callable[[Bucket, Path], None] = lambda bucket, tmp: None
    kinds: frozenset[str] = field(default_factory=lambda: frozenset({"error", "latency"}))


def _upload_case(size: int, endpoint: str) -> Case:
    data = payload(size)

    def run(bucket, tmp, listener):
        return bucket.upload_bytes(data, "up.bin", progress_listener=listener)

    def check_done(bucket, tmp):
        assert sha1(stored_bytes(bucket, "up.bin")) == sha1(data)

    def check_failed(bucket, tmp):
        assert visible_names(bucket) == []

    return Case(
        (endpoint,),
        run=run,
        check_done=check_done,
        check_failed=check_failed,
        kinds=frozenset({"error", "latency", "reset"}),
    )


def _download_case() -> Case:
    data = payload(LARGE, seed=2)

    def prepare(bucket, tmp):
        bucket.upload_bytes(data, "down.bin")

    def run(bucket, tmp, listener):
        target = tmp / "out" / "down.bin"
        target.parent.mkdir(exist_ok=True)
        bucket.download_file_by_name("down.bin", progress_listener=listener).save_to(target)

    def check_done(bucket, tmp):
        assert sha1((tmp / "out" / "down.bin").read_bytes()) == sha1(data)
        assert leftovers(tmp / "out") == ["down.bin"]

    def check_failed(bucket, tmp):
        assert leftovers(tmp / "out") == []

    return Case(
        ("b2_download_file_by_name",),
        prepare,
        run,
        check_done,
        check_failed,
        frozenset({"error", "latency", "truncate"}),
    )


def _copy_case(size: int, endpoint: str) -> Case:
    data = payload(size, seed=3)

    def prepare(bucket, tmp):
        return bucket.upload_bytes(data, "source.bin")

    def run(bucket, tmp, listener):
        source = bucket.get_file_info_by_name("source.bin")
        return bucket.copy(source.id_, "copy.bin", progress_listener=listener)

    def check_done(bucket, tmp):
        assert sha1(stored_bytes(bucket, "copy.bin")) == sha1(data)

    def check_failed(bucket, tmp):
        assert visible_names(bucket) == ["source.bin"]

    return Case((endpoint,), prepare, run, check_done, check_failed)


def _list_case() -> Case:
    names = [f"dir/{i:03d}.txt" for i in range(30)]

    def prepare(bucket, tmp):
        for name in names:
            bucket.upload_bytes(name.encode(), name)

    def run(bucket, tmp, listener):
        tmp.joinpath("listed.txt").write_text("\n".join(visible_names(bucket)))

    def check_done(bucket, tmp):
        assert tmp.joinpath("listed.txt").read_text().split("\n") == names

    return Case(("b2_list_file_names",), prepare, run, check_done)


TREE = {"a.txt": payload(1000, 4), "sub/b.bin": payload(SMALL, 5), "sub/big.bin": payload(LARGE, 6)}


def _make_tree(root: Path) -> None:
    for name, data in TREE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _sync_up_case() -> Case:
    def prepare(bucket, tmp):
        _make_tree(tmp / "src")

    def run(bucket, tmp, listener):
        Synchronizer(SyncOptions()).sync_folders(LocalFolder(tmp / "src"), B2Folder(bucket, "backup"))

    def check_done(bucket, tmp):
        for name, data in TREE.items():
            assert sha1(stored_bytes(bucket, f"backup/{name}")) == sha1(data)

    def check_failed(bucket, tmp):
        for name in visible_names(bucket):
            assert stored_bytes(bucket, name) == TREE[name.removeprefix("backup/")]

    return Case(
        ("b2_upload_file", "b2_upload_part"),
        prepare,
        run,
        check_done,
        check_failed,
        frozenset({"error", "latency", "reset"}),
    )


def _sync_down_case() -> Case:
    def prepare(bucket, tmp):
        for name, data in TREE.items():
            bucket.upload_bytes(data, f"backup/{name}")

    def run(bucket, tmp, listener):
        Synchronizer(SyncOptions()).sync_folders(B2Folder(bucket, "backup"), LocalFolder(tmp / "dst"))

    def check_done(bucket, tmp):
        assert {n: (tmp / "dst" / n).read_bytes() for n in TREE} == TREE
        assert len(leftovers(tmp / "dst")) == len(TREE)

    def check_failed(bucket, tmp):
        for path in (tmp / "dst").rglob("*"):
            if path.is_file():
                assert path.read_bytes() == TREE[path.relative_to(tmp / "dst").as_posix()]

    return Case(
        ("b2_download_file_by_name", "b2_download_file_by_id"),
        prepare,
        run,
        check_done,
        check_failed,
        frozenset({"error", "latency", "truncate"}),
    )


CASES = {
    "small-upload": _upload_case(SMALL, "b2_upload_file"),
    "large-upload": _upload_case(LARGE, "b2_upload_part"),
    "parallel-download": _download_case(),
    "small-copy": _copy_case(SMALL, "b2_copy_file"),
    "large-copy": _copy_case(LARGE, "b2_copy_part"),
    "list": _list_case(),
    "sync-up": _sync_up_case(),
    "sync-down": _sync_down_case(),
}

FAULTS = {
    "503": {"status": 503, "times": 2},
    "429-retry-after": {"status": 429, "times": 1, "retry_after": 1},
    "500": {"status": 500, "times": 2},
    "408": {"status": 408, "times": 2},
    "401-expired": {"status": 401, "times": 1},
    "latency": {"fault": "latency", "delay_seconds": 0.2, "times": 2},
    "truncate": {"fault": "truncate", "after_bytes": 300_000, "times": 2},
    "reset": {"fault": "reset", "after_bytes": 20_000, "times": 2},
}


def _kind(fault: dict) -> str:
    return str(fault.get("fault", "error"))


MATRIX = [
    pytest.param(case, fault, id=f"{case}-{fault}")
    for case in CASES
    for fault in FAULTS
    if _kind(FAULTS[fault]) in CASES[case].kinds
]


def _arm(server: LocalServer, case: Case, **rule) -> None:
    for endpoint in case.endpoints:
        server.faults.add(FaultRule(endpoint, **rule))


def _armed_calls_left(server: LocalServer) -> int:
    return sum(rule["remaining"] for rule in server.faults.rules())


@pytest.mark.parametrize(("case_name", "fault_name"), MATRIX)
def test_transfer_completes_with_correct_bytes_under_a_transient_fault(
    server, bucket, tmp_path, caplog, case_name, fault_name
):
    case, fault = CASES[case_name], FAULTS[fault_name]
    case.prepare(bucket, tmp_path)
    _arm(server, case, **fault)
    armed = _armed_calls_left(server)
    listener = ProgressListenerForTest()
    with caplog.at_level(logging.DEBUG, logger="b2kit"):
        case.run(bucket, tmp_path, listener)
    assert _armed_calls_left(server) < armed, "the fault never hit the transfer"
    case.check_done(bucket, tmp_path)
    assert listener.is_monotonic()
    if _kind(fault) != "latency":
        assert any(marker in caplog.text for marker in RETRY_LOG_MARKERS), caplog.text[-2000:]


@pytest.mark.parametrize("case_name", list(CASES))
def test_transfer_under_a_lasting_fault_raises_a_typed_error_within_its_budget(
    server, bucket, tmp_path, retry_policy, case_name
):
    case = CASES[case_name]
    case.prepare(bucket, tmp_path)
    _arm(server, case, status=503, times=10_000)
    listener = ProgressListenerForTest()
    started = time.monotonic()
    with pytest.raises((B2Error, SyncActionsFailed)) as raised:
        case.run(bucket, tmp_path, listener)
    elapsed = time.monotonic() - started
    server.faults.clear()
    assert elapsed < retry_policy.time_budget * 3, f"{type(raised.value).__name__} after {elapsed:.1f} s"
    assert listener.is_monotonic()
    case.check_failed(bucket, tmp_path)


def test_failed_download_leaves_no_partial_file_next_to_an_existing_one(server, bucket, tmp_path):
    old = b"the previous content stays intact"
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "keep.bin"
    target.write_bytes(old)
    bucket.upload_bytes(payload(LARGE), "keep.bin")
    server.faults.add(FaultRule("b2_download_file_by_name", fault="truncate", after_bytes=1000, times=10_000))
    with pytest.raises(B2Error):
        bucket.download_file_by_name("keep.bin").save_to(target)
    server.faults.clear()
    assert target.read_bytes() == old
    assert os.listdir(tmp_path / "out") == ["keep.bin"]
