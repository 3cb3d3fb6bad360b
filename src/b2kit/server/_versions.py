"""New file versions and parts: received bytes committed under a new version or part, unfinished large
files looked up, hide markers made.

Uploads, large files, copies, hides and lifecycle passes all create versions through here, so a version is
committed one way: the blob is moved into place first, then one transaction names it (a crash in between
leaves an orphan blob, removed at the next start, never a row naming missing bytes).
"""

from __future__ import annotations

import dataclasses

from b2kit import _protocol as p
from b2kit.server._app import App
from b2kit.server._blobs import ReceivedBlob
from b2kit.server._errors import bad_bucket_id, bad_request
from b2kit.server._state import HIDE, START, FileVersion, NewVersion, Part, Tx

EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"
LARGE_FILE_SHA1 = "none"
"""The ``contentSha1`` of a large file (its parts carry the real ones)."""


def unfinished(tx: Tx, file_id: str) -> FileVersion:
    """The unfinished large file ``file_id``, or 400."""
    version = tx.files.get(file_id)
    if version is None or version.action != START:
        raise bad_request(f"No active upload for: {file_id}")
    return version


def commit_version(app: App, new: NewVersion, received: ReceivedBlob) -> FileVersion:
    """Keep ``received`` as the bytes of ``new`` (its bucket must still exist) and return the version."""
    blob = app.blobs.keep(received)
    try:
        with app.state.write() as tx:
            if tx.buckets.get(new.bucket_id) is None:
                raise bad_bucket_id(new.bucket_id)
            return tx.files.insert(dataclasses.replace(new, blob=blob))
    except BaseException:
        app.blobs.delete([blob])
        raise


def commit_part(app: App, file_id: str, number: int, received: ReceivedBlob, sha1: str) -> Part:
    """Keep ``received`` as part ``number`` of an unfinished large file, replacing an earlier upload of it."""
    blob = app.blobs.keep(received)
    try:
        with app.state.write() as tx:
            large = unfinished(tx, file_id)
            part = Part(
                file_id, number, received.size, sha1, received.md5, app.now_ms(), blob, large.encryption
            )
            replaced = tx.parts.put(part)
    except BaseException:
        app.blobs.delete([blob])
        raise
    if replaced is not None:
        app.blobs.delete([replaced])
    return part


def hide_marker(current: FileVersion, now_ms: int) -> NewVersion:
    """A hide marker for ``current``'s name, newer than ``current`` even when the clock says otherwise."""
    return NewVersion(
        bucket_id=current.bucket_id,
        file_name=current.file_name,
        action=HIDE,
        upload_ms=max(now_ms, current.upload_ms + 1),
        content_type=p.HIDE_MARKER_CONTENT_TYPE,
        content_sha1=EMPTY_SHA1,
        content_md5=EMPTY_MD5,
    )
