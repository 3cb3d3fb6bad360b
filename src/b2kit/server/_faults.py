"""Fault injection: make one running server misbehave on purpose, so clients can be tested against it.

Two ways in, both per server (``App.faults``):

- The ``X-Bz-Test-Mode`` request header, as on real B2 (protocol §13): ``fail_some_uploads`` answers every
  third upload (``b2_upload_file``, ``b2_upload_part``) with 503 ``service_unavailable``;
  ``expire_some_account_authorization_tokens`` answers every third call made with an account token with 401
  ``expired_auth_token``; ``force_cap_exceeded`` answers uploads and copies with 403
  ``storage_cap_exceeded``. The first matching call of each mode fails, so one try is enough to see it.
- Rules (:class:`FaultRule`), set with ``LocalServer.faults.add(...)`` or ``POST /_b2kit/faults`` (master
  key): the next ``times`` calls of an endpoint get a chosen B2 error, extra latency, a download body cut
  short (the connection closes after ``after_bytes``), or a connection reset in the middle of an upload
  body. ``GET /_b2kit/faults`` lists the armed rules, ``DELETE /_b2kit/faults`` disarms them all.

The ``/_b2kit/`` helpers themselves are never faulted, so a test can always disarm what it armed.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from typing import Any, Final

from b2kit import _protocol as p
from b2kit.server._errors import B2Error, bad_request

ERROR = "error"
LATENCY = "latency"
TRUNCATE = "truncate"
RESET = "reset"
FAULT_KINDS: Final = (ERROR, LATENCY, TRUNCATE, RESET)
ANY_ENDPOINT: Final = "*"

DEFAULT_CODES: Final = {
    400: p.BAD_REQUEST,
    401: p.EXPIRED_AUTH_TOKEN,
    403: p.STORAGE_CAP_EXCEEDED,
    408: p.REQUEST_TIMEOUT,
    429: p.TOO_MANY_REQUESTS,
    500: p.INTERNAL_ERROR,
    503: p.SERVICE_UNAVAILABLE,
}
"""The statuses a rule may answer with, and the B2 code each gets unless the rule names another."""

MAX_DELAY_SECONDS: Final = 300.0
MAX_RETRY_AFTER_SECONDS: Final = 3600
UPLOAD_ENDPOINTS: Final = frozenset({"b2_upload_file", "b2_upload_part"})
DOWNLOAD_ENDPOINTS: Final = frozenset({"b2_download_file_by_id", "b2_download_file_by_name"})
CAPPED_ENDPOINTS: Final = UPLOAD_ENDPOINTS | {"b2_copy_file", "b2_copy_part"}
_NOT_ACCOUNT_TOKEN_ENDPOINTS: Final = UPLOAD_ENDPOINTS | {"b2_authorize_account"}

FAIL_SOME_UPLOADS: Final = "fail_some_uploads"
EXPIRE_SOME_TOKENS: Final = "expire_some_account_authorization_tokens"
FORCE_CAP_EXCEEDED: Final = "force_cap_exceeded"
TEST_MODE_PERIOD: Final = 3
"""``fail_some_*`` modes fail one call in this many."""

INJECTED = "b2kit fault injection"


@dataclass(frozen=True)
class Call:
    """What fault injection needs to know of one API call (not of the ``/_b2kit/`` helpers)."""

    endpoint: str
    method: str
    test_mode: str
    authorized: bool
    """Whether the call carries an ``Authorization`` header."""


@dataclass(frozen=True)
class FaultPlan:
    """What to do to one call: wait ``delay_seconds``, then apply ``action`` (an error, truncate or reset
    rule; None serves the call normally)."""

    delay_seconds: float = 0.0
    action: FaultRule | None = None


@dataclass(frozen=True)
class FaultRule:
    """What to do to the next ``times`` calls of ``endpoint`` (an endpoint name such as ``b2_upload_file``
    or ``b2_download_file_by_name``, or ``"*"`` for every endpoint the fault applies to).

    ``fault`` is one of ``error`` (answer ``status`` with ``code``, default per :data:`DEFAULT_CODES`, and
    ``Retry-After: retry_after`` when given), ``latency`` (wait ``delay_seconds``, then serve normally),
    ``truncate`` (GET downloads: send the headers and ``after_bytes`` of the body, then close the
    connection) or ``reset`` (uploads: read ``after_bytes`` of the body, then drop the connection unread).
    """

    endpoint: str
    fault: str = ERROR
    times: int = 1
    status: int = 503
    code: str | None = None
    retry_after: int | None = None
    delay_seconds: float = 0.0
    after_bytes: int = 0

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(problems))

    def problems(self) -> list[str]:
        """Why this rule cannot be armed (empty when it can)."""
        found: list[str] = []
        if self.fault not in FAULT_KINDS:
            found.append(f"fault must be one of {', '.join(FAULT_KINDS)}, not {self.fault!r}")
        if not self.endpoint or len(self.endpoint) > 100:
            found.append("endpoint must be an endpoint name or '*'")
        if self.times < 1:
            found.append("times must be at least 1")
        if self.status not in DEFAULT_CODES:
            found.append(f"status must be one of {sorted(DEFAULT_CODES)}, not {self.status}")
        if self.code is not None and not (0 < len(self.code) <= 100 and self.code.isidentifier()):
            found.append("code must be a short B2 error code such as service_unavailable")
        if self.retry_after is not None and not 0 <= self.retry_after <= MAX_RETRY_AFTER_SECONDS:
            found.append(f"retry_after must be 0..{MAX_RETRY_AFTER_SECONDS} seconds")
        if not 0 <= self.delay_seconds <= MAX_DELAY_SECONDS:
            found.append(f"delay_seconds must be 0..{MAX_DELAY_SECONDS:g}")
        if self.after_bytes < 0:
            found.append("after_bytes must not be negative")
        found.extend(self._endpoint_problems())
        return found

    def _endpoint_problems(self) -> list[str]:
        if self.endpoint == ANY_ENDPOINT:
            return []
        if self.fault == TRUNCATE and self.endpoint not in DOWNLOAD_ENDPOINTS:
            return [f"truncate applies to {' and '.join(sorted(DOWNLOAD_ENDPOINTS))} only"]
        if self.fault == RESET and self.endpoint not in UPLOAD_ENDPOINTS:
            return [f"reset applies to {' and '.join(sorted(UPLOAD_ENDPOINTS))} only"]
        return []

    def applies_to(self, call: Call) -> bool:
        if self.endpoint not in (ANY_ENDPOINT, call.endpoint):
            return False
        if self.fault == TRUNCATE:
            return call.endpoint in DOWNLOAD_ENDPOINTS and call.method == "GET"
        if self.fault == RESET:
            return call.endpoint in UPLOAD_ENDPOINTS
        return True

    def error(self) -> B2Error:
        code = self.code or DEFAULT_CODES[self.status]
        return B2Error(self.status, code, f"{INJECTED}: {code}", retry_after=self.retry_after)

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> FaultRule:
        """A rule from the camelCase JSON of ``POST /_b2kit/faults``; 400 on unknown or wrong fields."""
        by_json = {_camel(field.name): field.name for field in fields(cls)}
        unknown = sorted(set(values) - set(by_json))
        if unknown:
            raise bad_request(f"unknown fault rule fields: {', '.join(unknown)}")
        kwargs = {by_json[name]: value for name, value in values.items() if value is not None}
        for name, value in kwargs.items():
            if not _type_ok(name, value):
                raise bad_request(f"fault rule field {_camel(name)} has the wrong type")
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:
            raise bad_request(f"bad fault rule: {exc}") from exc

    def to_json(self) -> dict[str, Any]:
        return {_camel(name): value for name, value in asdict(self).items()}


@dataclass
class _Armed:
    rule_id: int
    rule: FaultRule
    remaining: int


class FaultInjector:
    """The armed rules and test-mode counters of one server. ``endpoints`` names what a rule may target;
    the dispatcher asks :meth:`plan` before every API call."""

    def __init__(self, endpoints: Iterable[str]) -> None:
        self.endpoints = frozenset(endpoints)
        self._lock = threading.Lock()
        self._armed: list[_Armed] = []
        self._ids = itertools.count(1)
        self._test_mode_calls: dict[str, int] = {}
        self.injected = 0

    def add(self, rule: FaultRule) -> int:
        """Arm ``rule``; returns its id. ``ValueError`` when it names an endpoint this server lacks."""
        if rule.endpoint != ANY_ENDPOINT and rule.endpoint not in self.endpoints:
            raise ValueError(f"no such endpoint: {rule.endpoint[:100]}")
        with self._lock:
            armed = _Armed(next(self._ids), rule, rule.times)
            self._armed.append(armed)
            return armed.rule_id

    def clear(self) -> int:
        """Disarm every rule; returns how many were still armed."""
        with self._lock:
            count, self._armed = len(self._armed), []
            return count

    def rules(self) -> list[dict[str, Any]]:
        """The armed rules as JSON, with their ids and how many calls each still affects."""
        with self._lock:
            return [
                {"ruleId": armed.rule_id, "remaining": armed.remaining, **armed.rule.to_json()}
                for armed in self._armed
            ]

    def plan(self, call: Call) -> FaultPlan:
        """The faults armed for ``call`` (each taken rule counts one call down); a test-mode fault raises
        its ``B2Error`` at once, before any rule is taken."""
        mode_error = self._test_mode_error(call)
        if mode_error is not None:
            raise mode_error
        taken = self._take(call)
        delay = sum(rule.delay_seconds for rule in taken if rule.fault == LATENCY)
        action = next((rule for rule in taken if rule.fault != LATENCY), None)
        return FaultPlan(delay, action)

    def _take(self, call: Call) -> list[FaultRule]:
        with self._lock:
            taken = [armed for armed in self._armed if armed.rule.applies_to(call)]
            for armed in taken:
                armed.remaining -= 1
            self._armed = [armed for armed in self._armed if armed.remaining > 0]
            self.injected += len(taken)
        return [armed.rule for armed in taken]

    def _test_mode_error(self, call: Call) -> B2Error | None:
        mode = call.test_mode.strip()
        if mode == FORCE_CAP_EXCEEDED and call.endpoint in CAPPED_ENDPOINTS:
            return B2Error(403, p.STORAGE_CAP_EXCEEDED, f"{INJECTED}: storage cap exceeded")
        if mode == FAIL_SOME_UPLOADS and call.endpoint in UPLOAD_ENDPOINTS and self._one_in_period(mode):
            return B2Error(503, p.SERVICE_UNAVAILABLE, f"{INJECTED}: {FAIL_SOME_UPLOADS}")
        if (
            mode == EXPIRE_SOME_TOKENS
            and call.endpoint not in _NOT_ACCOUNT_TOKEN_ENDPOINTS
            and call.authorized
            and self._one_in_period(mode)
        ):
            return B2Error(401, p.EXPIRED_AUTH_TOKEN, f"{INJECTED}: authorization token expired")
        return None

    def _one_in_period(self, mode: str) -> bool:
        with self._lock:
            count = self._test_mode_calls.get(mode, 0)
            self._test_mode_calls[mode] = count + 1
            hit = count % TEST_MODE_PERIOD == 0
            self.injected += hit
        return hit


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


_FIELD_TYPES: Final[dict[str, Callable[[Any], bool]]] = {
    "endpoint": lambda v: isinstance(v, str),
    "fault": lambda v: isinstance(v, str),
    "code": lambda v: isinstance(v, str),
    "times": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "status": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "retry_after": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "after_bytes": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "delay_seconds": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}


def _type_ok(name: str, value: Any) -> bool:
    return _FIELD_TYPES[name](value)
