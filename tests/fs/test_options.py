"""B2FileSystem's keyword arguments parsed into one FileSystemOptions (pure: no server)."""

from __future__ import annotations

import pytest

from b2kit import B2Api, InMemoryAccountInfo
from b2kit.fs._credentials import Credentials
from b2kit.fs._options import FileSystemOptions, ReadDefaults


@pytest.fixture
def no_env_key(monkeypatch):
    for name in ("B2_APPLICATION_KEY_ID", "B2_APPLICATION_KEY", "B2_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)


def test_every_own_option_lands_in_its_field(no_env_key):
    options = FileSystemOptions.parse(
        {
            "application_key_id": "id",
            "application_key": "secret",
            "realm": "http://127.0.0.1:1",
            "version_aware": True,
            "rm_mode": "hide",
            "max_concurrency": 3,
            "bucket_type": "allPublic",
            "default_block_size": 1024,
            "default_cache_type": "bytes",
        }
    )
    assert options.credentials == Credentials("id", "secret", "http://127.0.0.1:1")
    assert (options.version_aware, options.rm_mode, options.max_concurrency) == (True, "hide", 3)
    assert options.bucket_type == "allPublic"
    assert options.reading == ReadDefaults(1024, "bytes")
    assert options.fsspec == {}


def test_defaults_and_fsspec_options_pass_through(no_env_key):
    options = FileSystemOptions.parse({"use_listings_cache": False, "listings_expiry_time": 5.0})
    assert options.credentials is None
    assert (options.version_aware, options.rm_mode, options.max_concurrency) == (False, "delete", 10)
    assert options.reading == ReadDefaults()
    assert options.fsspec == {"use_listings_cache": False, "listings_expiry_time": 5.0}


def test_an_api_needs_no_credentials_and_ignores_the_environment(monkeypatch):
    monkeypatch.setenv("B2_APPLICATION_KEY_ID", "env-id")
    monkeypatch.setenv("B2_APPLICATION_KEY", "env-key")
    api = B2Api(InMemoryAccountInfo())
    options = FileSystemOptions.parse({"api": api})
    assert options.api is api
    assert options.credentials is None
    api.close()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"rm_mode": "shred"}, "rm_mode must be one of"),
        ({"max_concurrency": 0}, "max_concurrency must be at least 1"),
        ({"application_key_id": "id"}, "give both application_key_id and application_key"),
    ],
)
def test_bad_options_are_value_errors(no_env_key, given, message):
    with pytest.raises(ValueError, match=message):
        FileSystemOptions.parse(given)
