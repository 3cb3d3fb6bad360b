"""SIGINT/SIGTERM for a foreground server: the first asks for a clean stop, the second forces the exit.

The handler takes no lock. Python runs signal handlers in the main thread between bytecodes, so a handler
that sets a ``threading.Event`` can fire while the main thread already holds that event's lock (inside
``Event.wait``) and deadlock the process. Here the handler only writes a byte to a non-blocking pipe,
and the main thread waits on the pipe with a plain ``read``.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopSignals:
    """Install with ``install()`` before anything needs cleaning up; ``wait()`` returns at the first signal.

    ``on_force`` runs at a second signal (a user pressing Ctrl-C again, ``kill`` twice) right before
    ``os._exit(128 + signal)``: it must be quick and take no lock (e.g. remove a temp dir).
    """

    def __init__(self, on_force: Callable[[], None] = lambda: None) -> None:
        self._read_end, self._write_end = os.pipe()
        os.set_blocking(self._write_end, False)
        self._on_force = on_force
        self.received: int | None = None

    def install(self) -> StopSignals:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._handle)
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is not None:
            force_exit(128 + signum, self._on_force)
        self.received = signum
        with contextlib.suppress(BlockingIOError):
            os.write(self._write_end, b"\0")

    def wait(self) -> int:
        """Block until the first stop signal; returns its number."""
        while self.received is None:
            os.read(self._read_end, 1)
        return self.received


def force_exit(status: int, cleanup: Callable[[], None]) -> None:
    """Exit now with ``status`` (128 + signal number, as shells report it) after a quick ``cleanup``."""
    with contextlib.suppress(Exception):
        cleanup()
    os._exit(status)
