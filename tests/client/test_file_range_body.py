"""FileRangeBody: a file range sent by the kernel, resendable, refusing a file that shrank."""

from __future__ import annotations

import os
import socket
import threading

import pytest

from b2kit._transfer._file_range_body import FileRangeBody
from b2kit._transfer._upload_source import SourceChangedError
from b2kit._transport._sendfile import SelfSendingBody


def _received(body: FileRangeBody) -> bytes:
    left, right = socket.socketpair()
    chunks: list[bytes] = []

    def drain() -> None:
        while chunk := right.recv(65536):
            chunks.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        body.send_to(left)
    finally:
        left.close()
        reader.join()
        right.close()
    return b"".join(chunks)


def test_sends_exactly_its_range_and_again_after_seeking_back(tmp_path):
    data = os.urandom(300_000)
    path = tmp_path / "source.bin"
    path.write_bytes(data)
    body = FileRangeBody(path, 1_000, 250_000)
    assert isinstance(body, SelfSendingBody)
    assert len(body) == 250_000
    assert _received(body) == data[1_000:251_000]
    assert body.tell() == 250_000
    body.seek(0)
    assert _received(body) == data[1_000:251_000]


def test_a_file_shorter_than_its_range_is_a_changed_source(tmp_path):
    path = tmp_path / "source.bin"
    path.write_bytes(b"x" * 1_000)
    with pytest.raises(SourceChangedError, match="ended 500 bytes before"):
        _received(FileRangeBody(path, 500, 1_000))
