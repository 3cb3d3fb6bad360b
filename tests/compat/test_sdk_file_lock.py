"""Object Lock (file retention and legal hold) through the official b2sdk."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.compat


def _in_days(days: int) -> int:
    return int((time.time() + days * 86400) * 1000)


@pytest.fixture
def lock_bucket(b2api):
    return b2api.create_bucket("compat-lock", "allPrivate", is_file_lock_enabled=True)


def test_lock_bucket_reports_file_lock_and_default_retention(lock_bucket, flavour):
    m = flavour.module
    assert lock_bucket.is_file_lock_enabled is True
    updated = lock_bucket.update(
        default_retention=m.BucketRetentionSetting(m.RetentionMode.GOVERNANCE, m.RetentionPeriod(days=2))
    )
    assert updated.default_retention.mode == m.RetentionMode.GOVERNANCE
    version = updated.upload_bytes(b"defaulted", "d.txt")
    assert version.file_retention.mode == m.RetentionMode.GOVERNANCE
    assert version.file_retention.retain_until > _in_days(1)


def test_governance_retention_blocks_delete_until_bypassed(b2api, lock_bucket, flavour):
    m = flavour.module
    retention = m.FileRetentionSetting(m.RetentionMode.GOVERNANCE, _in_days(1))
    version = lock_bucket.upload_bytes(b"kept", "g.txt", file_retention=retention)
    assert version.file_retention == retention

    with pytest.raises(m.exception.AccessDenied):
        b2api.delete_file_version(version.id_, "g.txt")
    b2api.delete_file_version(version.id_, "g.txt", bypass_governance=True)


def test_compliance_retention_cannot_be_shortened(b2api, lock_bucket, flavour):
    m = flavour.module
    version = lock_bucket.upload_bytes(b"locked", "c.txt")
    b2api.update_file_retention(
        version.id_, "c.txt", m.FileRetentionSetting(m.RetentionMode.COMPLIANCE, _in_days(2))
    )
    with pytest.raises(m.exception.RetentionWriteError):
        b2api.update_file_retention(
            version.id_,
            "c.txt",
            m.FileRetentionSetting(m.RetentionMode.COMPLIANCE, _in_days(1)),
            bypass_governance=True,
        )
    extended = b2api.update_file_retention(
        version.id_, "c.txt", m.FileRetentionSetting(m.RetentionMode.COMPLIANCE, _in_days(3))
    )
    assert extended.mode == m.RetentionMode.COMPLIANCE
    with pytest.raises(m.exception.AccessDenied):
        b2api.delete_file_version(version.id_, "c.txt", bypass_governance=True)


def test_legal_hold_blocks_delete_until_released(b2api, lock_bucket, flavour):
    m = flavour.module
    version = lock_bucket.upload_bytes(b"held", "l.txt", legal_hold=m.LegalHold.ON)
    assert version.legal_hold == m.LegalHold.ON
    with pytest.raises(m.exception.AccessDenied):
        b2api.delete_file_version(version.id_, "l.txt")
    assert b2api.update_file_legal_hold(version.id_, "l.txt", m.LegalHold.OFF) == m.LegalHold.OFF
    b2api.delete_file_version(version.id_, "l.txt")


@pytest.mark.filterwarnings("ignore:bad request exception with an unknown `code`")
def test_retention_on_plain_bucket_is_refused(b2api, flavour):
    m = flavour.module
    bucket = b2api.create_bucket("compat-nolock", "allPrivate")
    version = bucket.upload_bytes(b"x", "x.txt")
    with pytest.raises(m.exception.BadRequest) as refused:
        b2api.update_file_legal_hold(version.id_, "x.txt", m.LegalHold.ON)
    assert refused.value.code == "bucket_missing_file_lock"


def test_file_lock_cannot_be_disabled(lock_bucket, flavour):
    with pytest.raises(flavour.module.exception.DisablingFileLockNotSupported):
        lock_bucket.update(is_file_lock_enabled=False)
