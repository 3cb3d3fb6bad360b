"""BlobStore: bodies hashed (MD5 on a helper thread when large), kept durably, concurrent keeps grouped."""

from __future__ import annotations

import hashlib
import io
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from b2kit.server._blobs import PARALLEL_HASH_MIN, BlobStore
from b2kit.server._errors import B2Error


@pytest.fixture
def store(tmp_path):
    return BlobStore(tmp_path, block_size=64 * 1024)


@pytest.mark.parametrize("size", [0, 1000, PARALLEL_HASH_MIN, 3 * PARALLEL_HASH_MIN + 12345])
def test_received_bytes_and_hashes_match_the_body(store, size):
    body = os.urandom(size)
    received = store.receive(io.BytesIO(body), size)
    assert received.sha1 == hashlib.sha1(body).hexdigest()
    assert received.md5 == hashlib.md5(body).hexdigest()
    assert received.temp_path.read_bytes() == body


def test_a_body_shorter_than_its_length_is_refused_and_leaves_no_temp_file(store, tmp_path):
    body = os.urandom(PARALLEL_HASH_MIN)
    with pytest.raises(B2Error, match="ended"):
        store.receive(io.BytesIO(body), len(body) + 10)
    assert list((tmp_path / "tmp").iterdir()) == []


def test_concurrent_keeps_each_land_at_their_own_path(store):
    bodies = [os.urandom(100 + index) for index in range(64)]

    def keep(body: bytes) -> str:
        return store.keep(store.receive(io.BytesIO(body), len(body)))

    with ThreadPoolExecutor(16) as pool:
        relatives = list(pool.map(keep, bodies))
    assert len(set(relatives)) == len(bodies)
    assert [store.path(relative).read_bytes() for relative in relatives] == bodies
