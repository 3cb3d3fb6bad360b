"""Every method, argument and default of the seed's b2sdk B2Api reference exists on b2kit.B2Api.

Extra parameters are allowed only after the seed's ones and only keyword-only (or with defaults), so every
call written against the seed works unchanged.
"""

from __future__ import annotations

import inspect

import pytest

import b2kit
from b2kit import B2Api

_NO_DEFAULT = inspect.Parameter.empty

# method -> [(parameter, default or _NO_DEFAULT)], from shared/seed/b2sdk-api-reference.txt
SEED = {
    "__init__": [("account_info", None), ("cache", None), ("raw_api", None), ("max_upload_workers", 10)],
    "authorize_account": [
        ("realm", _NO_DEFAULT),
        ("application_key_id", _NO_DEFAULT),
        ("application_key", _NO_DEFAULT),
    ],
    "authorize_automatically": [],
    "cancel_large_file": [("file_id", _NO_DEFAULT)],
    "check_bucket_restrictions": [("bucket_name", _NO_DEFAULT)],
    "create_bucket": [
        ("name", _NO_DEFAULT),
        ("bucket_type", _NO_DEFAULT),
        ("bucket_info", None),
        ("cors_rules", None),
        ("lifecycle_rules", None),
    ],
    "create_key": [
        ("capabilities", _NO_DEFAULT),
        ("key_name", _NO_DEFAULT),
        ("valid_duration_seconds", None),
        ("bucket_id", None),
        ("name_prefix", None),
    ],
    "delete_bucket": [("bucket", _NO_DEFAULT)],
    "delete_file_version": [("file_id", _NO_DEFAULT), ("file_name", _NO_DEFAULT)],
    "delete_key": [("application_key_id", _NO_DEFAULT)],
    "download_file_by_id": [
        ("file_id", _NO_DEFAULT),
        ("download_dest", None),  # the seed has no default; None (stream it) is our addition
        ("progress_listener", None),
        ("range_", None),
    ],
    "get_account_id": [],
    "get_bucket_by_id": [("bucket_id", _NO_DEFAULT)],
    "get_bucket_by_name": [("bucket_name", _NO_DEFAULT)],
    "get_download_url_for_file_name": [("bucket_name", _NO_DEFAULT), ("file_name", _NO_DEFAULT)],
    "get_download_url_for_fileid": [("file_id", _NO_DEFAULT)],
    "get_file_info": [("file_id", _NO_DEFAULT)],
    "get_thread_pool": [],
    "list_buckets": [("bucket_name", None)],
    "list_keys": [("start_application_key_id", None)],
    "list_parts": [("file_id", _NO_DEFAULT), ("start_part_number", None), ("batch_size", None)],
    "set_thread_pool_size": [("max_workers", _NO_DEFAULT)],
}


@pytest.mark.parametrize("method", sorted(SEED))
def test_seed_method_has_the_seed_signature(method):
    parameters = list(inspect.signature(getattr(B2Api, method)).parameters.values())[1:]  # without self
    expected = SEED[method]
    actual = [(p.name, p.default) for p in parameters[: len(expected)]]
    assert actual == expected
    for extra in parameters[len(expected) :]:
        assert extra.kind is inspect.Parameter.KEYWORD_ONLY or extra.default is not _NO_DEFAULT, extra


def test_max_upload_workers_attribute_and_url_for_api():
    with B2Api(b2kit.InMemoryAccountInfo()) as api:
        assert api.max_upload_workers == 10
    with B2Api(b2kit.InMemoryAccountInfo(), max_upload_workers=3) as api:
        assert api.max_upload_workers == 3
    signature = inspect.signature(b2kit.url_for_api)
    assert list(signature.parameters) == ["info", "api_name"]
