"""Typed exceptions for every B2 error code and every client-side failure, and the mapping between them.

Every exception derives from :class:`B2Error`, which carries ``status`` and ``code`` when the error came
from the server (both ``None`` for client-side failures) and a ``message`` that says what went wrong. Two
predicates tell the retry layers what to do: :meth:`B2Error.should_retry_http` (same request again after a
pause) and :meth:`B2Error.should_retry_upload` (new upload URL, then upload again, protocol §12.3).
:func:`interpret_b2_error` turns a server answer ``(status, code, message)`` into the right exception.

Messages never contain tokens or keys.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from b2kit import _protocol as p

_COPY_SOURCE_TOO_BIG_RE = re.compile(r"^Copy source too big: (?P<size>\d+)$")


class B2Error(Exception):
    """Base of every b2kit error; ``status``/``code`` are the server's, ``None`` for client-side failures."""

    default_message = "B2 request failed"

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        retry_after_seconds: float | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.status = status
        self.code = code
        self.retry_after_seconds = retry_after_seconds
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.status is None:
            return self.message
        return f"{self.message} (HTTP {self.status} {self.code})"

    def should_retry_http(self) -> bool:
        """True when the same request may simply be sent again after a pause."""
        return False

    def should_retry_upload(self) -> bool:
        """True when an upload should be tried again with a new upload URL and token."""
        return self.should_retry_http()


class _Transient(B2Error):
    """A failure that usually goes away: retried by the HTTP layer."""

    def should_retry_http(self) -> bool:
        return True


# --- 400 ---------------------------------------------------------------------------------------------------


class BadRequest(B2Error):
    default_message = "B2 rejected the request as invalid"


class BadJson(BadRequest):
    default_message = "B2 could not parse the JSON request body"


class DuplicateBucketName(BadRequest):
    default_message = "Bucket name is already in use"


class TooManyBuckets(BadRequest):
    default_message = "The account already has the maximum number of buckets"


class BucketNotEmpty(BadRequest):
    default_message = "Bucket is not empty"


class MissingPart(BadRequest):
    default_message = "A part of the large file is missing"


class PartSha1Mismatch(BadRequest):
    default_message = "The part SHA-1 checksums do not match the uploaded parts"


class UploadTokenUsedConcurrently(BadRequest):
    """Only one upload at a time may use an upload token (400 ``auth_token_limit``)."""

    default_message = "The upload token is already being used by another upload"

    def should_retry_upload(self) -> bool:
        return True


class CopySourceTooBig(BadRequest):
    """``b2_copy_file`` source is larger than a small file may be; ``size`` is the source size in bytes."""

    default_message = "Copy source too big"

    def __init__(
        self,
        message: str | None = None,
        *,
        size: int | None = None,
        status: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, status=status, code=code)
        self.size = size


class BucketMissingFileLock(BadRequest):
    default_message = "The bucket is not file-lock (Object Lock) enabled"


class DisablingFileLockNotSupported(BadRequest):
    default_message = "Object Lock cannot be disabled on a bucket once enabled"


class SourceReplicationConflict(BadRequest):
    default_message = "Object Lock cannot be enabled on a bucket that is a replication source"


class EnablingFileLockOnRestrictedBucket(BadRequest):
    default_message = "Object Lock cannot be enabled on a restricted bucket"


class EventTypeError(BadRequest):
    default_message = "Invalid event types in notification rules"


class EventTypeCategoriesError(EventTypeError):
    pass


class EventTypeOverlapError(EventTypeError):
    pass


class EventTypesEmptyError(EventTypeError):
    pass


class EventTypeInvalidError(EventTypeError):
    pass


# --- 404 and "not there" -----------------------------------------------------------------------------------


class ResourceNotFound(B2Error):
    default_message = "The requested resource was not found"


class FileOrBucketNotFound(ResourceNotFound):
    default_message = "File or bucket not found"


class FileNotPresent(FileOrBucketNotFound):
    default_message = "File not present"

    @classmethod
    def by_name(cls, bucket_name: str, file_name: str) -> FileNotPresent:
        """The one message for a missing ``bucket/name``, whether a HEAD or a download found it missing."""
        return cls(f"File not present: {bucket_name}/{file_name}", status=404, code=p.NOT_FOUND)


class NonExistentBucket(FileOrBucketNotFound):
    default_message = "Bucket does not exist"


class BucketIdNotFound(NonExistentBucket):
    default_message = "No bucket with this id"


class FileAlreadyHidden(B2Error):
    default_message = "File is already hidden"


# --- 401 / 403 ---------------------------------------------------------------------------------------------


class Unauthorized(B2Error):
    default_message = "Not authorized for this operation"


class MissingAuthToken(Unauthorized):
    default_message = "The request carried no authorization token"


