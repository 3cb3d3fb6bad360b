"""The local B2 server: B2's native API over HTTP, SQLite metadata, file bytes on disk."""

from b2kit.server._config import ServerConfig
from b2kit.server._faults import FaultRule
from b2kit.server._local import LocalServer

__all__ = ["FaultRule", "LocalServer", "ServerConfig"]
