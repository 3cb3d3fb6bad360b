"""Synchronizer: walks both sides, plans per name, runs the actions on a bounded thread pool."""

from __future__ import annotations

import functools
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from b2kit.sync._actions import TRANSFER_ACTIONS, SyncAction
from b2kit.sync._b2_folder import B2Folder
from b2kit.sync._entries import SyncEntry
from b2kit.sync._errors import (
    EmptySourceError,
    MissingSourceError,
    SyncActionsFailed,
    SyncCancelled,
    UnsupportedFolderPair,
)
from b2kit.sync._execution import ActionRunner, SyncFolder
from b2kit.sync._filters import ScanPolicy
from b2kit.sync._local_folder import LocalFolder, WarningSink
from b2kit.sync._options import SyncOptions
from b2kit.sync._planning import Direction, merge_sorted, plan_file
from b2kit.sync._report import ReportBuilder, SyncListener, SyncReport

_QUEUE_PER_WORKER = 4

SMALL_FILE_BYTES = 256 * 1024
"""Files up to this size go in the small-file lane: their time is round trips, and each holds at most its own
size in memory while it moves."""
SMALL_FILE_WORKERS = 64
"""Small files moving at once when SyncOptions.max_workers is None."""
LARGE_FILE_WORKERS = 4
"""Larger files moving at once when SyncOptions.max_workers is None; each already runs parallel streams on
the B2Api's transfer threads."""


class _Lane:
    """A thread pool with a bounded queue in front of it: submitting blocks while the queue is full."""

    def __init__(self, workers: int, name: str) -> None:
        self.workers = workers
        self._slots = threading.BoundedSemaphore(workers * _QUEUE_PER_WORKER)
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix=name)

    def submit(self, task: Callable[[], None]) -> None:
        self._slots.acquire()
        future: Future[None] = self._pool.submit(task)
        future.add_done_callback(lambda _f: self._slots.release())

    def shutdown(self, cancel: bool) -> None:
        self._pool.shutdown(wait=True, cancel_futures=cancel)


def _plan_bytes(plan: list[SyncAction]) -> int:
    """Bytes the plan moves (its transfer's size; hides and deletes move none)."""
    return sum(action.size for action in plan if isinstance(action, TRANSFER_ACTIONS))


def direction_of(source: SyncFolder, dest: SyncFolder) -> Direction:
    """Local→B2 is UP, B2→local is DOWN, B2→B2 is COPY; local→local is refused."""
    if isinstance(source, LocalFolder) and isinstance(dest, B2Folder):
        return Direction.UP
    if isinstance(source, B2Folder) and isinstance(dest, LocalFolder):
        return Direction.DOWN
    if isinstance(source, B2Folder) and isinstance(dest, B2Folder):
        return Direction.COPY
    raise UnsupportedFolderPair("sync needs at least one b2:// side; use cp/rsync for local to local")


