"""The official b2sdk (v2 and v3 interfaces) manages buckets on our server."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.compat


def test_authorize_reports_account_and_part_sizes(b2api, server):
    info = b2api.account_info
    assert info.get_account_id()
    assert info.get_recommended_part_size() == 1_000_000
    assert info.get_absolute_minimum_part_size() == 100_000
    assert info.get_api_url().startswith(server.realm)


def test_bucket_create_list_update_delete(b2api):
    created = b2api.create_bucket("compat-bucket-a", "allPrivate", bucket_info={"team": "qa"})
    b2api.create_bucket("compat-bucket-b", "allPublic")

    names = [b.name for b in b2api.list_buckets()]
    assert names == ["compat-bucket-a", "compat-bucket-b"]
    assert b2api.get_bucket_by_name("compat-bucket-a").id_ == created.id_

    updated = created.update(bucket_type="allPublic", bucket_info={"team": "ops"})
    assert updated.type_ == "allPublic"
    assert updated.bucket_info == {"team": "ops"}
    assert updated.revision > created.revision

    b2api.delete_bucket(updated)
    assert [b.name for b in b2api.list_buckets()] == ["compat-bucket-b"]


def test_duplicate_bucket_name_is_refused(b2api, flavour):
    b2api.create_bucket("compat-dup-bucket", "allPrivate")
    with pytest.raises(flavour.module.exception.DuplicateBucketName):
        b2api.create_bucket("compat-dup-bucket", "allPrivate")


def test_update_with_stale_revision_conflicts(b2api, flavour):
    bucket = b2api.create_bucket("compat-rev-bucket", "allPrivate")
    bucket.update(bucket_info={"a": "1"})
    with pytest.raises(flavour.module.exception.Conflict):
        bucket.update(bucket_info={"a": "2"}, if_revision_is=bucket.revision)


def test_lifecycle_rules_round_trip(b2api):
    rules = [{"fileNamePrefix": "logs/", "daysFromUploadingToHiding": 3, "daysFromHidingToDeleting": 1}]
    bucket = b2api.create_bucket("compat-life-bucket", "allPrivate", lifecycle_rules=rules)
    (fetched,) = b2api.list_buckets(bucket_name="compat-life-bucket")
    assert fetched.lifecycle_rules[0]["fileNamePrefix"] == "logs/"
    assert fetched.lifecycle_rules[0]["daysFromUploadingToHiding"] == 3
    assert bucket.id_ == fetched.id_
