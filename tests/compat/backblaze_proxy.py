"""Route clients that only know Backblaze's fixed HTTPS URL to a local server, for compatibility tests.

Some B2 clients (Apache OpenDAL) have no endpoint option: they authorize against
``https://api.backblazeb2.com`` and then follow the ``apiUrl`` of the answer. ``BackblazeProxy`` is an HTTP
CONNECT proxy on 127.0.0.1 that accepts a tunnel to ``api.backblazeb2.com:443`` only, ends its TLS with a
certificate from a throwaway CA made for the test, and forwards each request inside to the local server
with the local ``Host``, so the answer names the local server and everything after goes there directly.
The client is pointed at it with ``HTTPS_PROXY`` and trusts the CA through ``SSL_CERT_FILE``. Nothing
leaves the machine: any other CONNECT target is refused.
"""

from __future__ import annotations

import datetime as dt
import http.client
import socketserver
import ssl
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

BACKBLAZE_HOST = "api.backblazeb2.com"
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host"}


@dataclass(frozen=True)
class ThrowawayCa:
    """Files of a CA made for one test and of a server certificate it signed for ``BACKBLAZE_HOST``."""

    ca_file: Path
    cert_file: Path
    key_file: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_throwaway_ca(directory: Path) -> ThrowawayCa:
    """A CA valid for a day and a ``BACKBLAZE_HOST`` certificate signed by it, written as PEM files."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("b2kit test CA (throwaway)")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(BACKBLAZE_HOST))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(BACKBLAZE_HOST)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = ThrowawayCa(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    files.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return files


class _Forwarder(BaseHTTPRequestHandler):
    """Serves the requests inside one TLS tunnel by sending them on to the local server."""

    protocol_version = "HTTP/1.1"
    target: tuple[str, int] = ("127.0.0.1", 0)

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        connection = http.client.HTTPConnection(*self.target, timeout=30)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            payload = answer.read()
        finally:
            connection.close()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_HEAD = _forward

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test asserts on what arrived at the server instead."""


class _ConnectHandler(socketserver.StreamRequestHandler):
    server: _ProxyServer

    def handle(self) -> None:
        request_line = self.rfile.readline(65536).decode("latin-1").split()
        while self.rfile.readline(65536) not in (b"\r\n", b"\n", b""):
            pass
        if len(request_line) < 2 or request_line[0] != "CONNECT":
            self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        if request_line[1] != f"{BACKBLAZE_HOST}:443":
            self.server.refused.append(request_line[1])
            self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.wfile.flush()
        self.server.tunnels += 1
        tls = self.server.tls.wrap_socket(self.connection, server_side=True)
        forwarder = type("Forwarder", (_Forwarder,), {"target": self.server.target})
        forwarder(tls, self.client_address, self.server)


class _ProxyServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, tls: ssl.SSLContext, target: tuple[str, int]) -> None:
        super().__init__(("127.0.0.1", 0), _ConnectHandler)
        self.tls = tls
        self.target = target
        self.tunnels = 0
        self.refused: list[str] = []


class BackblazeProxy:
    """The CONNECT proxy above, running in a thread until ``stop()`` (or the end of a ``with`` block)."""

    def __init__(self, realm: str, ca: ThrowawayCa) -> None:
        parsed = urllib.parse.urlsplit(realm)
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(ca.cert_file, ca.key_file)
        self._server = _ProxyServer(tls, (parsed.hostname or "127.0.0.1", parsed.port or 80))
        self._thread = threading.Thread(target=self._server.serve_forever, name="b2-proxy", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def tunnels(self) -> int:
        """How many TLS tunnels to Backblaze's host were opened (and served locally)."""
        return self._server.tunnels

    @property
    def refused(self) -> list[str]:
        """CONNECT targets that were refused (anything but Backblaze's API host)."""
        return list(self._server.refused)

    def __enter__(self) -> BackblazeProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
