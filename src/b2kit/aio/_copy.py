"""Async server-side copies: :mod:`b2kit._transfer._copy_plan`'s plan (the sync client's) run on the loop."""

from __future__ import annotations

from typing import Any

from b2kit._models import FileVersion
from b2kit._transfer._copy_plan import CopyOptions, CopyPlan
from b2kit._transfer._part_planning import PartSizeLimits
from b2kit._transfer._progress import AbstractProgressListener
from b2kit.aio._session import AsyncB2Session
from b2kit.aio._steps import AsyncStepRunner


class AsyncCopyManager:
    """Copies file versions server-side; a large copy sends at most ``max_workers`` parts at a time."""

    def __init__(self, session: AsyncB2Session, max_workers: int) -> None:
        self._session = session
        self._runner = AsyncStepRunner(session)
        self._max_workers = max(1, max_workers)

    async def copy(
        self,
        source_file_id: str,
        new_file_name: str,
        options: CopyOptions | None = None,
        progress_listener: AbstractProgressListener | None = None,
        source_size: int | None = None,
    ) -> dict[str, Any]:
        """:meth:`copy_version`, returning the new file's JSON."""
        copied = await self.copy_version(
            source_file_id, new_file_name, options, progress_listener, source_size
        )
        return dict(copied.raw)

    async def copy_version(
        self,
        source_file_id: str,
        new_file_name: str,
        options: CopyOptions | None = None,
        progress_listener: AbstractProgressListener | None = None,
        source_size: int | None = None,
    ) -> FileVersion:
        """Copy ``source_file_id`` (or a range of it) to ``new_file_name``; returns the new version."""
        info = self._session.account_info
        limits = PartSizeLimits(info.get_absolute_minimum_part_size(), info.get_recommended_part_size())
        plan = CopyPlan(source_file_id, new_file_name, options or CopyOptions(), limits, self._max_workers)
        return await self._runner.run(plan.steps(source_size, progress_listener))
