"""Server-side copies from threads: :mod:`._copy_plan`'s plan run with the sync session and thread pool."""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Any

from b2kit._models import FileVersion
from b2kit._transfer._copy_plan import CopyOptions, CopyPlan
from b2kit._transfer._part_planning import PartSizeLimits
from b2kit._transfer._progress import AbstractProgressListener
from b2kit._transfer._session_contract import TransferSession
from b2kit._transfer._steps import StepRunner

__all__ = ["CopyManager", "CopyOptions"]


class CopyManager:
    """Copies file versions server-side; large copies send their parts on ``executor``."""

    def __init__(self, session: TransferSession, executor: Executor, max_workers: int) -> None:
        self._session = session
        self._executor = executor
        self._max_workers = max(1, max_workers)

    def copy(
        self,
        source_file_id: str,
        new_file_name: str,
        options: CopyOptions | None = None,
        progress_listener: AbstractProgressListener | None = None,
        source_size: int | None = None,
    ) -> dict[str, Any]:
        """:meth:`copy_version`, returning the new file's JSON."""
        version = self.copy_version(source_file_id, new_file_name, options, progress_listener, source_size)
        return dict(version.raw)

    def copy_version(
        self,
        source_file_id: str,
        new_file_name: str,
        options: CopyOptions | None = None,
        progress_listener: AbstractProgressListener | None = None,
        source_size: int | None = None,
    ) -> FileVersion:
        """Copy ``source_file_id`` (or a range of it) to ``new_file_name``; returns the new version.

        ``source_size`` saves a ``b2_get_file_info`` call when the caller knows it; large copies that keep the
        source's metadata fetch it anyway, unless the options tell it (``source_content_type`` and
        ``source_file_info``).
        """
        plan = CopyPlan(
            source_file_id, new_file_name, options or CopyOptions(), self._limits(), self._max_workers
        )
        return StepRunner(self._session, self._executor).run(plan.steps(source_size, progress_listener))

    def _limits(self) -> PartSizeLimits:
        info = self._session.account_info
        return PartSizeLimits(info.get_absolute_minimum_part_size(), info.get_recommended_part_size())
