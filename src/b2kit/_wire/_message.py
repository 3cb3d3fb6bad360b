"""The two halves of every B2 exchange as plain data: :class:`HttpRequest` out, and the pure functions that
read an answer (status, headers, body bytes) back: typed errors, JSON, ``Retry-After`` and clock skew.

A transport sends an :class:`HttpRequest` as it is and hands the answer to these functions; it decides
nothing about B2 itself. ``expect`` tells it how to treat the body: read whole and decode as JSON, leave
unread for streaming, or none at all (HEAD).
"""

from __future__ import annotations

import datetime
import email.utils
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import IO, Final

from b2kit import _protocol as p
from b2kit._exceptions import B2Error, BadDateFormat, ClockSkew, InvalidJsonResponse, interpret_b2_error
from b2kit._models import JSON

SUCCESS_STATUSES: Final = frozenset({200, 206})

Body = bytes | IO[bytes] | None


class Expect(Enum):
    """What the caller wants from the answer of a request."""

    JSON = "json"
    """The body, read whole and decoded as a JSON object (JSON endpoints and uploads)."""
    STREAM = "stream"
    """The body unread, to be streamed by the caller (downloads)."""
    HEADERS = "headers"
    """Only the headers (HEAD)."""


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request, complete: a transport sends exactly this (adding only its User-Agent).

    ``body`` is bytes or a readable binary stream (an upload; its ``Content-Length`` is in ``headers``).
    ``description`` names the endpoint for log lines and never holds a token or key.
    """

    method: str
    url: str
    headers: Mapping[str, str] = field(repr=False)
    body: Body = field(default=None, repr=False)
    expect: Expect = Expect.JSON
    description: str = ""
    moves_file_bytes: bool = False
    """True for uploads and downloads: they get the transfer read timeout, not the JSON one."""


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from a ``Retry-After`` header in whole seconds, None when absent or not a number."""
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        return float(int(value))
    except ValueError:
        return None


def error_from_answer(status: int, headers: Mapping[str, str], raw: bytes) -> B2Error:
    """The typed error of a non-2xx answer; body-less (HEAD) answers give an error with code None."""
    code: str | None = None
    message: str | None = None
    if raw:
        try:
            error = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            error = None
        if isinstance(error, dict):
            code = str(error["code"]) if error.get("code") is not None else None
            message = str(error["message"]) if error.get("message") is not None else None
        else:
            code = "non_json_response"
            message = raw[:500].decode("utf-8", errors="replace")
    return interpret_b2_error(status, code, message, retry_after(headers))


def decode_json(raw: bytes) -> JSON:
    """The JSON object of an answer body; InvalidJsonResponse when it is anything else."""
    try:
        decoded = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidJsonResponse(f"Expected JSON, got: {raw[:200]!r}") from exc
    if not isinstance(decoded, dict):
        raise InvalidJsonResponse(f"Expected a JSON object, got: {type(decoded).__name__}")
    return decoded


def check_clock_skew(headers: Mapping[str, str], now: datetime.datetime | None = None) -> None:
    """Raise ClockSkew when the answer's ``Date`` is more than the tolerance away from ``now`` (UTC; the
    current time when None)."""
    date = headers.get("Date")
    if date is None:
        return
    try:
        server_time = email.utils.parsedate_to_datetime(date)
    except (TypeError, ValueError) as exc:
        raise BadDateFormat(date) from exc
    if server_time.tzinfo is None:
        server_time = server_time.replace(tzinfo=datetime.UTC)
    skew = ((now or datetime.datetime.now(datetime.UTC)) - server_time).total_seconds()
    if abs(skew) > p.CLOCK_SKEW_TOLERANCE_SECONDS:
        raise ClockSkew(skew)
