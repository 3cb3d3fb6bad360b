"""Making a new file from write intents on the event loop: the sync client's plan, run by AsyncStepRunner.

:class:`~b2kit._transfer._emerge.EmergePlan` decides and sequences everything; only the runner differs.
"""

from __future__ import annotations

from concurrent.futures import Executor

from b2kit._models import FileVersion
from b2kit._transfer._emerge import EmergePlan
from b2kit._transfer._emerge_request import EmergeRequest
from b2kit._transfer._part_planning import PartSizeLimits
from b2kit._transfer._progress import AbstractProgressListener
from b2kit.aio._session import AsyncB2Session
from b2kit.aio._steps import AsyncStepRunner


async def create_file(
    session: AsyncB2Session,
    executor: Executor,
    workers: int,
    where: tuple[str, str],
    request: EmergeRequest,
    listener: AbstractProgressListener | None,
) -> FileVersion:
    """Run the plan of a new file (``where`` is bucket id and file name) on the event loop."""
    info = session.account_info
    limits = PartSizeLimits(info.get_absolute_minimum_part_size(), info.get_recommended_part_size())
    plan = EmergePlan(*where, request, limits, max(1, workers), session.get_download_url_by_id)
    return await AsyncStepRunner(session, executor).run(plan.steps(listener))
