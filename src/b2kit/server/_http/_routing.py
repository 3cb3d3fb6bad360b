"""What routing needs to know: an ``Endpoint`` (handler, methods, how parameters arrive), the three URL
namespaces, and where a URL path points. The table of endpoints itself is ``b2kit.server._routes.ROUTES``;
the HTTP server is handed it, so this package never imports a handler."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias

from b2kit import _protocol as p
from b2kit.server._http._exchange import Request, Response

API: Final = "api"
FILE: Final = "file"
ADMIN: Final = "admin"

Handler = Callable[[Request], "Response | dict[str, Any]"]
ParamStyle = Literal["json", "raw"]
GET_POST: Final = frozenset({"GET", "POST"})


@dataclass(frozen=True)
class Endpoint:
    """One route: the handler of ``name`` in ``namespace``, the methods it takes, how its params arrive."""

    namespace: str
    name: str
    handler: Handler
    methods: frozenset[str] = GET_POST
    params: ParamStyle = "json"


RouteTable: TypeAlias = Mapping[tuple[str, str], Endpoint]


def locate(segments: list[str]) -> tuple[str, str, str, tuple[str, ...]]:
    """(namespace, version, endpoint name, extra path segments) for a split URL path."""
    if len(segments) >= 4 and segments[:2] == ["", "b2api"] and segments[2] in p.API_VERSIONS:
        return API, segments[2], segments[3], tuple(segments[4:])
    if len(segments) >= 4 and segments[:2] == ["", "file"]:
        return FILE, "", "b2_download_file_by_name", (segments[2], "/".join(segments[3:]))
    if len(segments) == 3 and segments[:2] == ["", "_b2kit"]:
        return ADMIN, "", segments[2], ()
    if segments == ["", ""]:  # "/": the console's front door
        return ADMIN, "", "/", ()
    return API, "", "", ()
