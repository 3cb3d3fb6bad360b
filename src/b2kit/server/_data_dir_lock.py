"""One server per data dir: an exclusive ``flock`` on ``<data dir>/b2kit.lock`` held while a server runs.

Two servers on one data dir would each clean up the other's temp files at start and interleave writes
to the same blobs. The lock is released by the kernel when the process ends, even on ``kill -9``, so a
crashed server never leaves a stale lock behind. The file holds the owner's pid, for the error message.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from b2kit.server._start_errors import ServerStartError

LOCK_NAME = "b2kit.lock"


class DataDirLock:
    """Held from ``acquire()`` until ``release()`` (or the end of the process)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> DataDirLock:
        """Take the lock, or raise ``ServerStartError`` naming the data dir and the pid that holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _read_owner(fd)
            os.close(fd)
            raise ServerStartError(
                f"data dir {self.path.parent} is in use by another b2kit server{owner}; "
                "stop it or choose another --data-dir"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def _read_owner(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        pid = int(os.pread(fd, 32, 0).decode().strip())
        return f" (pid {pid})"
    return ""
