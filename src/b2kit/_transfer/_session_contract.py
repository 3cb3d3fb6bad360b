"""What the transfer managers need from a session: the contract between them and ``B2Session``.

The managers (upload, download, copy) depend on this protocol, not on the concrete session, so they can be
read and type-checked on their own; ``B2Session`` satisfies it structurally.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, TypeVar

from b2kit._models import FileIdAndName, FileVersion, Part
from b2kit._session._pager import Pager
from b2kit._wire import ApiCall, Body, DownloadFile, PagedCall, UploadFile, UploadPart

R = TypeVar("R")
T = TypeVar("T")


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
    """Session calls the transfer managers make (tokens, re-auth and upload-URL pools live behind them).

    Requests are the wire layer's descriptions, so this contract does not repeat any endpoint's parameters.
    """

    @property
    def account_info(self) -> PartSizeInfo:
        """Where the part sizes are read from."""
        ...

    def call(self, call: ApiCall[R], /) -> R:
        """Send a JSON endpoint description; returns its parsed result."""
        ...

    def paged(self, call: PagedCall[T], limit: int | None = None, /) -> Pager[T]:
        """The pages of a listing call."""
        ...

    def send_file(self, bucket_id: str, upload: UploadFile, body: Body, /) -> FileVersion:
        """``b2_upload_file`` on a pooled upload URL (a URL that failed is not reused)."""
        ...

    def send_part(self, file_id: str, upload: UploadPart, body: Body, /) -> Part:
        """``b2_upload_part`` on a pooled part upload URL."""
        ...

    def finish_large_file(self, file_id: str, part_sha1_array: Sequence[str], /) -> FileVersion:
        """``b2_finish_large_file`` (and forget the file's part upload URLs)."""
        ...

    def cancel_large_file(self, file_id: str, /) -> FileIdAndName:
        """``b2_cancel_large_file`` (and forget the file's part upload URLs)."""
        ...

    def get_download_url_by_id(self, file_id: str, /) -> str:
        """Download URL of a file id."""
        ...

    def get_download_url_by_name(self, bucket_name: str, file_name: str, /) -> str:
        """Download URL of a file name in a bucket."""
        ...

    def download(self, download: DownloadFile, /) -> StreamingResponse:
        """GET a download URL (with the account token), body unread."""
        ...
