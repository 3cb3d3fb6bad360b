"""``LocalServer``: the local B2 server in this process, on its own thread (tests, demo, ``b2kit server``)."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from b2kit.server import _routes
from b2kit.server._app import App
from b2kit.server._config import ServerConfig
from b2kit.server._data_dir_lock import DataDirLock
from b2kit.server._faults import FaultInjector
from b2kit.server._http._server import B2HTTPServer
from b2kit.server._inspection import ServerState
from b2kit.server._lifecycle import Scheduler
from b2kit.server._request_log import RequestRecord
from b2kit.server._snapshot import StateQuery, read_state
from b2kit.server._start_errors import describe_bind_error


class LocalServer:
    """Start with ``with LocalServer(data_dir=d) as s:`` (port 0 picks a free port); ``s.realm`` is the URL
    to authorize against with ``s.key_id`` / ``s.key``. Without ``data_dir`` the data lives in a temp dir
    removed by ``stop()``."""

    def __init__(self, config: ServerConfig | None = None, **overrides: Any) -> None:
        config = dataclasses.replace(config or ServerConfig(), **overrides)
        problems = config.problems()
        if problems:
            raise ValueError("; ".join(problems))
        self.config = config
        ephemeral = config.data_dir is None
        self.data_dir = (
            Path(tempfile.mkdtemp(prefix="b2kit-server-")) if ephemeral else Path(str(config.data_dir))
        )
        self._temp_dir = self.data_dir if ephemeral else None
        self._app: App | None = None
        self._http: B2HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lifecycle: Scheduler | None = None
        self._lock: DataDirLock | None = None
        self._request_listeners: list[Callable[[RequestRecord], None]] = []

    def start(self) -> LocalServer:
        """Lock the data dir, open it and listen. On failure (``ServerStartError`` for a busy port or a data
        dir in use) nothing is left behind: the lock is released and an ephemeral data dir removed."""
        if self._app is not None:
            raise RuntimeError("the server is already running")
        try:
            self._lock = DataDirLock(self.data_dir).acquire()
            app = App(self.config, self.data_dir, _routes.fault_targets())
        except BaseException:
            self._cleanup()
            raise
        try:
            http = B2HTTPServer((self.config.host, self.config.port), app, _routes.ROUTES)
        except BaseException as exc:
            app.close()
            self._cleanup()
            if isinstance(exc, OSError):
                raise describe_bind_error(exc, self.config.host, self.config.port) from exc
            raise
        for listener in self._request_listeners:
            app.requests.add_listener(listener)
        host, port = http.server_address[:2]
        app.realm = f"http://{_url_host(str(host))}:{port}"
        self._app, self._http = app, http
        self._thread = threading.Thread(
            target=http.serve_forever, kwargs={"poll_interval": 0.05}, name="b2kit-server", daemon=True
        )
        self._thread.start()
        self._lifecycle = Scheduler(app).start()
        return self

    @property
    def _running(self) -> App:
        if self._app is None:
            raise RuntimeError("the server is not running; call start() or use it as a context manager")
        return self._app

    @property
    def realm(self) -> str:
        return self._running.realm

    @property
    def port(self) -> int:
        return int(self.realm.rsplit(":", 1)[1])

    @property
    def key_id(self) -> str:
        return self._running.account.master_key_id

    @property
    def key(self) -> str:
        return self._running.account.master_key

    @property
    def account_id(self) -> str:
        return self._running.account.account_id

    @property
    def faults(self) -> FaultInjector:
        """This server's fault injection, e.g. ``s.faults.add(FaultRule("b2_upload_file", times=2))``."""
        return self._running.faults

    def on_request(self, listener: Callable[[RequestRecord], None]) -> None:
        """Call ``listener`` with each request answered from now on, on its request thread (keep it quick)."""
        self._request_listeners.append(listener)
        if self._app is not None:
            self._app.requests.add_listener(listener)

    def requests(self, limit: int | None = None) -> list[RequestRecord]:
        """The most recent requests (up to ``limit``; the server keeps ``request_log_size``), oldest first."""
        return self._running.requests.entries(limit)

    def state(self, bucket_name: str | None = None) -> ServerState:
        """What the server holds now (one bucket's files only with ``bucket_name``): buckets, file versions
        with hide markers, unfinished large files and their parts, keys without secrets."""
        app = self._running
        return read_state(app.state, StateQuery(bucket_name=bucket_name)).state

    def reset(self) -> None:
        """Wipe buckets, files and keys (the master key stays), disarm faults, empty the request log."""
        self._running.reset()

    def expire_tokens(self) -> int:
        """Expire every account token issued so far; returns how many."""
        return self._running.expire_account_tokens()

    def stop(self) -> None:
        if self._lifecycle is not None:
            self._lifecycle.stop()
            self._lifecycle = None
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._app is not None:
            self._app.close()
        self._http = self._thread = self._app = None
        self._cleanup()

    def _cleanup(self) -> None:
        """Release the data dir lock; remove an ephemeral data dir."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
