"""Byte ranges of ``cat_file``: fsspec's ``[start, end)`` (negative values count from the end) as B2 reads.

:func:`resolve_range` turns fsspec's bounds into absolute ones, asking for the file's size only when a bound
needs it; :func:`read_range` reads them with ranged downloads, cutting a range that runs past the end of the
file to the file (as local files and s3fs do) instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable

from b2kit import DownloadedFile, InvalidRange, UnsatisfiableRange

Download = Callable[[tuple[int, int] | None], DownloadedFile]
"""Opens a download of the file: all of it (None) or the inclusive byte range given."""


def resolve_range(start: int | None, end: int | None, size_of: Callable[[], int]) -> tuple[int, int | None]:
    """Absolute ``(first, end)`` for fsspec's ``start``/``end``; ``end`` None means to the end of the file."""
    if (start is not None and start < 0) or (end is not None and end < 0) or (start and end is None):
        size = size_of()
        start = max(0, size + start) if start is not None and start < 0 else start
        end = size if end is None else (max(0, size + end) if end < 0 else end)
    return start or 0, end


def read_range(download: Download, first: int, end: int | None) -> bytes:
    """Bytes ``[first, end)`` (``end`` None: to the end); a range past the end is cut to the file."""
    if end is not None and end <= first:
        return b""
    try:
        with download(None if end is None else (first, end - 1)) as downloaded:
            data: bytes = downloaded.read()
            return data
    except InvalidRange as exc:
        size = exc.content_length
    except UnsatisfiableRange:
        return b""
    if first >= size:
        return b""
    with download((first, min(size, end or size) - 1)) as downloaded:
        rest: bytes = downloaded.read()
        return rest
