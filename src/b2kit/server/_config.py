"""How one local B2 server is configured: a frozen options object shared by the CLI and ``LocalServer``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from b2kit import _protocol as p

DEFAULT_HOST = "127.0.0.1"
DEFAULT_BLOCK_SIZE = 1024 * 1024
DEFAULT_REQUEST_LOG_SIZE = 1000


@dataclass(frozen=True)
class ServerConfig:
    """Every knob of the server.

    ``data_dir=None`` means "ephemeral": a temporary directory removed when the server stops.
    ``key_id``/``key`` replace the master key stored in the data dir; when absent the stored one is used
    (and created on first start). ``request_log_size`` is how many recent requests ``requests()`` keeps
    (0, with no listener either, skips the request log's work entirely).
    """

    host: str = DEFAULT_HOST
    port: int = 0
    data_dir: Path | None = None
    key_id: str | None = None
    key: str | None = None
    absolute_minimum_part_size: int = p.ABSOLUTE_MINIMUM_PART_SIZE
    recommended_part_size: int = p.RECOMMENDED_PART_SIZE
    token_ttl_seconds: int = p.ACCOUNT_TOKEN_TTL_SECONDS
    block_size: int = DEFAULT_BLOCK_SIZE
    request_log_size: int = DEFAULT_REQUEST_LOG_SIZE

    def problems(self) -> list[str]:
        """What is inconsistent in this configuration (empty when it is usable)."""
        found: list[str] = []
        if not 0 <= self.port <= 65535:
            found.append(f"port must be 0..65535, not {self.port}")
        if (self.key_id is None) != (self.key is None):
            found.append("key id and key must be given together")
        if self.absolute_minimum_part_size < 1:
            found.append("absolute minimum part size must be positive")
        if self.recommended_part_size < self.absolute_minimum_part_size:
            found.append("recommended part size must be at least the absolute minimum part size")
        if self.token_ttl_seconds < 1:
            found.append("token lifetime must be positive")
        if self.request_log_size < 0:
            found.append("request log size must not be negative")
        if self.block_size < 4096:
            found.append("block size must be at least 4096 bytes")
        return found
