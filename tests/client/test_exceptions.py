"""interpret_b2_error: every B2 error answer becomes the right typed exception with a useful message."""

import pytest

from b2kit import _exceptions as e
from b2kit._exceptions import interpret_b2_error


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, "bad_request", e.BadRequest),
        (400, "bad_json", e.BadJson),
        (400, "bad_bucket_id", e.BucketIdNotFound),
        (400, "duplicate_bucket_name", e.DuplicateBucketName),
        (400, "too_many_buckets", e.TooManyBuckets),
        (400, "cannot_delete_non_empty_bucket", e.BucketNotEmpty),
        (400, "file_not_present", e.FileNotPresent),
        (400, "no_such_file", e.FileNotPresent),
        (400, "already_hidden", e.FileAlreadyHidden),
        (400, "missing_part", e.MissingPart),
        (400, "part_sha1_mismatch", e.PartSha1Mismatch),
        (400, "auth_token_limit", e.UploadTokenUsedConcurrently),
        (400, "source_too_large", e.CopySourceTooBig),
        (400, "bucket_missing_file_lock", e.BucketMissingFileLock),
        (400, "file_lock_conflict", e.DisablingFileLockNotSupported),
        (400, "event_type_overlap", e.EventTypeOverlapError),
        (400, "something_new", e.BadRequest),
        (401, "unauthorized", e.Unauthorized),
        (401, "bad_auth_token", e.InvalidAuthToken),
        (401, "expired_auth_token", e.ExpiredAuthToken),
        (401, "missing_auth_token", e.MissingAuthToken),
        (401, "unsupported", e.Unauthorized),
        (403, "storage_cap_exceeded", e.StorageCapExceeded),
        (403, "transaction_cap_exceeded", e.TransactionCapExceeded),
        (403, "download_cap_exceeded", e.DownloadCapExceeded),
        (403, "access_denied", e.AccessDenied),
        (404, "not_found", e.FileNotPresent),
        (404, None, e.ResourceNotFound),
        (405, "method_not_allowed", e.MethodNotAllowed),
        (408, "request_timeout", e.RequestTimeout),
        (409, "conflict", e.Conflict),
        (416, "range_not_satisfiable", e.UnsatisfiableRange),
        (429, "too_many_requests", e.TooManyRequests),
        (500, "internal_error", e.ServiceError),
        (503, "service_unavailable", e.ServiceError),
        (502, None, e.ServiceError),
        (418, "teapot", e.UnknownError),
    ],
)
def test_status_and_code_map_to_exception(status, code, expected):
    error = interpret_b2_error(status, code, "what happened")
    assert type(error) is expected
    assert error.status == status
    assert error.code == code


def test_message_says_what_went_wrong_and_carries_status_and_code():
    error = interpret_b2_error(400, "duplicate_bucket_name", "Bucket name is already in use.")
    assert "Bucket name is already in use." in str(error)
    assert "400" in str(error) and "duplicate_bucket_name" in str(error)


def test_missing_message_falls_back_to_a_description():
    assert "expired" in str(interpret_b2_error(401, "expired_auth_token", None))


def test_copy_source_too_big_parses_the_size():
    error = interpret_b2_error(400, "source_too_large", "Copy source too big: 5000000001")
    assert isinstance(error, e.CopySourceTooBig)
    assert error.size == 5000000001


def test_upload_token_is_kept_out_of_the_message():
    error = interpret_b2_error(400, "auth_token_limit", "more than one upload using auth token SECRET123")
    assert "SECRET123" not in str(error)


def test_retry_after_is_kept():
    assert interpret_b2_error(429, "too_many_requests", "slow down", 3.0).retry_after_seconds == 3.0


@pytest.mark.parametrize(
    ("error", "http", "upload"),
    [
        (e.ServiceError(status=503), True, True),
        (e.RequestTimeout(status=408), True, True),
        (e.TooManyRequests(status=429), True, True),
        (e.B2ConnectionError(), True, True),
        (e.ExpiredAuthToken(status=401), False, True),
        (e.UploadTokenUsedConcurrently(status=400), False, True),
        (e.Unauthorized(status=401, code="unauthorized"), False, False),
        (e.BadRequest(status=400), False, False),
        (e.StorageCapExceeded(status=403), False, False),
    ],
)
def test_retry_predicates(error, http, upload):
    assert error.should_retry_http() is http
    assert error.should_retry_upload() is upload


def test_client_side_errors_describe_themselves():
    assert "600" in str(e.ClockSkew(900.0))
    assert "3 of 10" in str(e.TruncatedOutput(3, 10))
    assert "expected aa, got bb" in str(e.ChecksumMismatch("sha1", "aa", "bb"))
    assert "5 attempts" in str(e.MaxRetriesExceeded(5, [e.ServiceError(status=503)]))
    assert "'other'" in str(e.RestrictedBucket("other", allowed=["mine"]))
