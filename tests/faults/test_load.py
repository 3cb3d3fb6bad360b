"""16 concurrent clients x mixed operations for a bounded time: no unexpected error, no lost file, listings
consistent with what each client knows it did.

Each client (its own B2Api) works under its own prefix of one shared bucket and keeps a model of its
versions (uploads, copies, hide markers, deletions). While all of them run, every listing of a client's
prefix must match its model exactly, and every download must return the bytes last uploaded under that
name. At the end the whole bucket, listed by a fresh client, is exactly the union of the models.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass, field

import pytest

from b2kit import B2Api, Bucket, FileNotPresent

CLIENTS = 16
SECONDS = 3.0
LARGE = 1_200_000  # > recommendedPartSize: some uploads go in parts


@dataclass
class Version:
    file_id: str
    action: str  # "upload" or "hide"
    sha1: str = ""


@dataclass
class Worker:
    """One client: its own prefix, its model of the versions there, and what it did."""

    number: int
    bucket: Bucket
    rng: random.Random
    versions: dict[str, list[Version]] = field(default_factory=dict)
    operations: int = 0
    expected_errors: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return f"client-{self.number:02d}/"

    def visible(self) -> list[str]:
        return sorted(name for name, stack in self.versions.items() if stack and stack[-1].action == "upload")

    def run(self, deadline: float) -> None:
        steps = [
            self.upload,
            self.upload,
            self.listing,
            self.download,
            self.hide,
            self.delete,
            self.copy,
            self.gone,
        ]
        while time.monotonic() < deadline:
            step = self.rng.choice(steps)
            try:
                step()
            except Exception as exc:  # every failure is recorded and reported, none is expected
                self.errors.append(f"{step.__name__}: {type(exc).__name__}: {exc}")
            self.operations += 1

    def upload(self) -> None:
        name = self.prefix + self.rng.choice(["a", "b", "c", "d/e", "d/f", "g h"])
        size = LARGE if self.rng.random() < 0.05 else self.rng.randint(0, 20_000)
        data = self.rng.randbytes(size)
        stored = self.bucket.upload_bytes(data, name)
        self.versions.setdefault(name, []).append(
            Version(stored.id_, "upload", hashlib.sha1(data).hexdigest())
        )

    def listing(self) -> None:
        listed = [v.file_name for v, _ in self.bucket.ls(self.prefix, recursive=True)]
        assert listed == self.visible(), (listed, self.visible())
        versions = {v.id_ for v, _ in self.bucket.ls(self.prefix, recursive=True, show_versions=True)}
        assert versions == {v.file_id for stack in self.versions.values() for v in stack}

    def download(self) -> None:
        names = self.visible()
        if names:
            name = self.rng.choice(names)
            with self.bucket.download_file_by_name(name) as downloaded:
                assert hashlib.sha1(downloaded.read()).hexdigest() == self.versions[name][-1].sha1

    def gone(self) -> None:
        """Download a hidden or never uploaded name: FileNotPresent is the one expected error."""
        hidden = [name for name, stack in self.versions.items() if stack and stack[-1].action == "hide"]
        name = self.rng.choice(hidden) if hidden else self.prefix + "never-uploaded"
        try:
            self.bucket.download_file_by_name(name).close()
        except FileNotPresent:
            self.expected_errors += 1
            return
        raise AssertionError(f"{name} is hidden or absent, yet it downloaded")

    def hide(self) -> None:
        names = self.visible()
        if names:
            name = self.rng.choice(names)
            marker = self.bucket.hide_file(name)
            self.versions[name].append(Version(marker.id_, "hide"))

    def delete(self) -> None:
        stacks = [(name, stack) for name, stack in self.versions.items() if stack]
        if stacks:
            name, stack = self.rng.choice(stacks)
            version = stack.pop(self.rng.randrange(len(stack)))
            self.bucket.delete_file_version(version.file_id, name)

    def copy(self) -> None:
        names = self.visible()
        if names:
            source = self.rng.choice(names)
            target = self.prefix + "copies/" + self.rng.choice(["x", "y"])
            copied = self.bucket.copy(self.versions[source][-1].file_id, target)
            self.versions.setdefault(target, []).append(
                Version(copied.id_, "upload", self.versions[source][-1].sha1)
            )


def _run_load(server, connect, seconds: float) -> tuple[int, int, list[str]]:
    with connect(server) as admin:
        admin.create_bucket("load-bucket", "allPrivate")
    apis: list[B2Api] = [connect(server, workers=2) for _ in range(CLIENTS)]
    try:
        workers = [
            Worker(n, api.get_bucket_by_name("load-bucket"), random.Random(n)) for n, api in enumerate(apis)
        ]
        deadline = time.monotonic() + seconds
        threads = [threading.Thread(target=worker.run, args=(deadline,)) for worker in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 120)
        errors = [f"client {w.number}: {e}" for w in workers for e in w.errors]
        with connect(server) as checker:
            bucket = checker.get_bucket_by_name("load-bucket")
            everything = {v.id_ for v, _ in bucket.ls("", recursive=True, show_versions=True)}
            expected = {v.file_id for w in workers for stack in w.versions.values() for v in stack}
            assert everything == expected, "a version was lost or appeared from nowhere"
            visible = sorted(v.file_name for v, _ in bucket.ls("", recursive=True))
            assert visible == sorted(name for w in workers for name in w.visible())
        operations = sum(w.operations for w in workers)
        expected_errors = sum(w.expected_errors for w in workers)
    finally:
        for api in apis:
            api.close()
    return operations, expected_errors, errors


def test_16_clients_of_mixed_operations_lose_nothing_and_see_consistent_listings(server, connect, scale):
    seconds = SECONDS * scale
    operations, expected, errors = _run_load(server, connect, seconds)
    print(
        f"\nLOAD: {CLIENTS} clients x {seconds:g} s, {operations} operations, "
        f"{expected} expected FileNotPresent, {len(errors)} other errors"
    )
    assert errors == []
    assert operations > CLIENTS * 5


@pytest.mark.soak
def test_soak_load_runs_twice_as_long(server, connect, scale):
    seconds = SECONDS * scale * 2
    operations, expected, errors = _run_load(server, connect, seconds)
    print(
        f"\nLOAD soak: {CLIENTS} x {seconds:g} s, {operations} ops, {expected} expected, {len(errors)} errors"
    )
    assert errors == []
