"""What the transfer managers need from a session: the contract between them and ``B2Session``.

The managers (upload, download, copy) depend on this protocol, not on the concrete session, so they can be
read and type-checked on their own; ``B2Session`` satisfies it structurally (b2sdk's method names and
parameter order). Required parameters are positional-only here so only their order and types bind the
implementation; optional ones are keywords with b2sdk's names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any, Protocol

from b2kit._models import EncryptionSetting, FileRetentionSetting, LegalHold
from b2kit._raw._raw_api import MetadataDirectiveMode


class PartSizeInfo(Protocol):
    """The part sizes the account was given by ``b2_authorize_account``."""

    def get_recommended_part_size(self) -> int:
        """``recommendedPartSize`` of the authorized account."""
        ...

    def get_absolute_minimum_part_size(self) -> int:
        """``absoluteMinimumPartSize`` of the authorized account."""
        ...


class StreamingResponse(Protocol):
    """A download response whose body is read on demand."""

    @property
    def status(self) -> int:
        """HTTP status (200 or 206)."""
        ...

    @property
    def headers(self) -> Mapping[str, str]:
        """Case-insensitive response headers."""
        ...

    def read(self, amt: int | None = None, /) -> bytes:
        """Up to ``amt`` bytes of body, ``b""`` at the end; raises a B2 error when the connection breaks."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


class TransferSession(Protocol):
    """Session calls the transfer managers make (tokens, re-auth and upload-URL pools live behind them)."""

    @property
    def account_info(self) -> PartSizeInfo:
        """Where the part sizes are read from."""
        ...

    def upload_file(
        self,
        bucket_id: str,
        file_name: str,
        content_length: int,
        content_type: str,
        content_sha1: str,
        file_info: dict[str, str],
        data_stream: IO[bytes],
        /,
        *,
        server_side_encryption: EncryptionSetting | None = None,
        file_retention: FileRetentionSetting | None = None,
        legal_hold: LegalHold | None = None,
        custom_upload_timestamp: int | None = None,
    ) -> dict[str, Any]:
        """``b2_upload_file`` on a pooled upload URL (a URL that failed is not reused)."""
        ...

    def upload_part(
        self,
        file_id: str,
        part_number: int,
        content_length: int,
        sha1_sum: str,
        input_stream: IO[bytes],
        /,
        *,
        server_side_encryption: EncryptionSetting | None = None,
    ) -> dict[str, Any]:
        """``b2_upload_part`` on a pooled part upload URL."""
        ...

    def start_large_file(
        self,
        bucket_id: str,
        file_name: str,
        content_type: str,
        file_info: dict[str, str],
        /,
        *,
        server_side_encryption: EncryptionSetting | None = None,
        file_retention: FileRetentionSetting | None = None,
        legal_hold: LegalHold | None = None,
        custom_upload_timestamp: int | None = None,
    ) -> dict[str, Any]:
        """``b2_start_large_file``."""
        ...

    def finish_large_file(self, file_id: str, part_sha1_array: list[str], /) -> dict[str, Any]:
        """``b2_finish_large_file``."""
        ...

    def list_unfinished_large_files(
        self,
        bucket_id: str,
        /,
        *,
        start_file_id: str | None = None,
        max_file_count: int | None = None,
        prefix: str | None = None,
    ) -> dict[str, Any]:
        """``b2_list_unfinished_large_files`` (one page)."""
        ...

    def list_parts(
        self, file_id: str, start_part_number: int | None, max_part_count: int | None, /
    ) -> dict[str, Any]:
        """``b2_list_parts`` (one page)."""
        ...

    def get_file_info_by_id(self, file_id: str, /) -> dict[str, Any]:
        """``b2_get_file_info``."""
        ...

    def copy_file(
        self,
        source_file_id: str,
        new_file_name: str,
        /,
        *,
        bytes_range: tuple[int, int] | None = None,
        metadata_directive: MetadataDirectiveMode | None = None,
        content_type: str | None = None,
        file_info: Mapping[str, str] | None = None,
        destination_bucket_id: str | None = None,
        destination_server_side_encryption: EncryptionSetting | None = None,
        source_server_side_encryption: EncryptionSetting | None = None,
        file_retention: FileRetentionSetting | None = None,
        legal_hold: LegalHold | None = None,
    ) -> dict[str, Any]:
        """``b2_copy_file`` (``bytes_range`` inclusive)."""
        ...

    def copy_part(
        self,
        source_file_id: str,
        large_file_id: str,
        part_number: int,
        /,
        *,
        bytes_range: tuple[int, int] | None = None,
        destination_server_side_encryption: EncryptionSetting | None = None,
        source_server_side_encryption: EncryptionSetting | None = None,
    ) -> dict[str, Any]:
        """``b2_copy_part`` (``bytes_range`` inclusive)."""
        ...

    def get_download_url_by_id(self, file_id: str, /) -> str:
        """Download URL of a file id."""
        ...

    def get_download_url_by_name(self, bucket_name: str, file_name: str, /) -> str:
        """Download URL of a file name in a bucket."""
        ...

    def download_file_from_url(
        self,
        url: str,
        range_: tuple[int, int] | None = None,
        /,
        *,
        encryption: EncryptionSetting | None = None,
    ) -> StreamingResponse:
        """GET a download URL (with the account token), body unread; ``range_`` is inclusive."""
        ...
