"""The endpoint registry: which handler answers which URL, and the one pre-dispatch hook point.

Adding an endpoint
------------------
Write the handler in the module of its concept (e.g. ``_large_files.py``) and register it with the decorator::

    from b2kit.server import _auth, _buckets, _files
    from b2kit.server._exchange import Request
    from b2kit.server._routes import endpoint

    @endpoint("b2_start_large_file", methods=("POST",))
    def start_large_file(request: Request) -> dict[str, object]:
        principal = _auth.account(request)                    # 401 unless a valid account token
        bucket_id = request.params.text("bucketId")           # 400 when missing or not a string
        name = _files.checked_name(request.params.text("fileName"))
        _auth.require(principal, "writeFiles", bucket_id=bucket_id, file_name=name)   # 401 unauthorized
        with request.app.store.write() as conn:               # one short transaction
            _buckets.require(conn, bucket_id)                 # 400 bad_bucket_id
            row = _files.insert_version(conn, {...})
        return _files.file_json(request, principal, row)      # a dict becomes a 200 JSON answer

- ``/b2api/v1..v4/<name>`` reaches the endpoint registered as ``<name>`` under every version;
  ``request.version`` says which one (``"v1"`` .. ``"v4"``) when shapes differ. Extra path segments after the
  name (e.g. ``b2_upload_part/<fileId>/<opaque>``) arrive in ``request.path_args``.
- ``params="json"`` (default): POST bodies are parsed as a JSON object and GET query strings are coerced;
  read them with the typed getters of ``request.params`` (``text``, ``opt_int``, ``opt_object`` ...), which
  answer 400 on wrong types. ``params="raw"``: the handler reads ``request.body`` itself (uploads), in blocks.
- Return a ``dict`` (200 JSON) or a ``Response`` (any status, headers, or a streamed body); raise
  ``B2Error`` (see ``_errors``) for every refusal. HEAD answers drop the body automatically.
- Make sure the module is imported: it is listed in ``ENDPOINT_MODULES`` below (modules of the list that
  do not exist yet are skipped, so a module can be added before its file lands).
- Other namespaces: ``namespace=FILE`` for ``/file/<bucket>/<name>`` and ``namespace=ADMIN`` for
  ``/_b2kit/<name>``.

Dispatch hooks
--------------
``add_dispatch_hook(app, hook)`` registers ``hook(request, endpoint) -> Response | None`` on one server
(``app.dispatch_hooks``: hooks belong to a server, so several servers in one process do not see each other's
hooks); the HTTP layer calls every hook of the server after routing and parameter parsing, before the handler
runs (the single place where fault injection plugs in, see ``_faults``). A hook that returns a ``Response``
or raises ``B2Error`` answers instead of the handler. With no hooks registered nothing changes.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from b2kit.server._exchange import Request, Response

if TYPE_CHECKING:
    from b2kit.server._app import App

API = "api"
FILE = "file"
ADMIN = "admin"

Handler = Callable[[Request], "Response | dict[str, Any]"]
DispatchHook = Callable[[Request, "Endpoint"], "Response | None"]

ENDPOINT_MODULES = (
    "_authorize",
    "_buckets",
    "_keys",
    "_uploads",
    "_files",
    "_listing",
    "_downloads",
    "_download_auth",
    "_admin",
    "_large_files",
    "_copy",
    "_lifecycle",
    "_file_lock",
    "_notifications",
    "_faults",
)


@dataclass(frozen=True)
class Endpoint:
    name: str
    handler: Handler
    methods: frozenset[str]
    params: Literal["json", "raw"]
    namespace: str


_REGISTRY: dict[tuple[str, str], Endpoint] = {}


def endpoint(
    name: str,
    *,
    methods: tuple[str, ...] = ("POST", "GET"),
    params: Literal["json", "raw"] = "json",
    namespace: str = API,
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of ``name``."""

    def register(handler: Handler) -> Handler:
        _REGISTRY[(namespace, name)] = Endpoint(name, handler, frozenset(methods), params, namespace)
        return handler

    return register


def find(namespace: str, name: str) -> Endpoint | None:
    return _REGISTRY.get((namespace, name))


def names(namespace: str = API) -> list[str]:
    return sorted(name for ns, name in _REGISTRY if ns == namespace)


def add_dispatch_hook(app: App, hook: DispatchHook) -> None:
    app.dispatch_hooks.append(hook)


def remove_dispatch_hook(app: App, hook: DispatchHook) -> None:
    if hook in app.dispatch_hooks:
        app.dispatch_hooks.remove(hook)


def run_dispatch_hooks(request: Request, target: Endpoint) -> Response | None:
    for hook in list(request.app.dispatch_hooks):
        answer = hook(request, target)
        if answer is not None:
            return answer
    return None


def load_endpoints() -> None:
    """Import every endpoint module so its decorators run (idempotent)."""
    for module in ENDPOINT_MODULES:
        qualified = f"b2kit.server.{module}"
        if importlib.util.find_spec(qualified) is not None:
            importlib.import_module(qualified)
