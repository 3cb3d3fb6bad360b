"""KeyRestrictions: the stored ``allowed`` object read as a typed value (pure)."""

from __future__ import annotations

from b2kit import _protocol as p
from b2kit._account_info import Allowed
from b2kit._account_info._restrictions import AllowedBucketRef, KeyRestrictions

RESTRICTED = Allowed(
    buckets=[{"id": "b1", "name": "photos"}, {"id": "b2", "name": None}],
    capabilities=["listFiles", "readFiles"],
    namePrefix="pub/",
)


def test_reads_buckets_capabilities_and_prefix():
    restrictions = KeyRestrictions.from_allowed(RESTRICTED)
    assert restrictions.buckets == (AllowedBucketRef("b1", "photos"), AllowedBucketRef("b2", None))
    assert restrictions.capabilities == ("listFiles", "readFiles")
    assert restrictions.name_prefix == "pub/"
    assert restrictions.bucket_names == ["photos", "None"]


def test_a_key_limited_to_buckets_refuses_the_others_by_name_or_id():
    restrictions = KeyRestrictions.from_allowed(RESTRICTED)
    assert not restrictions.refuses_bucket(name="photos")
    assert restrictions.refuses_bucket(name="other")
    assert not restrictions.refuses_bucket(id_="b2")
    assert restrictions.refuses_bucket(id_="b3")


def test_an_unrestricted_key_refuses_nothing_and_says_so():
    unrestricted = KeyRestrictions.from_allowed(
        Allowed(buckets=None, capabilities=list(p.ALL_CAPABILITIES), namePrefix=None)
    )
    assert unrestricted == KeyRestrictions()
    assert not unrestricted.refuses_bucket(name="any")
    assert unrestricted.describe() == "with no restrictions"


def test_describe_names_every_restriction():
    described = KeyRestrictions.from_allowed(RESTRICTED).describe()
    assert described == (
        "with capabilities listFiles,readFiles, restricted to buckets ['photos', None], "
        "restricted to files starting with 'pub/'"
    )
