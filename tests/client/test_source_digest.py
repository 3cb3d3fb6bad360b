"""digest_source: one read gives the whole SHA-1 and every part's SHA-1 (pure, no server)."""

from __future__ import annotations

import hashlib
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b2kit._transfer._part_planning import PartRange
from b2kit._transfer._source_digest import digest_source
from b2kit._transfer._upload_source import SourceChangedError, UploadSourceBytes, UploadSourceStream


def tiles(total: int, part: int) -> list[PartRange]:
    return [
        PartRange(number, offset, min(part, total - offset))
        for number, offset in enumerate(range(0, total, part), start=1)
    ]


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


@given(
    data=st.binary(min_size=1, max_size=5000),
    part=st.integers(min_value=1, max_value=1200),
    block=st.integers(min_value=1, max_value=700),
)
def test_digest_matches_hashlib_for_the_whole_and_each_part(data: bytes, part: int, block: int) -> None:
    parts = tiles(len(data), part)
    digest = digest_source(UploadSourceBytes(data), parts, block_size=block)
    assert digest.whole == sha1(data)
    assert digest.parts == tuple(sha1(data[p.offset : p.end]) for p in parts)


def test_digest_copes_with_short_reads() -> None:
    data = bytes(range(256)) * 40

    class ReadOnly(io.RawIOBase):
        def __init__(self) -> None:
            self._inner = io.BytesIO(data)

        def read(self, size: int = -1) -> bytes:
            return self._inner.read(min(size, 333))

    source = UploadSourceStream(ReadOnly, len(data))
    parts = tiles(len(data), 4000)
    digest = digest_source(source, parts, block_size=1024)
    assert digest.whole == sha1(data)
    assert digest.parts == tuple(sha1(data[p.offset : p.end]) for p in parts)


def test_source_shorter_than_its_parts_raises_source_changed() -> None:
    data = b"x" * 1000
    with pytest.raises(SourceChangedError, match="ended 200 bytes early"):
        digest_source(UploadSourceBytes(data), tiles(1200, 600), block_size=256)
