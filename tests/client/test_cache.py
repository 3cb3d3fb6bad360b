"""Bucket name caches: DummyCache remembers nothing, InMemoryCache and AuthInfoCache remember."""

import pytest

from b2kit import AuthInfoCache, DummyCache, InMemoryAccountInfo, InMemoryCache


class NamedBucket:
    def __init__(self, id_: str, name: str | None) -> None:
        self.id_ = id_
        self.name = name


@pytest.fixture(params=["memory", "auth-info"])
def cache(request):
    return InMemoryCache() if request.param == "memory" else AuthInfoCache(InMemoryAccountInfo())


def test_remembering_caches_map_names_and_ids(cache):
    cache.save_bucket(NamedBucket("id-1", "one"))
    assert cache.get_bucket_id_or_none_from_bucket_name("one") == "id-1"
    assert cache.get_bucket_name_or_none_from_bucket_id("id-1") == "one"
    cache.set_bucket_name_cache([NamedBucket("id-2", "two"), NamedBucket("id-3", None)])
    assert cache.list_bucket_names_ids() == [("two", "id-2")]
    cache.remove_bucket_name("two")
    assert cache.get_bucket_id_or_none_from_bucket_name("two") is None
    cache.save_bucket(NamedBucket("id-4", "four"))
    cache.clear()
    assert cache.list_bucket_names_ids() == []


def test_auth_info_cache_writes_through_to_the_account_info():
    info = InMemoryAccountInfo()
    AuthInfoCache(info).save_bucket(NamedBucket("id-1", "one"))
    assert info.get_bucket_id_or_none_from_bucket_name("one") == "id-1"


def test_dummy_cache_remembers_nothing():
    cache = DummyCache()
    cache.save_bucket(NamedBucket("id-1", "one"))
    cache.set_bucket_name_cache([NamedBucket("id-1", "one")])
    assert cache.get_bucket_id_or_none_from_bucket_name("one") is None
    assert cache.get_bucket_name_or_none_from_bucket_id("id-1") is None
    assert cache.list_bucket_names_ids() == []
