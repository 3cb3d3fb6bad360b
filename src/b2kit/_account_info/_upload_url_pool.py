"""A thread-safe pool of upload URLs, keyed by bucket id (small files) or large-file id (parts).

A URL with its token is used by one upload at a time: ``take`` removes it from the pool, ``put`` returns it
after a successful upload. A URL whose upload failed is simply never put back.
"""

from __future__ import annotations

import threading
from collections import defaultdict


class UploadUrlPool:
    """Upload URL/token pairs that are free for use, per key."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)

    def put(self, key: str, url: str, auth_token: str) -> None:
        """Make ``url`` available again for ``key``."""
        with self._lock:
            self._free[key].append((url, auth_token))

    def take(self, key: str) -> tuple[str, str] | None:
        """Take a free ``(url, token)`` for ``key``, or None when there is none."""
        with self._lock:
            free = self._free.get(key)
            if not free:
                return None
            return free.pop()

    def clear_for_key(self, key: str) -> None:
        """Forget every URL of ``key`` (e.g. after a large file is finished)."""
        with self._lock:
            self._free.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._free.clear()
