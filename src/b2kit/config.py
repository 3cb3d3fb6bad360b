"""One configuration object for the whole client: ``B2Api(config=ClientConfig(...))``.

B2Api hands each layer its part: the transport its :class:`HttpSettings` (retry policy, timeouts, user
agent, clock check), the session the upload retry policy, the transfer managers the workers, the download
tuning and the retry policy for resuming broken downloads. Every retry of the client runs through
:meth:`RetryPolicy.run` with one of the two policies here; no setting is accepted and then ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from b2kit._transfer._download import DownloadTuning
from b2kit._transport._http import HttpSettings, Timeouts
from b2kit._transport._retry import DEFAULT_RETRY_POLICY, UPLOAD_RETRY_POLICY, RetryPolicy

__all__ = ["ClientConfig", "DownloadTuning", "HttpSettings", "RetryPolicy", "Timeouts"]


@dataclass(frozen=True)
class ClientConfig:
    """Every setting of the client.

    ``workers``: transfer threads and pooled connections per host. ``retry_policy``: requests sent again as
    they are (JSON calls, download GETs and HEADs) and, without pauses, resumes of a broken download body.
    ``upload_retry_policy``: uploads, each attempt on a new upload URL (its ``max_attempts`` and
    ``time_budget`` bound them). ``timeouts``, ``user_agent_append``, ``check_clock_skew``: the transport's.
    ``download_tuning``: parallel saves.
    """

    workers: int = 10
    retry_policy: RetryPolicy = DEFAULT_RETRY_POLICY
    upload_retry_policy: RetryPolicy = UPLOAD_RETRY_POLICY
    timeouts: Timeouts = field(default_factory=Timeouts)
    download_tuning: DownloadTuning = field(default_factory=DownloadTuning)
    user_agent_append: str | None = None
    check_clock_skew: bool = True

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")

    def http_settings(self) -> HttpSettings:
        """The part of this configuration the transport takes."""
        return HttpSettings(self.retry_policy, self.timeouts, self.user_agent_append, self.check_clock_skew)
