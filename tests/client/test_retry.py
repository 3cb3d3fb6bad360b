"""RetryPolicy: pure backoff arithmetic and the retry loop, with a fake clock (no sleeping)."""

import pytest

from b2kit._exceptions import (
    B2ConnectionError,
    B2RequestTimeout,
    BadRequest,
    MaxRetriesExceeded,
    RequestTimeout,
    ServiceError,
    TooManyRequests,
    Unauthorized,
)
from b2kit._transport._retry import RetryPolicy


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def failing(errors: list[Exception], result: str = "done"):
    calls = {"n": 0}

    def operation() -> str:
        calls["n"] += 1
        if errors:
            raise errors.pop(0)
        return result

    return operation, calls


def run(policy: RetryPolicy, operation, clock: FakeClock):
    return policy.run(operation, description="test", sleep=clock.sleep, clock=clock, rand=lambda: 0.5)


def test_delay_grows_exponentially_and_is_capped():
    policy = RetryPolicy(initial_delay=1.0, backoff_factor=2.0, max_delay=5.0, jitter=0.0)
    assert [policy.delay(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_jitter_spreads_delay_both_ways():
    policy = RetryPolicy(initial_delay=4.0, jitter=0.25)
    assert policy.delay(1, rand=0.0) == 3.0
    assert policy.delay(1, rand=0.5) == 4.0
    assert policy.delay(1, rand=0.999) == pytest.approx(5.0, abs=0.01)


def test_retry_after_is_honoured_for_429_and_503_only():
    policy = RetryPolicy(initial_delay=1.0, jitter=0.0)
    assert policy.delay(1, TooManyRequests(status=429, retry_after_seconds=7)) == 7.0
    assert policy.delay(1, ServiceError(status=503, retry_after_seconds=3)) == 3.0
    assert policy.delay(1, ServiceError(status=500, retry_after_seconds=3)) == 1.0


@pytest.mark.parametrize(
    "error",
    [
        ServiceError(status=500),
        ServiceError(status=503),
        RequestTimeout(status=408),
        TooManyRequests(status=429),
        B2ConnectionError(),
        B2RequestTimeout(),
    ],
)
def test_transient_errors_are_retried(error):
    clock = FakeClock()
    operation, calls = failing([error])
    assert run(RetryPolicy(jitter=0.0), operation, clock) == "done"
    assert calls["n"] == 2
    assert clock.sleeps == [1.0]


@pytest.mark.parametrize("error", [BadRequest(status=400), Unauthorized(status=401)])
def test_other_4xx_are_not_retried(error):
    clock = FakeClock()
    operation, calls = failing([error])
    with pytest.raises(type(error)):
        run(RetryPolicy(), operation, clock)
    assert calls["n"] == 1
    assert clock.sleeps == []


def test_gives_up_after_max_attempts_with_last_error():
    clock = FakeClock()
    errors = [ServiceError(f"boom {i}", status=500) for i in range(5)]
    operation, calls = failing(list(errors))
    with pytest.raises(ServiceError, match="boom 2"):
        run(RetryPolicy(max_attempts=3, jitter=0.0), operation, clock)
    assert calls["n"] == 3
    assert clock.sleeps == [1.0, 2.0]


def test_time_budget_stops_retries_before_overrunning():
    clock = FakeClock()
    operation, calls = failing([ServiceError(status=500) for _ in range(10)])
    policy = RetryPolicy(max_attempts=10, initial_delay=1.0, backoff_factor=2.0, time_budget=5.0, jitter=0.0)
    with pytest.raises(ServiceError):
        run(policy, operation, clock)
    # waits 1 and 2 (total 3); the next wait of 4 would end at 7 > 5.
    assert clock.sleeps == [1.0, 2.0]
    assert calls["n"] == 3


@pytest.mark.parametrize(
    "kwargs",
    [{"max_attempts": 0}, {"initial_delay": -1}, {"backoff_factor": 0.5}, {"jitter": 2}],
)
def test_invalid_policies_are_rejected(kwargs):
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)


def test_policy_is_immutable():
    policy = RetryPolicy()
    with pytest.raises(AttributeError):
        policy.max_attempts = 3  # type: ignore[misc]


def test_callers_choose_what_is_retried_and_what_giving_up_raises():
    clock = FakeClock()
    errors = [BadRequest("a", status=400), BadRequest("b", status=400), BadRequest("c", status=400)]
    operation, calls = failing(list(errors))

    def give_up(seen):
        return MaxRetriesExceeded(len(seen), seen)

    policy = RetryPolicy(max_attempts=2, jitter=0.0)
    with pytest.raises(MaxRetriesExceeded) as raised:
        policy.run(
            operation,
            description="test",
            retryable=lambda error: True,
            give_up=give_up,
            sleep=clock.sleep,
            clock=clock,
            rand=lambda: 0.5,
        )
    assert calls["n"] == 2
    assert [str(e) for e in raised.value.exceptions] == ["a (HTTP 400 None)", "b (HTTP 400 None)"]


def test_without_pauses_keeps_attempts_and_budget():
    policy = RetryPolicy(max_attempts=7, time_budget=9.0).without_pauses()
    assert (policy.max_attempts, policy.time_budget, policy.delay(3)) == (7, 9.0, 0.0)
