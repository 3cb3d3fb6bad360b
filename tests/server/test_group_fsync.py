"""GroupFsync: every caller returns after an fsync that started after its call; failures reach the caller."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from b2kit.server._group_fsync import GroupFsync


def test_concurrent_callers_all_return(tmp_path):
    path = tmp_path / "wal"
    path.write_bytes(b"frames")
    group = GroupFsync(path)
    with ThreadPoolExecutor(32) as pool:
        assert list(pool.map(lambda _: group.sync(), range(200))) == [None] * 200


def test_a_failed_fsync_raises_and_the_next_caller_syncs_again(tmp_path):
    path = tmp_path / "folder"
    group = GroupFsync(path)
    with pytest.raises(FileNotFoundError):
        group.sync()
    path.mkdir()
    group.sync()
