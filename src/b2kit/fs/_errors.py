"""B2 errors as the Python exceptions fsspec users expect, with the B2 error chained as the cause.

``FileNotFoundError`` for a missing file or bucket, ``PermissionError`` for what the application key may
not do (a capability, a bucket or a name-prefix restriction), ``FileExistsError`` for a taken bucket name,
``OSError(ENOTEMPTY)`` for a bucket that still holds files, ``OSError(EINVAL)`` for a request B2
refused as bad (such as an invalid bucket name); anything else is an ``OSError(EIO)`` whose
``__cause__`` is the typed B2 error.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

from b2kit import (
    AccessDenied,
    B2Error,
    BadRequest,
    BucketNotEmpty,
    CapExceeded,
    DuplicateBucketName,
    ResourceNotFound,
    RestrictedBucket,
    Unauthorized,
)

_MAPPING: tuple[tuple[type[B2Error], type[OSError], int], ...] = (
    (ResourceNotFound, FileNotFoundError, errno.ENOENT),
    (RestrictedBucket, PermissionError, errno.EACCES),
    (AccessDenied, PermissionError, errno.EACCES),
    (Unauthorized, PermissionError, errno.EACCES),
    (DuplicateBucketName, FileExistsError, errno.EEXIST),
    (BucketNotEmpty, OSError, errno.ENOTEMPTY),
    (CapExceeded, OSError, errno.EDQUOT),
    (BadRequest, OSError, errno.EINVAL),
)


def to_os_error(exc: B2Error, path: str) -> OSError:
    """The OSError that stands for ``exc`` raised while working on ``path``."""
    for b2_type, os_type, code in _MAPPING:
        if isinstance(exc, b2_type):
            return os_type(code, str(exc), path)
    return OSError(errno.EIO, str(exc), path)


@contextmanager
def translated(path: str) -> Iterator[None]:
    """Raise B2 errors of the block as OSErrors about ``path`` (``raise ... from`` the B2 error)."""
    try:
        yield
    except B2Error as exc:
        raise to_os_error(exc, path) from exc
