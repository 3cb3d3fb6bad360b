"""``GET /_b2kit/state`` (what the server holds, B2-shaped, filtered and paged) and ``GET /_b2kit/requests``
(the recent request log), both behind the master key (Basic auth)."""

from __future__ import annotations

from typing import Any

from b2kit.server._errors import bad_request
from b2kit.server._handlers._auth import require_master
from b2kit.server._http._exchange import Request
from b2kit.server._snapshot import StateQuery, read_state

MAX_REQUESTS_LISTED = 10_000
DEFAULT_STATE_FILE_COUNT = 1000
MAX_STATE_FILE_COUNT = 10_000


def requests(request: Request) -> dict[str, Any]:
    """The last ``limit`` requests (default 100), oldest first; GETs of ``/_b2kit/...`` are not logged."""
    require_master(request)
    limit = request.params.opt_int("limit")
    limit = 100 if limit is None else limit
    if not 0 <= limit <= MAX_REQUESTS_LISTED:
        raise bad_request(f"limit must be 0..{MAX_REQUESTS_LISTED}")
    return {"requests": [record.to_json() for record in request.app.requests.entries(limit)]}


def state(request: Request) -> dict[str, Any]:
    """Buckets, file versions (uploads and hide markers; ``bucketName``, ``prefix``, ``maxFileCount`` and
    ``startFileId`` page them like ``b2_list_file_versions``), unfinished large files with their parts, and
    keys without secrets, in B2's JSON shapes."""
    require_master(request)
    params = request.params
    count = params.opt_int("maxFileCount")
    count = DEFAULT_STATE_FILE_COUNT if count is None else count
    if not 0 <= count <= MAX_STATE_FILE_COUNT:
        raise bad_request(f"maxFileCount must be 0..{MAX_STATE_FILE_COUNT}")
    query = StateQuery(
        bucket_name=params.opt_text("bucketName"),
        prefix=params.opt_text("prefix") or "",
        start_file_id=params.opt_text("startFileId"),
        max_file_count=count,
    )
    page = read_state(request.app.state, query)
    account_id = request.app.account.account_id
    bucket_ids = {bucket.bucket_name: bucket.bucket_id for bucket in page.state.buckets}
    if query.bucket_name is not None and query.bucket_name not in bucket_ids:
        raise bad_request(f"no bucket named {query.bucket_name!r}", code="bad_bucket_id")
    return {
        "accountId": account_id,
        "buckets": [bucket.to_json(account_id) for bucket in page.state.buckets],
        "files": [v.to_json(account_id, bucket_ids[v.bucket_name]) for v in page.state.file_versions],
        "nextFileName": page.next_file_name,
        "nextFileId": page.next_file_id,
        "unfinishedLargeFiles": [
            f.to_json(account_id, bucket_ids[f.bucket_name]) for f in page.state.unfinished_large_files
        ],
        "keys": [key.to_json(account_id) for key in page.state.keys],
    }