class InvalidAuthToken(Unauthorized):
    """The account token is not valid any more: re-authorize and try once more."""

    default_message = "The authorization token is not valid"

    def should_retry_upload(self) -> bool:
        return True


class ExpiredAuthToken(InvalidAuthToken):
    default_message = "The authorization token has expired"


class RestrictedBucket(B2Error):
    """The application key is restricted to other buckets (raised client-side before any request)."""

    default_message = "The application key is restricted to other buckets"

    def __init__(self, bucket_name: str | None = None, *, allowed: Sequence[str] = ()) -> None:
        self.bucket_name = bucket_name
        self.allowed = tuple(allowed)
        target = f"bucket {bucket_name!r}" if bucket_name is not None else "this bucket"
        super().__init__(f"Application key is restricted to buckets {list(self.allowed)}, not {target}")


class RestrictedBucketMissing(RestrictedBucket):
    """The bucket the key is restricted to has been deleted."""

    def __init__(self) -> None:
        B2Error.__init__(self, "Application key is restricted to a bucket that no longer exists")
        self.bucket_name = None
        self.allowed = ()


class AccessDenied(B2Error):
    default_message = "Access denied"


class SSECKeyError(AccessDenied):
    default_message = "Wrong or missing SSE-C key"


class RetentionWriteError(AccessDenied):
    default_message = "Object Lock settings of this file cannot be changed this way"


class CapExceeded(B2Error):
    default_message = "An account cap was exceeded"


class StorageCapExceeded(CapExceeded):
    default_message = "The account storage cap was exceeded"


class TransactionCapExceeded(CapExceeded):
    default_message = "The account transaction cap was exceeded"


class DownloadCapExceeded(CapExceeded):
    default_message = "The account download cap was exceeded"


# --- other HTTP statuses -----------------------------------------------------------------------------------


class MethodNotAllowed(B2Error):
    default_message = "HTTP method not allowed"


class Conflict(B2Error):
    default_message = "Conflicting update (revision mismatch)"


class UnsatisfiableRange(B2Error):
    default_message = "The requested byte range is not satisfiable"


class RequestTimeout(_Transient):
    default_message = "The server timed out waiting for the request"


class TooManyRequests(_Transient):
    default_message = "Too many requests: B2 asked to slow down"


class ServiceError(_Transient):
    default_message = "B2 service error"


class UnknownError(B2Error):
    default_message = "Unexpected answer from B2"


# --- client-side failures ----------------------------------------------------------------------------------


class B2ConnectionError(_Transient):
    default_message = "Could not connect to B2"


class BrokenPipe(B2ConnectionError):
    default_message = "The connection broke while sending the request"


class B2RequestTimeout(_Transient):
    default_message = "Timed out waiting for B2"


class ClockSkew(B2Error):
    """The server's ``Date`` differs from the local clock by more than the tolerance (600 s)."""

    def __init__(self, clock_skew_seconds: float) -> None:
        self.clock_skew_seconds = clock_skew_seconds
        direction = "behind" if clock_skew_seconds > 0 else "ahead of"
        super().__init__(
            f"Server clock is {abs(clock_skew_seconds):.0f} s {direction} the local clock "
            f"(tolerance {p.CLOCK_SKEW_TOLERANCE_SECONDS} s); fix the system time"
        )


class BadDateFormat(B2Error):
    def __init__(self, date: str) -> None:
        super().__init__(f"Server sent an unparsable Date header: {date!r}")


class InvalidJsonResponse(B2Error):
    default_message = "B2 answered with something that is not the expected JSON"


class UnexpectedCloudBehaviour(B2Error):
    default_message = "B2 behaved in an unexpected way"


class ChecksumMismatch(_Transient):
    """Downloaded or uploaded bytes do not match the expected checksum."""

    def __init__(self, checksum_type: str, expected: str, actual: str) -> None:
        self.checksum_type = checksum_type
        self.expected = expected
        self.actual = actual
        super().__init__(f"{checksum_type} checksum mismatch: expected {expected}, got {actual}")


class TruncatedOutput(_Transient):
    """Fewer bytes arrived than the server announced."""

    def __init__(self, bytes_read: int, file_size: int) -> None:
        self.bytes_read = bytes_read
        self.file_size = file_size
        super().__init__(f"Only {bytes_read} of {file_size} bytes arrived")


class InvalidRange(B2Error):
    """A requested byte range does not fit the content."""

    def __init__(self, content_length: int, range_: tuple[int, int]) -> None:
        self.content_length = content_length
        self.range_ = range_
        super().__init__(f"Range {range_[0]}-{range_[1]} is not valid for content of {content_length} bytes")


