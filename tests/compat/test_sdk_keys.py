"""Application keys, restricted keys and download authorizations through the official b2sdk."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest

pytestmark = pytest.mark.compat


def upload_refused(errors):
    """b2sdk retries uploads refused with 401 and then reports MaxRetriesExceeded (as against real B2)."""
    return (errors.Unauthorized, errors.MaxRetriesExceeded)


FILE_CAPS = ["listBuckets", "listFiles", "readFiles", "writeFiles", "deleteFiles", "shareFiles"]


@pytest.fixture
def buckets(b2api):
    mine = b2api.create_bucket("compat-keys-mine", "allPrivate")
    other = b2api.create_bucket("compat-keys-other", "allPrivate")
    return mine, other


def test_create_list_and_delete_key(b2api):
    key = b2api.create_key(["listBuckets", "listFiles"], "compat-key")
    assert key.key_name == "compat-key"
    assert key.application_key
    assert key.id_ in [k.id_ for k in b2api.list_keys()]
    b2api.delete_key(key)
    assert key.id_ not in [k.id_ for k in b2api.list_keys()]


def test_bucket_restricted_key_works_in_its_bucket_only(b2api, buckets, flavour, authorize_as):
    mine, other = buckets
    other.upload_bytes(b"secret", "s.txt")
    key = b2api.create_key(FILE_CAPS, "bucket-only", **flavour.bucket_restriction(mine.id_))

    restricted = authorize_as(key.id_, key.application_key)
    own = restricted.get_bucket_by_name("compat-keys-mine")
    own.upload_bytes(b"ok", "in.txt")
    assert [fv.file_name for fv, _ in own.ls()] == ["in.txt"]

    errors = flavour.module.exception
    with pytest.raises((errors.RestrictedBucket, errors.Unauthorized)):
        restricted.get_bucket_by_name("compat-keys-other")
    with pytest.raises(errors.Unauthorized):
        restricted.session.list_file_names(other.id_, None, 100, None)


def test_prefix_restricted_key_refuses_other_names(b2api, buckets, flavour, authorize_as):
    mine, _ = buckets
    mine.upload_bytes(b"x", "private/x.txt")
    key = b2api.create_key(
        FILE_CAPS, "prefix-only", name_prefix="public/", **flavour.bucket_restriction(mine.id_)
    )
    restricted = authorize_as(key.id_, key.application_key)
    bucket = restricted.get_bucket_by_name("compat-keys-mine")

    bucket.upload_bytes(b"y", "public/y.txt")
    assert [fv.file_name for fv, _ in bucket.ls("public", recursive=True)] == ["public/y.txt"]

    errors = flavour.module.exception
    with pytest.raises(upload_refused(errors), match="unauthorized"):
        bucket.upload_bytes(b"z", "private/z.txt")
    with pytest.raises(errors.Unauthorized):
        list(bucket.ls("private", recursive=True))


def test_key_without_capability_is_refused(b2api, buckets, flavour, authorize_as):
    mine, _ = buckets
    key = b2api.create_key(["listBuckets", "listFiles"], "read-only", **flavour.bucket_restriction(mine.id_))
    restricted = authorize_as(key.id_, key.application_key)
    with pytest.raises(upload_refused(flavour.module.exception), match="unauthorized"):
        restricted.get_bucket_by_name("compat-keys-mine").upload_bytes(b"no", "no.txt")


def _fetch(url: str, token: str | None = None) -> bytes:
    request = urllib.request.Request(url)
    if token is not None:
        request.add_header("Authorization", token)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def test_download_authorization_grants_its_prefix_only(b2api, buckets):
    mine, _ = buckets
    mine.upload_bytes(b"shared data", "shared/a.txt")
    mine.upload_bytes(b"private data", "private/b.txt")
    token = mine.get_download_authorization("shared/", 3600)

    assert (
        _fetch(b2api.get_download_url_for_file_name("compat-keys-mine", "shared/a.txt"), token)
        == b"shared data"
    )
    query_url = b2api.get_download_url_for_file_name("compat-keys-mine", "shared/a.txt")
    assert _fetch(query_url + "?Authorization=" + urllib.parse.quote(token)) == b"shared data"

    with pytest.raises(urllib.error.HTTPError) as refused:
        _fetch(b2api.get_download_url_for_file_name("compat-keys-mine", "private/b.txt"), token)
    assert refused.value.code == 401
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        _fetch(b2api.get_download_url_for_file_name("compat-keys-mine", "shared/a.txt"))
    assert anonymous.value.code == 401
