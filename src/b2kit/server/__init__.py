"""The local B2 server: B2's native API over HTTP, SQLite metadata, file bytes on disk."""

from b2kit.server._config import ServerConfig
from b2kit.server._faults import FaultRule
from b2kit.server._inspection import (
    BucketRecord,
    FileVersionRecord,
    KeyRecord,
    PartRecord,
    ServerState,
    UnfinishedLargeFileRecord,
)
from b2kit.server._local import LocalServer
from b2kit.server._request_log import RequestRecord
from b2kit.server._start_errors import ServerStartError

__all__ = [
    "BucketRecord",
    "FaultRule",
    "FileVersionRecord",
    "KeyRecord",
    "LocalServer",
    "PartRecord",
    "RequestRecord",
    "ServerConfig",
    "ServerStartError",
    "ServerState",
    "UnfinishedLargeFileRecord",
]
