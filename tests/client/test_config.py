"""One ClientConfig reaches every layer, and no setting given to B2Api is dropped."""

from __future__ import annotations

import pytest

from b2kit import B2Api, B2Http, B2RawApi, DownloadTuning, InMemoryAccountInfo, RetryPolicy
from b2kit.config import ClientConfig, Timeouts

QUICK = RetryPolicy(max_attempts=2, initial_delay=0.0, time_budget=5.0)
UPLOADS = RetryPolicy(max_attempts=3, initial_delay=0.0, time_budget=5.0)


def test_config_reaches_transport_session_and_transfer_managers():
    tuning = DownloadTuning(stripe_size=123_456)
    config = ClientConfig(
        workers=3,
        retry_policy=QUICK,
        upload_retry_policy=UPLOADS,
        timeouts=Timeouts(connect=5.0, json_read=6.0, transfer_read=7.0),
        download_tuning=tuning,
        user_agent_append="tests",
    )
    with B2Api(InMemoryAccountInfo(), config=config) as api:
        http = api.raw_api.b2_http
        assert http.retry_policy is QUICK
        assert http.user_agent.endswith(" tests")
        assert http.max_connections == 3
        assert api.session.upload_retry_policy is UPLOADS
        assert api.max_upload_workers == 3
        assert api.download_manager.tuning is tuning
        assert api.download_manager.resume_policy.max_attempts == QUICK.max_attempts
        assert api.download_manager.resume_policy.initial_delay == 0.0


def test_a_retry_policy_given_with_a_raw_api_reaches_its_transport():
    raw = B2RawApi(B2Http(max_connections=2))
    with B2Api(InMemoryAccountInfo(), raw_api=raw, retry_policy=QUICK) as api:
        assert api.raw_api.b2_http.retry_policy is QUICK


def test_a_raw_api_without_explicit_settings_keeps_its_own():
    raw = B2RawApi(B2Http(retry_policy=QUICK))
    with B2Api(InMemoryAccountInfo(), raw_api=raw):
        assert raw.b2_http.retry_policy is QUICK


def test_arguments_override_the_config():
    with B2Api(
        InMemoryAccountInfo(), max_upload_workers=4, retry_policy=QUICK, config=ClientConfig(workers=2)
    ) as api:
        assert (api.config.workers, api.config.retry_policy) == (4, QUICK)
    with B2Api(InMemoryAccountInfo(), config=ClientConfig(workers=2)) as api:
        assert api.max_upload_workers == 2


def test_workers_must_be_positive():
    with pytest.raises(ValueError, match="workers"):
        ClientConfig(workers=0)
