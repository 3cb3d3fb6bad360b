"""b2sdk 2.x's keyword arguments, folded into b2kit's option objects.

Code written for b2sdk 2.x passes upload and copy settings as keywords (``sha1_sum=``, ``cache_control=``,
``file_retention=`` ...) where b2kit takes one ``UploadOptions`` / ``CopyOptions``. Those keywords are
accepted and turned into the same options, so both spellings mean the same upload. The HTTP-header
settings (``cache_control``, ``expires``, ``content_*``) are stored as B2 does: ``b2-*`` file info.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import format_datetime
from typing import Any, TypedDict

from b2kit._exceptions import InvalidUserInput
from b2kit._models import EncryptionSetting, FileRetentionSetting, LegalHold
from b2kit._transfer._copy import CopyOptions
from b2kit._transfer._emerge_request import EmergeRequest
from b2kit._transfer._upload import UploadOptions
from b2kit._transfer._write_intents import WriteIntent


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


class HeaderKeywords(TypedDict, total=False):
    """b2sdk 2.x's HTTP-header settings of a new file (stored as ``b2-*`` file info)."""

    cache_control: str | None
    expires: str | dt.datetime | None
    content_disposition: str | None
    content_encoding: str | None
    content_language: str | None


class CopyKeywords(TypedDict, total=False):
    """The keywords of b2sdk 2.x's ``Bucket.copy`` that b2kit's copy honours."""

    destination_encryption: EncryptionSetting | None
    source_encryption: EncryptionSetting | None
    source_file_info: Mapping[str, str] | None
    source_content_type: str | None
    file_retention: FileRetentionSetting | None
    legal_hold: LegalHold | None
    min_part_size: int | None
    max_part_size: int | None
    cache_control: str | None
    expires: str | dt.datetime | None
    content_disposition: str | None
    content_encoding: str | None
    content_language: str | None


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
    "source_file_info": "source_file_info",
    "source_content_type": "source_content_type",
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


def copy_options(
    options: CopyOptions | None,
    given: Mapping[str, Any],
    *,
    destination_bucket_id: str,
    content_type: str | None = None,
    file_info: Mapping[str, str] | None = None,
    offset: int = 0,
    length: int | None = None,
) -> CopyOptions:
    """What ``Bucket.copy`` asked for, as one CopyOptions (TypeError for keywords b2kit does not honour).

    The header keywords (``cache_control=`` ...) join ``file_info`` as ``b2-*`` entries, so, as in b2sdk,
    giving one replaces the source's metadata (content type ``b2/x-auto`` unless given).
    ``source_file_info`` / ``source_content_type`` tell the source's metadata, so that a large copy keeping
    it need not fetch it.
    """
    _refuse_unknown(given, set(_COPY_FIELDS) | set(_HEADER_INFO_KEYS), "copy")
    opts = options or CopyOptions()
    changes: dict[str, Any] = {
        _COPY_FIELDS[k]: v for k, v in given.items() if k in _COPY_FIELDS and v is not None
    }
    changes["destination_bucket_id"] = opts.destination_bucket_id or destination_bucket_id
    if content_type is not None:
        changes["content_type"] = content_type
    header_info = _header_info(given)
    if file_info is not None or header_info:
        base = file_info if file_info is not None else opts.file_info
        changes["file_info"] = {**(base or {}), **header_info}
    if offset:
        changes["offset"] = offset
    if length is not None:
        changes["length"] = length
    return dataclasses.replace(opts, **changes)


def one_name_listing(
    start_filename: str | None,
    start_file_id: str | int | None,
    file_name: str | None,
    fetch_count: int | None,
) -> tuple[str, int | None] | None:
    """``(file_name, page size)`` when ``list_file_versions`` was called in b2sdk 2.x's form, else None.

    b2sdk 2.x's ``list_file_versions(file_name, fetch_count)`` lists the versions of one name, ``fetch_count``
    per page; the seed's ``list_file_versions(start_filename, start_file_id, ...)`` lists every version from
    a name on. They are told apart by ``file_name=`` / ``fetch_count=`` given by keyword, or by an ``int``
    in second place (a file id is a string). A lone positional name keeps the seed's meaning.
    """
    if isinstance(start_file_id, int):
        if fetch_count is not None or file_name is not None:
            raise TypeError("list_file_versions() got fetch_count both in second place and by keyword")
        file_name, fetch_count, start_file_id = start_filename, start_file_id, None
    elif fetch_count is not None and file_name is None:
        file_name = start_filename
    if file_name is None:
        return None
    if start_file_id is not None:
        raise TypeError("list_file_versions() takes no start_file_id with file_name (b2sdk 2.x's form)")
    if fetch_count is not None and fetch_count <= 0:
        raise ValueError(f"fetch_count must be positive, got {fetch_count}")
    return file_name, fetch_count


