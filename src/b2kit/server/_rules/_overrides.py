"""The ``b2*`` download parameters that override response headers (protocol §8.2), shared by downloads and
the download authorizations that may pin them."""

from __future__ import annotations

from collections.abc import Callable

from b2kit.server._errors import bad_request
from b2kit.server._rules._file_info import b2_value_ok

# request override parameter -> (file info key it overrides, response header)
OVERRIDES = {
    "b2ContentDisposition": ("b2-content-disposition", "Content-Disposition"),
    "b2ContentLanguage": ("b2-content-language", "Content-Language"),
    "b2Expires": ("b2-expires", "Expires"),
    "b2CacheControl": ("b2-cache-control", "Cache-Control"),
    "b2ContentEncoding": ("b2-content-encoding", "Content-Encoding"),
    "b2ContentType": ("", "Content-Type"),
}


def override_values(text_param: Callable[[str], str | None]) -> dict[str, str]:
    """The b2* override parameters of a request (``text_param`` reads one), validated."""
    found: dict[str, str] = {}
    for name, (info_key, _header) in OVERRIDES.items():
        value = text_param(name)
        if value is None:
            continue
        valid = b2_value_ok(info_key, value) if info_key else (value.isascii() and value.isprintable())
        if not valid or not value:
            raise bad_request(f"invalid value for {name}")
        found[name] = value
    return found
