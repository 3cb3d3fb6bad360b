"""The route table: every URL the server answers, as one plain mapping from (namespace, name) to endpoint.

- ``/b2api/v1..v4/<name>`` reaches ``ROUTES[(API, name)]`` under every version; ``request.version`` says which
  one when shapes differ. Extra path segments after the name (``b2_upload_part/<fileId>/<opaque>``) arrive
  in ``request.path_args``.
- ``/file/<bucket>/<name>`` reaches ``ROUTES[(FILE, "b2_download_file_by_name")]``; ``/_b2kit/<name>``
  reaches ``ROUTES[(ADMIN, name)]`` (test helpers and the web console, never faulted); ``/`` reaches
  ``ROUTES[(ADMIN, "/")]`` (a redirect to the console).
- ``params="json"``: POST bodies are parsed as a JSON object and GET query strings are coerced; handlers read
  them with the typed getters of ``request.params``. ``params="raw"``: the handler reads ``request.body``
  itself (uploads), in blocks.

Adding an endpoint: write the handler in ``_handlers/`` in the module of its concept (it parses the request,
checks it against the rules of ``_rules/``, reads and changes state through ``app.state``, shapes the JSON;
it returns a ``dict`` for a 200 JSON answer or a ``Response`` and raises ``B2Error`` for every refusal),
then add one line to ``_TABLE`` below. The HTTP server is handed ``ROUTES`` by ``LocalServer``.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from b2kit.server._handlers import (
    _admin,
    _authorize,
    _buckets,
    _console,
    _copy,
    _download_auth,
    _downloads,
    _files,
    _inspect,
    _keys,
    _large_files,
    _listing,
    _notifications,
    _retention,
    _uploads,
)
from b2kit.server._http._routing import ADMIN, API, FILE, GET_POST, Endpoint, RouteTable

_POST = frozenset({"POST"})
_GET = frozenset({"GET"})


_TABLE = (
    Endpoint(API, "b2_authorize_account", _authorize.authorize_account),
    Endpoint(API, "b2_create_bucket", _buckets.create_bucket, _POST),
    Endpoint(API, "b2_update_bucket", _buckets.update_bucket, _POST),
    Endpoint(API, "b2_delete_bucket", _buckets.delete_bucket, _POST),
    Endpoint(API, "b2_list_buckets", _buckets.list_buckets),
    Endpoint(API, "b2_create_key", _keys.create_key, _POST),
    Endpoint(API, "b2_delete_key", _keys.delete_key, _POST),
    Endpoint(API, "b2_list_keys", _keys.list_keys),
    Endpoint(API, "b2_get_upload_url", _uploads.get_upload_url),
    Endpoint(API, "b2_upload_file", _uploads.upload_file, _POST, "raw"),
    Endpoint(API, "b2_start_large_file", _large_files.start_large_file, _POST),
    Endpoint(API, "b2_get_upload_part_url", _large_files.get_upload_part_url),
    Endpoint(API, "b2_upload_part", _large_files.upload_part, _POST, "raw"),
    Endpoint(API, "b2_list_parts", _large_files.list_parts),
    Endpoint(API, "b2_finish_large_file", _large_files.finish_large_file, _POST),
    Endpoint(API, "b2_cancel_large_file", _large_files.cancel_large_file, _POST),
    Endpoint(API, "b2_list_unfinished_large_files", _large_files.list_unfinished_large_files),
    Endpoint(API, "b2_copy_file", _copy.copy_file, _POST),
    Endpoint(API, "b2_copy_part", _copy.copy_part, _POST),
    Endpoint(API, "b2_get_file_info", _files.get_file_info),
    Endpoint(API, "b2_hide_file", _files.hide_file, _POST),
    Endpoint(API, "b2_delete_file_version", _files.delete_file_version, _POST),
    Endpoint(API, "b2_list_file_names", _listing.list_file_names),
    Endpoint(API, "b2_list_file_versions", _listing.list_file_versions),
    Endpoint(API, "b2_update_file_retention", _retention.update_file_retention, _POST),
    Endpoint(API, "b2_update_file_legal_hold", _retention.update_file_legal_hold, _POST),
    Endpoint(API, "b2_get_download_authorization", _download_auth.get_download_authorization),
    Endpoint(API, "b2_download_file_by_id", _downloads.download_file_by_id, GET_POST | {"HEAD"}),
    Endpoint(FILE, "b2_download_file_by_name", _downloads.download_file_by_name, _GET | {"HEAD"}),
    Endpoint(API, "b2_set_bucket_notification_rules", _notifications.set_bucket_notification_rules, _POST),
    Endpoint(API, "b2_get_bucket_notification_rules", _notifications.get_bucket_notification_rules),
    Endpoint(ADMIN, "health", _admin.health, _GET),
    Endpoint(ADMIN, "reset", _admin.reset, _POST),
    Endpoint(ADMIN, "state", _inspect.state, _GET),
    Endpoint(ADMIN, "expire-tokens", _admin.expire_tokens, _POST),
    Endpoint(ADMIN, "lifecycle", _admin.lifecycle, _POST),
    Endpoint(ADMIN, "faults", _admin.faults, frozenset({"GET", "POST", "DELETE"})),
    Endpoint(ADMIN, "requests", _inspect.requests, _GET),
    Endpoint(ADMIN, "console", _console.page, _GET),
    Endpoint(ADMIN, "console.js", _console.script, _GET),
    Endpoint(ADMIN, "console.css", _console.style, _GET),
    Endpoint(ADMIN, "/", _console.root, _GET),
)


def _index(table: tuple[Endpoint, ...]) -> RouteTable:
    routes = {(endpoint.namespace, endpoint.name): endpoint for endpoint in table}
    if len(routes) != len(table):
        raise ValueError("the route table names an endpoint twice")
    return MappingProxyType(routes)


ROUTES: Final = _index(_TABLE)


def find(namespace: str, name: str) -> Endpoint | None:
    return ROUTES.get((namespace, name))


def names(namespace: str = API) -> list[str]:
    return sorted(name for ns, name in ROUTES if ns == namespace)


def fault_targets() -> frozenset[str]:
    """The endpoints a fault rule may name: every API and download endpoint (not the test helpers)."""
    return frozenset(name for namespace, name in ROUTES if namespace != ADMIN)
