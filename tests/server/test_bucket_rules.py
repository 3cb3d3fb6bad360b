"""Unit tests for bucket setting validation and the listing's folder successor."""

import pytest

from b2kit.server._errors import B2Error
from b2kit.server._handlers._listing import _successor
from b2kit.server._rules import _bucket_settings as rules


@pytest.mark.parametrize("name", ["abcdef", "A-b-C-123", "x" * 63])
def test_good_bucket_names(name):
    assert rules.bucket_name(name) == name


@pytest.mark.parametrize(
    "name", ["abcde", "x" * 64, "b2-bucket", "B2-bucket", "a_bcdef", "ab cdef", "abcdéf"]
)
def test_bad_bucket_names(name):
    with pytest.raises(B2Error):
        rules.bucket_name(name)


def test_bucket_types_all_means_every_type():
    assert rules.bucket_types(["all"]) == rules.BUCKET_TYPES
    assert rules.bucket_types(["allPublic"]) == {"allPublic"}


def test_lifecycle_rules_keep_given_fields_and_refuse_overlap():
    rule = {"fileNamePrefix": "", "daysFromHidingToDeleting": 1}
    assert rules.lifecycle_rules([rule]) == [rule]
    with pytest.raises(B2Error):
        rules.lifecycle_rules([rule, {"fileNamePrefix": "a", "daysFromHidingToDeleting": 2}])
    with pytest.raises(B2Error):
        rules.lifecycle_rules([{**rule, "unknown": 1}])


def test_cors_rule_size_limit():
    rule = {
        "corsRuleName": "big-rule",
        "allowedOrigins": ["https://" + "x" * 1000],
        "allowedOperations": ["s3_get"],
        "maxAgeSeconds": 1,
    }
    with pytest.raises(B2Error):
        rules.cors_rules([rule])


def test_default_sse_and_retention_shapes():
    assert rules.default_sse({"mode": "SSE-B2"}) == {"algorithm": "AES256", "mode": "SSE-B2"}
    assert rules.default_sse({"mode": "none"}) is None
    assert rules.default_retention({"mode": None}) is None
    with pytest.raises(B2Error):
        rules.default_retention({"mode": "governance", "period": {"duration": 1, "unit": "weeks"}})


def test_replication_needs_one_side():
    assert rules.replication({}) is None
    with pytest.raises(B2Error):
        rules.replication({"asReplicationSource": {"replicationRules": []}})


@pytest.mark.parametrize(("folder", "after"), [("a/", "a0"), ("x\ud7ff", "x\ue000"), ("\U0010ffff", None)])
def test_folder_successor(folder, after):
    assert _successor(folder) == after
