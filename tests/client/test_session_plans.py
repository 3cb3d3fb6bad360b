"""The session's plans (pure, shared by the sync and async sessions) driven with hand-made effects."""

from __future__ import annotations

from typing import Any

import pytest

from b2kit._account_info import InMemoryAccountInfo
from b2kit._exceptions import (
    B2Error,
    ExpiredAuthToken,
    MaxRetriesExceeded,
    ServiceError,
    Unauthorized,
)
from b2kit._session._plans import (
    Attempt,
    Call,
    Renew,
    SendTo,
    UploadTarget,
    drive,
    renewing_steps,
    upload_steps,
)
from b2kit._transport._retry import RetryPolicy
from b2kit._wire import GetUploadPartUrl, UploadUrl

NO_PAUSE = RetryPolicy(max_attempts=3, initial_delay=0.0, max_delay=0.0)


def explain(error: Unauthorized) -> Unauthorized:
    return Unauthorized(f"{error.message} (explained)", status=error.status, code=error.code)


class Effects:
    """Answers effects from scripted outcomes and records what was asked."""

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes)
        self.seen: list[Any] = []

    def __call__(self, effect: Any) -> Any:
        self.seen.append(effect)
        if isinstance(effect, Renew):
            return True
        if isinstance(effect, Call):
            return UploadUrl("http://up/1", "t1")
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def test_an_expired_token_is_renewed_once_and_the_call_sent_again() -> None:
    effects = Effects(ExpiredAuthToken("expired"), "answer")
    assert drive(renewing_steps("old", explain), effects) == "answer"
    assert [type(e) for e in effects.seen] == [Attempt, Renew, Attempt]


def test_other_refusals_are_explained_and_not_retried() -> None:
    effects = Effects(Unauthorized("no", status=401, code="unauthorized"))
    with pytest.raises(Unauthorized, match="explained"):
        drive(renewing_steps("old", explain), effects)
    assert [type(e) for e in effects.seen] == [Attempt]


def test_an_upload_fetches_a_url_retries_on_a_new_one_and_pools_the_one_that_worked() -> None:
    info = InMemoryAccountInfo()
    effects = Effects(ServiceError("busy", status=503), "stored")
    target = UploadTarget(large_file_id="f1")
    plan = upload_steps(target, info, NO_PAUSE, "upload of part 1", True, explain)
    assert drive(plan, effects) == "stored"
    assert [type(e) for e in effects.seen] == [Call, SendTo, Call, SendTo]
    assert effects.seen[0] == Call(GetUploadPartUrl("f1"))
    assert info.take_large_file_upload_url("f1") == ("http://up/1", "t1")


def test_an_upload_whose_body_cannot_be_sent_again_gets_one_attempt() -> None:
    effects = Effects(ServiceError("busy", status=503))
    plan = upload_steps(
        UploadTarget(bucket_id="b1"), InMemoryAccountInfo(), NO_PAUSE, "upload", False, explain
    )
    with pytest.raises(B2Error):
        drive(plan, effects)
    assert len(effects.seen) == 2


def test_an_upload_gives_up_after_the_policy_s_attempts() -> None:
    effects = Effects(*[ServiceError("busy", status=503)] * 3)
    plan = upload_steps(
        UploadTarget(bucket_id="b1"), InMemoryAccountInfo(), NO_PAUSE, "upload", True, explain
    )
    with pytest.raises(MaxRetriesExceeded):
        drive(plan, effects)