class MaxRetriesExceeded(B2Error):
    """Every allowed attempt failed; ``exceptions`` holds the failure of each attempt."""

    def __init__(self, limit: int, exceptions: Sequence[BaseException]) -> None:
        self.limit = limit
        self.exceptions = tuple(exceptions)
        last = f": last error: {self.exceptions[-1]}" if self.exceptions else ""
        super().__init__(f"Failed after {limit} attempts{last}")


class InvalidUserInput(B2Error):
    default_message = "Invalid argument"


class UnusableFileName(InvalidUserInput):
    default_message = "File name is not usable in B2"


class MissingAccountData(B2Error):
    """The account info has no value for ``key``: authorize first."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"Account info has no {key}: call authorize_account first")


# --- mapping -----------------------------------------------------------------------------------------------

_BY_STATUS_AND_CODE: dict[tuple[int, str], type[B2Error]] = {
    (400, p.BAD_REQUEST): BadRequest,
    (400, p.BAD_JSON): BadJson,
    (400, p.BAD_BUCKET_ID): BucketIdNotFound,
    (400, p.DUPLICATE_BUCKET_NAME): DuplicateBucketName,
    (400, p.TOO_MANY_BUCKETS): TooManyBuckets,
    (400, p.CANNOT_DELETE_NON_EMPTY_BUCKET): BucketNotEmpty,
    (400, p.FILE_NOT_PRESENT): FileNotPresent,
    (400, p.NO_SUCH_FILE): FileNotPresent,
    (400, p.ALREADY_HIDDEN): FileAlreadyHidden,
    (400, p.MISSING_PART): MissingPart,
    (400, p.PART_SHA1_MISMATCH): PartSha1Mismatch,
    (400, p.AUTH_TOKEN_LIMIT): UploadTokenUsedConcurrently,
    (400, p.BUCKET_MISSING_FILE_LOCK): BucketMissingFileLock,
    (400, p.FILE_LOCK_CONFLICT): DisablingFileLockNotSupported,
    (400, "source_replication_conflict"): SourceReplicationConflict,
    (400, "restricted_bucket_conflict"): EnablingFileLockOnRestrictedBucket,
    (400, p.EVENT_TYPE_CATEGORIES): EventTypeCategoriesError,
    (400, p.EVENT_TYPE_OVERLAP): EventTypeOverlapError,
    (400, p.EVENT_TYPES_EMPTY): EventTypesEmptyError,
    (400, p.EVENT_TYPE_INVALID): EventTypeInvalidError,
    (401, p.BAD_AUTH_TOKEN): InvalidAuthToken,
    (401, p.EXPIRED_AUTH_TOKEN): ExpiredAuthToken,
    (401, p.MISSING_AUTH_TOKEN): MissingAuthToken,
    (403, p.STORAGE_CAP_EXCEEDED): StorageCapExceeded,
    (403, p.TRANSACTION_CAP_EXCEEDED): TransactionCapExceeded,
    (403, p.DOWNLOAD_CAP_EXCEEDED): DownloadCapExceeded,
    (403, "cap_exceeded"): CapExceeded,
    (403, p.ACCESS_DENIED): AccessDenied,
    (404, p.NOT_FOUND): FileNotPresent,
    (416, p.RANGE_NOT_SATISFIABLE): UnsatisfiableRange,
}

_BY_STATUS: dict[int, type[B2Error]] = {
    400: BadRequest,
    401: Unauthorized,
    403: AccessDenied,
    404: ResourceNotFound,
    405: MethodNotAllowed,
    408: RequestTimeout,
    409: Conflict,
    416: UnsatisfiableRange,
    429: TooManyRequests,
}


def interpret_b2_error(
    status: int,
    code: str | None,
    message: str | None,
    retry_after_seconds: float | None = None,
) -> B2Error:
    """Return the exception for a B2 error answer ``{status, code, message}``.

    Unknown codes fall back by status: 400 → BadRequest, 401 → Unauthorized, 404 → ResourceNotFound,
    5xx → ServiceError, anything else → UnknownError.
    """
    cls = _BY_STATUS_AND_CODE.get((status, code or "")) or _BY_STATUS.get(status)
    if cls is None:
        cls = ServiceError if 500 <= status < 600 else UnknownError
    text = message or None
    if cls is CopySourceTooBig or code == p.SOURCE_TOO_LARGE:
        match = _COPY_SOURCE_TOO_BIG_RE.match(message or "")
        size = int(match.group("size")) if match else None
        return CopySourceTooBig(text, size=size, status=status, code=code)
    if cls is UploadTokenUsedConcurrently:
        # The server's message names the token; keep it out of our message (and so out of logs).
        text = None
    return cls(text, status=status, code=code, retry_after_seconds=retry_after_seconds)
