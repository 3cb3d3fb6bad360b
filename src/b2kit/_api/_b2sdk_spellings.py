"""b2sdk 2.x's keyword arguments, folded into b2kit's option objects.

Code written for b2sdk 2.x passes upload and copy settings as keywords (``sha1_sum=``, ``cache_control=``,
``file_retention=`` ...) where b2kit takes one ``UploadOptions`` / ``CopyOptions``. Those keywords are
accepted and turned into the same options, so both spellings mean the same upload. The HTTP-header
settings (``cache_control``, ``expires``, ``content_*``) are stored as B2 does: ``b2-*`` file info.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from email.utils import format_datetime
from typing import Any, TypedDict

from b2kit._models import EncryptionSetting, FileRetentionSetting, LegalHold
from b2kit._transfer._copy import CopyOptions
from b2kit._transfer._upload import UploadOptions


class UploadKeywords(TypedDict, total=False):
    """The upload keywords of b2sdk 2.x's ``upload_bytes`` / ``upload_local_file`` / ``upload``."""

    sha1_sum: str | None
    large_file_sha1: str | None
    min_part_size: int | None
    encryption: EncryptionSetting | None
    file_retention: FileRetentionSetting | None
    legal_hold: LegalHold | None
    custom_upload_timestamp: int | None
    cache_control: str | None
    expires: str | dt.datetime | None
    content_disposition: str | None
    content_encoding: str | None
    content_language: str | None


class CopyKeywords(TypedDict, total=False):
    """The keywords of b2sdk 2.x's ``Bucket.copy`` that b2kit's copy honours."""

    destination_encryption: EncryptionSetting | None
    source_encryption: EncryptionSetting | None
    file_retention: FileRetentionSetting | None
    legal_hold: LegalHold | None
    min_part_size: int | None
    max_part_size: int | None


_HEADER_INFO_KEYS = {
    "cache_control": "b2-cache-control",
    "expires": "b2-expires",
    "content_disposition": "b2-content-disposition",
    "content_encoding": "b2-content-encoding",
    "content_language": "b2-content-language",
}
_UPLOAD_FIELDS = {
    "sha1_sum": "content_sha1",
    "large_file_sha1": "large_file_sha1",
    "min_part_size": "part_size",
    "encryption": "encryption",
    "file_retention": "file_retention",
    "legal_hold": "legal_hold",
    "custom_upload_timestamp": "custom_upload_timestamp",
}
_COPY_FIELDS = {
    "destination_encryption": "destination_encryption",
    "source_encryption": "source_encryption",
    "file_retention": "file_retention",
    "legal_hold": "legal_hold",
    "min_part_size": "part_size",
    "max_part_size": "part_size",
}


def _refuse_unknown(given: Mapping[str, Any], known: set[str], call: str) -> None:
    unknown = sorted(set(given) - known)
    if unknown:
        raise TypeError(f"{call}() got unexpected keyword argument(s): {', '.join(unknown)}")


def _header_info(given: Mapping[str, Any]) -> dict[str, str]:
    """``cache_control=`` and friends as the ``b2-*`` file info B2 turns into response headers."""
    info: dict[str, str] = {}
    for keyword, key in _HEADER_INFO_KEYS.items():
        value = given.get(keyword)
        if isinstance(value, dt.datetime):
            value = format_datetime(value.astimezone(dt.UTC), usegmt=True)
        if value is not None:
            info[key] = str(value)
    return info


def upload_options(options: UploadOptions, given: Mapping[str, Any], call: str) -> UploadOptions:
    """``options`` with b2sdk 2.x's upload keywords applied (TypeError for keywords it never had)."""
    _refuse_unknown(given, set(_UPLOAD_FIELDS) | set(_HEADER_INFO_KEYS), call)
    changes = {_UPLOAD_FIELDS[k]: v for k, v in given.items() if k in _UPLOAD_FIELDS and v is not None}
    header_info = _header_info(given)
    if header_info:
        changes["file_info"] = {**options.file_info, **header_info}
    return dataclasses.replace(options, **changes) if changes else options


def copy_options(options: CopyOptions, given: Mapping[str, Any]) -> CopyOptions:
    """``options`` with b2sdk 2.x's copy keywords applied (TypeError for keywords b2kit does not honour)."""
    _refuse_unknown(given, set(_COPY_FIELDS), "copy")
    changes = {_COPY_FIELDS[k]: v for k, v in given.items() if v is not None}
    return dataclasses.replace(options, **changes) if changes else options
