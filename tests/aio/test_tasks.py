"""Task groups of the async transfer managers: the first real error is raised, the other tasks cancelled."""

from __future__ import annotations

import asyncio

import pytest

from b2kit.aio._tasks import run_all, task_group


def test_task_groups_raise_the_first_real_error_and_cancel_the_rest():
    cancelled = []

    async def fail() -> int:
        raise OSError("disk")

    async def wait() -> int:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return 1

    async def main() -> None:
        with pytest.raises(OSError, match="disk"):
            await run_all([wait(), fail()])
        assert await run_all(asyncio.sleep(0, result=n) for n in range(3)) == [0, 1, 2]
        with pytest.raises(KeyError):
            async with task_group() as group:
                group.create_task(wait())
                await asyncio.sleep(0)  # the task starts waiting
                raise KeyError("body")

    asyncio.run(main())
    assert cancelled == [True, True]
