"""Why a server could not start: a busy port, a data dir already in use."""

from __future__ import annotations

import errno


class ServerStartError(RuntimeError):
    """The server did not start; the message says what to change (port, data dir)."""


def describe_bind_error(exc: OSError, host: str, port: int) -> ServerStartError:
    """A ``ServerStartError`` naming the address that could not be bound, and why."""
    if exc.errno == errno.EADDRINUSE:
        return ServerStartError(
            f"port {port} on {host} is already in use; choose another --port (0 picks a free one)"
        )
    if exc.errno == errno.EACCES:
        return ServerStartError(f"not allowed to listen on port {port} on {host}; choose a port above 1023")
    if exc.errno == errno.EADDRNOTAVAIL:
        return ServerStartError(f"cannot listen on {host}: no such local address")
    return ServerStartError(f"cannot listen on {host} port {port}: {exc.strerror or exc}")
