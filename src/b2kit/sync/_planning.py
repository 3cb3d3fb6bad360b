"""Pure sync planning: merge two sorted entry streams and decide the actions for each name.

Nothing here touches the disk or the network, so every rule is unit-testable.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator

from b2kit.sync._actions import (
    CopyAction,
    DeleteLocalAction,
    DeleteVersionAction,
    DownloadAction,
    HideAction,
    SyncAction,
    UploadAction,
)
from b2kit.sync._entries import HIDE, UPLOAD, SyncEntry
from b2kit.sync._errors import DestinationNewerError
from b2kit.sync._options import CompareMode, NewerMode, SyncOptions

ONE_DAY_MILLIS = 24 * 3600 * 1000

EntryPair = tuple[SyncEntry | None, SyncEntry | None]


class Direction(enum.Enum):
    """Which way a sync goes, which decides the transfer action and what "delete" means."""

    UP = "local→b2"
    DOWN = "b2→local"
    COPY = "b2→b2"


def merge_sorted(source: Iterable[SyncEntry], dest: Iterable[SyncEntry]) -> Iterator[EntryPair]:
    """Pair up entries of two name-sorted streams; a name present on one side only pairs with None."""
    source_iter, dest_iter = iter(source), iter(dest)
    src, dst = next(source_iter, None), next(dest_iter, None)
    while src is not None or dst is not None:
        if dst is None or (src is not None and src.name < dst.name):
            yield src, None
            src = next(source_iter, None)
        elif src is None or dst.name < src.name:
            yield None, dst
            dst = next(dest_iter, None)
        else:
            yield src, dst
            src, dst = next(source_iter, None), next(dest_iter, None)


def needs_transfer(source: SyncEntry, dest: SyncEntry, options: SyncOptions) -> bool:
    """Decide whether ``source`` should replace the existing ``dest``.

    Raises DestinationNewerError when comparing by time, the destination is newer beyond the threshold
    and the options say neither skip nor replace.
    """
    if not dest.is_visible:
        return True
    if options.compare is CompareMode.NONE:
        return False
    if options.compare is CompareMode.SIZE:
        return abs(source.size - dest.size) > options.compare_threshold
    if abs(source.mod_time_millis - dest.mod_time_millis) <= options.compare_threshold:
        return False
    if source.mod_time_millis > dest.mod_time_millis:
        return True
    if options.newer is NewerMode.REPLACE:
        return True
    if options.newer is NewerMode.SKIP:
        return False
    raise DestinationNewerError(source.name, source.mod_time_millis, dest.mod_time_millis)


def plan_file(
    source: SyncEntry | None,
    dest: SyncEntry | None,
    direction: Direction,
    options: SyncOptions,
    now_millis: int,
) -> list[SyncAction]:
    """The actions for one name: maybe a transfer, then hides/deletes of the destination."""
    live_source = source if source is not None and source.is_visible else None
    transfer = live_source is not None and (dest is None or needs_transfer(live_source, dest, options))
    actions: list[SyncAction] = []
    if transfer and live_source is not None:
        actions.append(_transfer_action(live_source, direction))
    if dest is None:
        return actions
    if direction is Direction.DOWN:
        if options.delete and live_source is None:
            actions.append(DeleteLocalAction(dest.name))
        return actions
    if options.delete:
        actions.extend(_b2_delete_actions(dest, live_source is not None, transfer))
    elif options.keep_days is not None:
        actions.extend(_b2_keep_days_actions(dest, live_source is None, options.keep_days, now_millis))
    return actions


def _transfer_action(source: SyncEntry, direction: Direction) -> SyncAction:
    if direction is Direction.UP:
        return UploadAction(source.name, source.size, source.mod_time_millis)
    if direction is Direction.DOWN:
        return DownloadAction(source.name, source.size, source.mod_time_millis, source.latest_file_id)
    return CopyAction(source.name, source.size, source.mod_time_millis, source.latest_file_id)


def _version_note(action: str, superseded: bool) -> str:
    if action == HIDE:
        return "(hide marker)"
    return "(old version)" if superseded else ""


def _b2_delete_actions(dest: SyncEntry, source_present: bool, transferred: bool) -> Iterator[SyncAction]:
    """With ``delete``: every destination version goes, except the newest when it stays current."""
    for index, version in enumerate(dest.versions):
        if index == 0 and source_present and not transferred:
            continue
        note = _version_note(version.action, superseded=transferred or index > 0)
        yield DeleteVersionAction(dest.name, version.file_id, note)


def _b2_keep_days_actions(
    dest: SyncEntry, source_missing: bool, keep_days: float, now_millis: int
) -> Iterator[SyncAction]:
    """With ``keep_days``: hide files gone from the source; delete versions not visible for that long.

    Everything visible at any moment of the last ``keep_days`` stays: the newest version older than that
    is kept (it was current back then) unless it is a hide marker; all versions before it go.
    """
    if source_missing and dest.versions and dest.versions[0].action == UPLOAD:
        yield HideAction(dest.name)
    deleting = False
    for index, version in enumerate(dest.versions):
        old = (now_millis - version.upload_timestamp) / ONE_DAY_MILLIS > keep_days
        if deleting or (old and version.action == HIDE):
            deleting = True
            yield DeleteVersionAction(dest.name, version.file_id, _version_note(version.action, index > 0))
        deleting = deleting or old