@dataclass(frozen=True)
class UnboundStreamSettings:
    """b2sdk 2.x's buffer knobs of ``upload_unbound_stream``, checked as b2sdk checks them.

    The part size is ``buffer_size``, else ``recommended_upload_part_size``, else the account's recommended
    size; ``min_part_size`` / ``max_part_size`` must admit it. ``buffers_count`` buffers are alive at once:
    one being filled from the stream, the others being sent. Each read of the stream asks for at most
    ``read_size`` bytes (b2sdk's "size of a single read operation"); None reads each part straight into its
    buffer. ``unused_buffer_timeout_seconds`` is checked and has no effect: in b2sdk it bounds how long the
    reader waits for a free buffer slot before failing with ``UnboundStreamBufferTimeout``. b2kit keeps no
    pool of buffers to wait on (each part gets a new buffer, dropped once sent); the reader waits only for
    one of the part uploads in flight to end, and each of those ends, sent or failed, within the retry
    policy's attempts and HTTP timeouts, so that wait has no deadline of its own.
    """

    buffers_count: int = 2
    buffer_size: int | None = None
    recommended_upload_part_size: int | None = None
    min_part_size: int | None = None
    max_part_size: int | None = None
    read_size: int | None = None
    unused_buffer_timeout_seconds: float = 3600.0

    def __post_init__(self) -> None:
        if self.buffers_count <= 1:
            raise ValueError("buffers_count has to be at least 2")
        if self.read_size is not None and self.read_size <= 0:
            raise ValueError("read_size has to be a positive integer")
        if self.unused_buffer_timeout_seconds <= 0.0:
            raise ValueError("unused_buffer_timeout_seconds has to be a positive number")
        size = self.part_size
        if size is not None and self.min_part_size is not None and self.min_part_size > size:
            raise InvalidUserInput(f"min_part_size {self.min_part_size} is larger than the part size {size}")
        if size is not None and self.max_part_size is not None and self.max_part_size < size:
            raise InvalidUserInput(f"max_part_size {self.max_part_size} is smaller than the part size {size}")

    @property
    def part_size(self) -> int | None:
        """The size of every part but the last (None: the account's recommended size)."""
        return self.buffer_size or self.recommended_upload_part_size

    @property
    def parts_in_flight(self) -> int:
        """Parts sent while the next buffer fills."""
        return self.buffers_count - 1

    def options(self, base: UploadOptions) -> UploadOptions:
        """``base`` with this part size."""
        size = self.part_size
        return base if size is None else dataclasses.replace(base, part_size=size)


_EMERGE_ONLY = ("recommended_upload_part_size", "continue_large_file_id", "min_part_size", "max_part_size")


def emerge_request(
    intents: Iterable[WriteIntent],
    options: UploadOptions | None,
    content_type: str | None,
    file_info: Mapping[str, str] | None,
    given: Mapping[str, Any],
    call: str,
) -> EmergeRequest:
    """b2sdk 2.x's ``create_file`` / ``concatenate`` arguments as one request.

    ``given`` holds the other keywords (part sizes, ``continue_large_file_id``, encryption, retention,
    legal hold, ``large_file_sha1``, ``custom_upload_timestamp``, the header keywords). With no content
    type, file info, header keyword or ``options``, a new file that is one whole B2 range keeps that
    file's metadata, as in b2sdk.
    """
    rest = {k: v for k, v in given.items() if k not in _EMERGE_ONLY}
    base = options or UploadOptions()
    if content_type is not None:
        base = dataclasses.replace(base, content_type=content_type)
    if file_info is not None:
        base = dataclasses.replace(base, file_info=dict(file_info))
    keeps = options is None and content_type is None and file_info is None and not _header_info(rest)
    return EmergeRequest(
        tuple(intents),
        upload_options(base, rest, call),
        keeps_source_metadata=keeps,
        min_part_size=given.get("min_part_size"),
        recommended_part_size=given.get("recommended_upload_part_size"),
        max_part_size=given.get("max_part_size"),
        continue_large_file_id=given.get("continue_large_file_id"),
    )
