"""A large file written part by part as its bytes arrive (for writers that push, like ``B2File``).

The caller decides the part boundaries and sends each part when it has it; ``finish`` makes the file from
the parts sent, ``cancel`` discards them. Parts go up on the session's pooled part URLs (retried on new
URLs there); nothing here holds more than the part being sent.
"""

from __future__ import annotations

import hashlib

from b2kit._models import FileIdAndName, FileVersion
from b2kit._transfer._session_contract import TransferSession
from b2kit._wire import NewFileSettings, StartLargeFile, UploadPart


class LargeFilePartWriter:
    """One started large file: :meth:`send_part` in order, then :meth:`finish` or :meth:`cancel`."""

    def __init__(
        self, session: TransferSession, bucket_id: str, file_name: str, settings: NewFileSettings
    ) -> None:
        self._session = session
        self.file_id = session.call(StartLargeFile(bucket_id, file_name, settings)).file_id
        self._sha1s: list[str] = []

    def send_part(self, data: bytes) -> None:
        """Upload ``data`` as the next part."""
        sha1 = hashlib.sha1(data, usedforsecurity=False).hexdigest()
        self._session.send_part(self.file_id, UploadPart(len(self._sha1s) + 1, len(data), sha1), data)
        self._sha1s.append(sha1)

    def finish(self) -> FileVersion:
        """Make the file from the parts sent."""
        return self._session.finish_large_file(self.file_id, self._sha1s)

    def cancel(self) -> FileIdAndName:
        """Discard the parts sent; the file never appears."""
        return self._session.cancel_large_file(self.file_id)
