"""Lifecycle rules applied to the stored files: hide after N days, delete N days after hiding, cancel
unfinished large files N days after they started (protocol §10.1).

``run_pass(app, now_ms)`` applies every bucket's rules as of ``now_ms``; the server runs a pass when it
starts and then every ``PASS_INTERVAL_SECONDS`` (``Scheduler``), and ``POST /_b2kit/lifecycle`` (master key,
optional ``{"now": <ms>}``) runs one on demand so tests can move time forward instead of waiting days.

Semantics: a version is hidden from the moment a newer version (upload or hide marker) of its name exists;
"days from hiding" count from that newer version's upload time. A hide marker with nothing left behind it
goes once its own age passes the same limit. Versions under legal hold or unexpired retention are kept.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from b2kit.server import _versions
from b2kit.server._app import App
from b2kit.server._state import HIDE, UPLOAD, FileVersion

log = logging.getLogger("b2kit.server.lifecycle")

DAY_MS = 86_400_000
PASS_INTERVAL_SECONDS = 3600.0


@dataclass(frozen=True)
class Rule:
    """One lifecycle rule with its day counts converted to milliseconds (None = not set)."""

    prefix: str
    hide_after_ms: int | None
    delete_after_ms: int | None
    cancel_after_ms: int | None

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Rule:
        def days(field: str) -> int | None:
            value = raw.get(field)
            return None if value is None else int(value) * DAY_MS

        return cls(
            str(raw.get("fileNamePrefix", "")),
            days("daysFromUploadingToHiding"),
            days("daysFromHidingToDeleting"),
            days("daysFromStartingToCancelingUnfinishedLargeFiles"),
        )


@dataclass(frozen=True)
class LifecycleReport:
    """What one pass did."""

    hidden: int = 0
    deleted: int = 0
    cancelled: int = 0

    def __add__(self, other: LifecycleReport) -> LifecycleReport:
        return LifecycleReport(
            self.hidden + other.hidden, self.deleted + other.deleted, self.cancelled + other.cancelled
        )

    def to_json(self) -> dict[str, int]:
        return {"hidden": self.hidden, "deleted": self.deleted, "cancelled": self.cancelled}


@dataclass(frozen=True)
class Plan:
    """Decisions for one name's versions (newest first): hide the name and/or delete these versions."""

    hide: bool
    delete: tuple[FileVersion, ...]


def plan_name(versions: list[FileVersion], rule: Rule, now_ms: int) -> Plan:
    """What ``rule`` does to one name's finished versions (uploads and hide markers, newest first)."""
    newest = versions[0]
    hide = (
        rule.hide_after_ms is not None
        and newest.action == UPLOAD
        and newest.upload_ms + rule.hide_after_ms <= now_ms
    )
    if rule.delete_after_ms is None:
        return Plan(hide, ())
    delete = [
        older
        for newer, older in pairwise(versions)
        if newer.upload_ms + rule.delete_after_ms <= now_ms and not older.lock.protects(now_ms)
    ]
    nothing_behind = len(delete) == len(versions) - 1
    if newest.action == HIDE and nothing_behind and newest.upload_ms + rule.delete_after_ms <= now_ms:
        delete.append(newest)
    return Plan(hide, tuple(delete))


def run_pass(app: App, now_ms: int) -> LifecycleReport:
    """Apply every bucket's lifecycle rules as of ``now_ms``; one short transaction per rule."""
    with app.state.read() as tx:
        buckets = tx.buckets.all()
    report = LifecycleReport()
    for bucket in buckets:
        for raw in bucket.lifecycle_rules:
            report += _apply(app, bucket.bucket_id, Rule.from_json(raw), now_ms)
    return report


def _apply(app: App, bucket_id: str, rule: Rule, now_ms: int) -> LifecycleReport:
    blobs: list[str] = []
    hidden = deleted = cancelled = 0
    with app.state.write() as tx:
        for versions in tx.files.names_under(bucket_id, rule.prefix):
            plan = plan_name(versions, rule, now_ms)
            for version in plan.delete:
                blobs += tx.files.delete(version)
                deleted += 1
            if plan.hide:
                tx.files.insert(_versions.hide_marker(versions[0], app.now_ms()))
                hidden += 1
        if rule.cancel_after_ms is not None:
            for version in tx.files.unfinished_started_before(
                bucket_id, rule.prefix, now_ms - rule.cancel_after_ms
            ):
                blobs += tx.files.delete(version)
                cancelled += 1
    app.blobs.delete(blobs)
    return LifecycleReport(hidden, deleted, cancelled)


class Scheduler:
    """Runs a pass now and then every ``interval`` seconds on a daemon thread until ``stop()``."""

    def __init__(self, app: App, interval: float = PASS_INTERVAL_SECONDS) -> None:
        self._app = app
        self._interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="b2kit-lifecycle", daemon=True)

    def start(self) -> Scheduler:
        self._run_once()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stopped.wait(self._interval):
            self._run_once()

    def _run_once(self) -> None:
        try:
            report = run_pass(self._app, self._app.now_ms())
        except (sqlite3.Error, OSError):
            log.exception("lifecycle pass failed; it runs again at the next interval")
            return
        if report != LifecycleReport():
            log.info("lifecycle pass: %s", report.to_json())