class Synchronizer:
    """Makes ``dest`` match ``source`` according to one SyncOptions.

    Each name's actions (transfer first, then hides/deletes) run in order as one task, so an old version
    is never deleted when its replacement failed. At most ``max_workers`` tasks run and a few more wait,
    so memory stays bounded however large the trees are. With ``max_workers`` None, files up to
    SMALL_FILE_BYTES run SMALL_FILE_WORKERS at a time and larger ones LARGE_FILE_WORKERS at a time.
    """

    def __init__(self, options: SyncOptions, listener: SyncListener | None = None) -> None:
        self.options = options
        self.listener = listener if listener is not None else SyncListener()
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """Stop a running sync from any thread: running transfers abort and leave no partial file."""
        self._cancelled.set()

    def sync_folders(self, source: SyncFolder, dest: SyncFolder, now_millis: int | None = None) -> SyncReport:
        """Run the sync and return its report.

        Raises MissingSourceError, EmptySourceError, DestinationNewerError (before or while transferring,
        depending on where the name sorts), SyncCancelled on cancel() or KeyboardInterrupt, and
        SyncActionsFailed (carrying the report) when any file action failed.
        """
        direction = direction_of(source, dest)
        if isinstance(source, LocalFolder) and not source.root.is_dir():
            raise MissingSourceError(str(source), is_file=source.root.is_file())
        now = now_millis if now_millis is not None else int(time.time() * 1000)
        started = time.monotonic()
        builder = ReportBuilder(self.options.dry_run)
        warn = self._warner(builder)
        policy = ScanPolicy.from_options(self.options)
        if self.listener.wants_totals:
            self._announce_totals(source, dest, direction, policy, now)
        source_entries = self._counted(self._non_empty(source, source.walk(policy, warn)), builder)
        plans = (
            plan_file(src, dst, direction, self.options, now)
            for src, dst in merge_sorted(source_entries, dest.walk(policy, warn))
        )
        self._cancelled.clear()
        runner = ActionRunner(source, dest, self.listener, self._cancelled)
        lanes = self._lanes()
        for folder in (source, dest):
            if isinstance(folder, B2Folder):
                api = folder.bucket.api
                api.reserve_connections(sum(lane.workers for lane in lanes) + api.max_upload_workers)
        self._run_all((plan for plan in plans if plan), runner, builder, lanes)
        report = builder.build(time.monotonic() - started)
        if self._cancelled.is_set():
            raise SyncCancelled("sync cancelled; no partial files were left")
        if report.failures:
            raise SyncActionsFailed(report)
        return report

    def _announce_totals(
        self, source: SyncFolder, dest: SyncFolder, direction: Direction, policy: ScanPolicy, now: int
    ) -> None:
        """Walk and plan once without acting, and tell the listener how many files and bytes will move."""
        files = byte_count = 0

        def quiet(_message: str) -> None:
            """Warnings are reported by the real pass."""

        for src, dst in merge_sorted(source.walk(policy, quiet), dest.walk(policy, quiet)):
            for action in plan_file(src, dst, direction, self.options, now):
                if isinstance(action, TRANSFER_ACTIONS):
                    files += 1
                    byte_count += action.size
        self.listener.planned(files, byte_count)

    def _warner(self, builder: ReportBuilder) -> WarningSink:
        def warn(message: str) -> None:
            builder.warn(message)
            self.listener.warning(message)

        return warn

    def _non_empty(self, source: SyncFolder, entries: Iterator[SyncEntry]) -> Iterator[SyncEntry]:
        """Refuse an empty source (no visible file) up front unless allowed."""
        if self.options.allow_empty_source:
            return entries
        skipped: list[SyncEntry] = []
        for entry in entries:
            skipped.append(entry)
            if entry.is_visible:
                return itertools.chain(skipped, entries)
        raise EmptySourceError(str(source))

    @staticmethod
    def _counted(entries: Iterator[SyncEntry], builder: ReportBuilder) -> Iterator[SyncEntry]:
        for entry in entries:
            if entry.is_visible:
                builder.source_files += 1
            yield entry

    def _lanes(self) -> tuple[_Lane, ...]:
        """One lane of ``max_workers``, or (small files, larger files) when it is None."""
        if self.options.max_workers is not None:
            return (_Lane(self.options.max_workers, "b2kit-sync"),)
        return (_Lane(SMALL_FILE_WORKERS, "b2kit-sync-small"), _Lane(LARGE_FILE_WORKERS, "b2kit-sync-large"))

    def _run_all(
        self,
        plans: Iterator[list[SyncAction]],
        runner: ActionRunner,
        builder: ReportBuilder,
        lanes: tuple[_Lane, ...],
    ) -> None:
        """Submit every plan to its lane (blocking while that lane is full) and wait for all of them."""
        try:
            for plan in plans:
                if runner.cancelled.is_set():
                    break
                lane = lanes[-1] if _plan_bytes(plan) > SMALL_FILE_BYTES else lanes[0]
                lane.submit(functools.partial(self._run_plan, plan, runner, builder))
            for lane in lanes:
                lane.shutdown(cancel=False)
        except KeyboardInterrupt:
            self._abort(lanes, runner)
            raise SyncCancelled("sync interrupted; no partial files were left") from None
        except BaseException:
            self._abort(lanes, runner)
            raise

    @staticmethod
    def _abort(lanes: tuple[_Lane, ...], runner: ActionRunner) -> None:
        """Stop queued tasks, make running transfers abort, and wait until every worker is done."""
        runner.cancelled.set()
        for lane in lanes:
            lane.shutdown(cancel=True)

    def _run_plan(self, plan: list[SyncAction], runner: ActionRunner, builder: ReportBuilder) -> None:
        """Run one name's actions in order; stop at the first failure (never delete after a failed copy)."""
        if runner.cancelled.is_set():
            return
        for action in plan:
            self.listener.action_started(action)
            if self.options.dry_run:
                builder.succeeded(action)
                self.listener.action_finished(action, None)
                continue
            try:
                runner.run(action)
            except SyncCancelled:
                builder.failed(action, "interrupted")
                self.listener.action_finished(action, "interrupted")
                return
            except Exception as exc:  # one file's failure must not stop the others
                message = str(exc) or type(exc).__name__
                builder.failed(action, message)
                self.listener.action_finished(action, message)
                return
            builder.succeeded(action)
            self.listener.action_finished(action, None)
