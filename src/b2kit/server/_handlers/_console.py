"""The web console: a static page (HTML, CSS and a little JavaScript shipped in ``console/``) that shows what
the server holds by calling ``/_b2kit/state``, ``/_b2kit/faults`` and ``/_b2kit/requests`` with the master
key the user signs in with. The page itself needs no key; ``/`` redirects to it."""

from __future__ import annotations

from importlib import resources

from b2kit.server._http._exchange import Request, Response

CONSOLE_PATH = "/_b2kit/console"
_ASSETS = {
    "console.html": "text/html; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
}
_SECURITY_HEADERS = [
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    # everything comes from this server: no CDN, no inline script
    ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"),
]


def _asset(name: str) -> Response:
    body = resources.files("b2kit.server").joinpath("console", name).read_bytes()
    return Response(status=200, headers=[("Content-Type", _ASSETS[name]), *_SECURITY_HEADERS], body=body)


def page(request: Request) -> Response:
    return _asset("console.html")


def script(request: Request) -> Response:
    return _asset("console.js")


def style(request: Request) -> Response:
    return _asset("console.css")


def root(request: Request) -> Response:
    """``GET /``: a person who opens the realm URL in a browser lands on the console."""
    return Response(status=302, headers=[("Location", CONSOLE_PATH), ("Cache-Control", "no-store")])
