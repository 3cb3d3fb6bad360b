"""What one running server shares between request threads: config, metadata state, blobs, account, faults."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from b2kit import _protocol as p
from b2kit.server._blobs import BlobStore
from b2kit.server._config import ServerConfig
from b2kit.server._errors import B2Error
from b2kit.server._faults import FaultInjector
from b2kit.server._request_log import RequestLog
from b2kit.server._state import Account, State

log = logging.getLogger("b2kit.server")

DATABASE_NAME = "b2kit.sqlite3"


class App:
    """Opens a data dir: cleans up after a crash, loads or creates the account, then serves requests."""

    def __init__(self, config: ServerConfig, data_dir: Path, endpoints: Iterable[str]) -> None:
        """``endpoints``: the names fault rules may target (the route table's, see ``_routes``)."""
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.config = config
        self.data_dir = data_dir
        self.blobs = BlobStore(data_dir, config.block_size)
        removed_temp = self.blobs.remove_temp_files()
        self.state = State(data_dir / DATABASE_NAME)
        self.account: Account = self.state.open_account(config.key_id, config.key, self.now_ms())
        removed_blobs = self.blobs.remove_unreferenced(self.state.referenced_blobs())
        if removed_temp or removed_blobs:
            log.info("cleaned up %d temp files and %d orphan blobs", removed_temp, removed_blobs)
        self.realm = ""
        self._uploading: set[str] = set()
        self._uploading_lock = threading.Lock()
        self.faults = FaultInjector(endpoints)
        self.requests = RequestLog(config.request_log_size)

    @staticmethod
    def now_ms() -> int:
        return int(time.time() * 1000)

    @contextmanager
    def exclusive_upload(self, token: str) -> Iterator[None]:
        """Hold ``token`` for one upload; a second concurrent upload with it gets 400 auth_token_limit."""
        with self._uploading_lock:
            if token in self._uploading:
                raise B2Error(400, p.AUTH_TOKEN_LIMIT, f"more than one upload using auth token {token}")
            self._uploading.add(token)
        try:
            yield
        finally:
            with self._uploading_lock:
                self._uploading.discard(token)

    def reset(self) -> None:
        """Wipe buckets, files, parts, keys and tokens (only the master key survives), disarm every fault and
        empty the request log: the server is as new, on the same port and key."""
        self.state.reset()
        self.blobs.remove_all()
        self.faults.clear()
        self.requests.clear()

    def expire_account_tokens(self) -> int:
        """Make every account token issued so far expired (``expired_auth_token`` from now on)."""
        with self.state.write() as tx:
            return tx.tokens.expire_account_tokens(self.now_ms())

    def close(self) -> None:
        self.state.close()
