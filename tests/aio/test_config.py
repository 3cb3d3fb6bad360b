"""One ClientConfig reaches every layer of AsyncB2Api too (mirrors tests/client/test_config.py)."""

from __future__ import annotations

from b2kit import DownloadTuning, InMemoryAccountInfo, RetryPolicy
from b2kit.aio import AsyncB2Api
from b2kit.config import ClientConfig, Timeouts

QUICK = RetryPolicy(max_attempts=2, initial_delay=0.0, time_budget=5.0)
UPLOADS = RetryPolicy(max_attempts=3, initial_delay=0.0, time_budget=5.0)


async def test_config_reaches_transport_session_and_transfer_managers():
    tuning = DownloadTuning(stripe_size=123_456)
    config = ClientConfig(
        workers=3,
        retry_policy=QUICK,
        upload_retry_policy=UPLOADS,
        timeouts=Timeouts(connect=5.0, json_read=6.0, transfer_read=7.0),
        download_tuning=tuning,
        user_agent_append="tests",
    )
    async with AsyncB2Api(InMemoryAccountInfo(), config=config) as api:
        assert api.http.retry_policy is QUICK
        assert api.http.user_agent.endswith(" tests")
        assert api.http.max_connections == 3
        assert api.http._client().connector.limit == 3
        assert api.http._json_timeout.sock_read == 6.0 and api.http._transfer_timeout.sock_read == 7.0
        assert api.session.upload_retry_policy is UPLOADS
        assert api.max_upload_workers == 3
        planner = api.download_manager._planner
        assert planner.tuning is tuning
        assert (planner.resume_policy.max_attempts, planner.resume_policy.initial_delay) == (2, 0.0)


async def test_arguments_override_the_config():
    config = ClientConfig(workers=2)
    async with AsyncB2Api(
        InMemoryAccountInfo(), max_upload_workers=4, retry_policy=QUICK, config=config
    ) as api:
        assert (api.config.workers, api.config.retry_policy) == (4, QUICK)
    async with AsyncB2Api(InMemoryAccountInfo(), config=config) as api:
        assert api.max_upload_workers == 2
