"""urllib3 connections that let a request body send itself (``send_to(sock)``), e.g. with ``sendfile``.

urllib3 sees such a body as an iterable of one chunk (the body itself) and passes that chunk to the
connection's ``send``; these connections hand it the socket instead of copying its bytes through Python.
"""

from __future__ import annotations

import socket
from typing import Any, Protocol, runtime_checkable

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


@runtime_checkable
class SelfSendingBody(Protocol):
    """A request body that writes itself to the connected socket."""

    def send_to(self, sock: socket.socket) -> None: ...


def _self_sending(data: Any) -> SelfSendingBody | None:
    """``data`` when it sends itself (an attribute test: a runtime Protocol check costs ~30 us a call)."""
    return data if callable(getattr(data, "send_to", None)) else None


class SendfileHTTPConnection(HTTPConnection):
    def send(self, data: Any) -> None:
        body = _self_sending(data)
        if body is not None and self.sock is not None:
            body.send_to(self.sock)
        else:
            super().send(data)


class SendfileHTTPSConnection(HTTPSConnection):
    """The TLS variant (Python's TLS sockets turn ``sendfile`` into ordinary sends)."""

    def send(self, data: Any) -> None:
        body = _self_sending(data)
        if body is not None and self.sock is not None:
            body.send_to(self.sock)
        else:
            super().send(data)


class SendfileHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = SendfileHTTPConnection


class SendfileHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = SendfileHTTPSConnection


POOL_CLASSES = {"http": SendfileHTTPConnectionPool, "https": SendfileHTTPSConnectionPool}
"""For ``urllib3.PoolManager.pool_classes_by_scheme``."""
