"""Test helpers under ``/_b2kit/``: health (open), and, behind the master key (Basic auth), reset, state
dump, expire-tokens, lifecycle (run a pass, optionally at a simulated time) and faults (arm, list, clear)."""

from __future__ import annotations

from typing import Any

from b2kit.server._errors import bad_request
from b2kit.server._faults import FaultRule
from b2kit.server._handlers._auth import require_master
from b2kit.server._http._exchange import Request
from b2kit.server._lifecycle import run_pass
from b2kit.server._rules._file_lock import MAX_TIMESTAMP_MS


def health(request: Request) -> dict[str, Any]:
    return {"status": "ok", "accountId": request.app.account.account_id}


def reset(request: Request) -> dict[str, Any]:
    require_master(request)
    request.app.reset()
    return {"status": "reset"}


def expire_tokens(request: Request) -> dict[str, Any]:
    require_master(request)
    return {"expired": request.app.expire_account_tokens()}


def lifecycle(request: Request) -> dict[str, Any]:
    """Run one lifecycle pass now, or as of ``now`` (ms since the epoch) to simulate days passing."""
    require_master(request)
    asked = request.params.opt_int("now")
    now = request.app.now_ms() if asked is None else asked
    if not 0 <= now <= MAX_TIMESTAMP_MS:
        raise bad_request("now must be milliseconds since the epoch")
    return {"now": now, **run_pass(request.app, now).to_json()}


def faults(request: Request) -> dict[str, Any]:
    """``GET`` lists the armed rules, ``POST`` arms the rule in the JSON body, ``DELETE`` disarms all."""
    require_master(request)
    injector = request.app.faults
    if request.method == "DELETE":
        return {"cleared": injector.clear()}
    if request.method == "POST":
        params = request.params
        rule = FaultRule.from_json({name: params.raw(name) for name in params.names()})
        try:
            rule_id = injector.add(rule)
        except ValueError as exc:
            raise bad_request(str(exc)) from exc
        return {"ruleId": rule_id, **rule.to_json()}
    return {"rules": injector.rules(), "injected": injector.injected}
