"""What a file version's metadata may be: its name, content type and file info (``X-Bz-Info-*`` headers or
``fileInfo`` JSON: key rules, the header budget, and the five ``b2-*`` keys whose values must parse because
downloads turn them into standard headers, protocol §7.1)."""

from __future__ import annotations

import email.utils
import mimetypes
import re
from collections.abc import Mapping
from typing import Any

from b2kit import _protocol as p
from b2kit.server._errors import bad_request

_KEY = re.compile(r"[A-Za-z0-9\-_.`~!#$%^&*'|+]+")
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = r'"(?:[^"\\\x00-\x1f\x7f]|\\[^\x00-\x1f\x7f])*"'
_PARAM_NAME = r"[!#$%&'+\-.^_`|~0-9A-Za-z]+"
_EXT_VALUE = r"(?i:utf-8)''[!#$&+\-.^_`|~0-9A-Za-z%]*"
_PARAM = rf"(?:{_PARAM_NAME}\s*=\s*(?:{_TOKEN}|{_QUOTED})|{_PARAM_NAME}\*\s*=\s*{_EXT_VALUE})"
_DISPOSITION = re.compile(rf"\s*{_PARAM_NAME}\s*(?:;\s*{_PARAM}\s*)*;?\s*")
_LANGUAGES = re.compile(r"\s*[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*\s*(,\s*[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*\s*)*")
_DIRECTIVES = re.compile(
    rf"\s*{_TOKEN}(\s*=\s*({_TOKEN}|{_QUOTED}))?\s*(,\s*{_TOKEN}(\s*=\s*({_TOKEN}|{_QUOTED}))?\s*)*"
)
_CODINGS = re.compile(rf"\s*{_TOKEN}\s*(,\s*{_TOKEN}\s*)*")


def checked_name(name: str) -> str:
    """A file name as given, or 400 with what is wrong with it."""
    problem = p.file_name_problem(name)
    if problem is not None:
        raise bad_request(problem)
    return name


def checked_content_type(value: str, file_name: str, field: str = "contentType") -> str:
    """A content type (``field`` names it in errors), with ``b2/x-auto`` resolved from the file name."""
    value = value.strip()
    if value == p.CONTENT_TYPE_AUTO:
        return mimetypes.guess_type(file_name, strict=False)[0] or "application/octet-stream"
    if "/" not in value or len(value) > 1000 or not value.isascii() or not value.isprintable():
        raise bad_request(f"invalid {field} {value[:100]!r}")
    return value


def checked_file_info(info: Mapping[str, Any], file_name: str) -> dict[str, str]:
    """Validated file info with keys lower-cased, or 400 ``bad_request``."""
    result: dict[str, str] = {}
    for raw_key, value in info.items():
        key = raw_key.lower()
        if not _KEY.fullmatch(key) or len(key.encode()) > p.MAX_FILE_INFO_KEY_BYTES:
            raise bad_request(f"invalid file info name {raw_key[:60]!r}")
        if not isinstance(value, str):
            raise bad_request(f"file info value for {key!r} must be a string")
        if key in result:
            raise bad_request(f"file info name {key!r} given twice")
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise bad_request(f"file info value for {key!r} contains control characters")
        if key.startswith("b2-"):
            _check_b2_value(key, value)
        result[key] = value
    if len(result) > p.MAX_FILE_INFO_ENTRIES:
        raise bad_request(f"at most {p.MAX_FILE_INFO_ENTRIES} file info entries")
    budget = len(file_name.encode()) + sum(len(k.encode()) + len(v.encode()) for k, v in result.items())
    if budget > p.MAX_FILE_INFO_HEADER_BYTES:
        raise bad_request(f"file name and file info exceed {p.MAX_FILE_INFO_HEADER_BYTES} bytes")
    return result


def _check_b2_value(key: str, value: str) -> None:
    if key not in p.B2_INFO_HEADERS:
        raise bad_request(f"unknown reserved file info name {key!r} (b2- names are reserved)")
    if not b2_value_ok(key, value):
        raise bad_request(f"invalid value for {key}: {value[:100]!r}")


def b2_value_ok(key: str, value: str) -> bool:
    """Whether ``value`` is acceptable for the ``b2-*`` info ``key`` (also used for download overrides)."""
    if not value.isascii():
        return False
    if key == "b2-content-disposition":
        return _disposition_ok(value)
    if key == "b2-content-language":
        return bool(_LANGUAGES.fullmatch(value))
    if key == "b2-expires":
        try:
            return email.utils.parsedate_to_datetime(value) is not None
        except (TypeError, ValueError, IndexError):
            return False
    if key == "b2-cache-control":
        return bool(_DIRECTIVES.fullmatch(value))
    return bool(_CODINGS.fullmatch(value))


def _disposition_ok(value: str) -> bool:
    """RFC 6266: a type and parameters; ``name*`` only as UTF-8 extended values, no continuations."""
    return value.isascii() and bool(_DISPOSITION.fullmatch(value))
