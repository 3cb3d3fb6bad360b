"""Requests that carry file bytes (protocol §7, §8): uploads of a file or a part on an upload URL, and
downloads (GET, streamed) and file-info HEADs on a download URL."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar, Generic, TypeVar

from b2kit import _protocol as p
from b2kit._exceptions import AccessDenied, B2Error, FileNotPresent, ResourceNotFound, SSECKeyError
from b2kit._models import JSON, EncryptionSetting, FileVersion, Part
from b2kit._wire._file_settings import NewFileSettings
from b2kit._wire._message import Body, Expect, HttpRequest
from b2kit._wire._urls import check_b2_filename, range_header

R = TypeVar("R", covariant=True)


class Upload(ABC, Generic[R]):
    """What uploads (:class:`UploadFile`, :class:`UploadPart`) share: the POST of a body with its length and
    SHA-1, answered by the JSON of the new file version or part."""

    endpoint: ClassVar[str]
    content_length: int
    content_sha1: str

    def to_http(self, upload_url: str, upload_auth_token: str, body: Body) -> HttpRequest:
        """The POST of ``body`` (bytes or a stream of ``content_length`` bytes) to ``upload_url``."""
        headers = {
            "Authorization": upload_auth_token,
            "Accept": "application/json",
            "Content-Length": str(self.content_length),
            "X-Bz-Content-Sha1": self.content_sha1,
            **self.own_headers(),
        }
        return HttpRequest(
            "POST", upload_url, headers, body, Expect.JSON, self.endpoint, moves_file_bytes=True
        )

    @abstractmethod
    def own_headers(self) -> dict[str, str]:
        """The headers of this kind of upload."""

    @abstractmethod
    def parse(self, answer: JSON) -> R:
        """The typed result of a successful answer."""

    def translate(self, error: B2Error) -> B2Error:
        return error


@dataclass(frozen=True)
class UploadFile(Upload[FileVersion]):
    """b2_upload_file: one small file POSTed to an upload URL; ``content_sha1`` may be hex_digits_at_end."""

    endpoint: ClassVar[str] = "b2_upload_file"
    file_name: str
    content_length: int
    content_sha1: str
    settings: NewFileSettings = field(default_factory=NewFileSettings)

    def __post_init__(self) -> None:
        check_b2_filename(self.file_name)

    def own_headers(self) -> dict[str, str]:
        return {"X-Bz-File-Name": p.encode_name(self.file_name), **self.settings.upload_headers()}

    def parse(self, answer: JSON) -> FileVersion:
        return FileVersion.from_api_response(answer)


@dataclass(frozen=True)
class UploadPart(Upload[Part]):
    """b2_upload_part: one part of a large file POSTed to a part upload URL."""

    endpoint: ClassVar[str] = "b2_upload_part"
    part_number: int
    content_length: int
    content_sha1: str
    encryption: EncryptionSetting | None = None

    def own_headers(self) -> dict[str, str]:
        headers = {"X-Bz-Part-Number": str(self.part_number)}
        if self.encryption is not None:
            headers.update(self.encryption.upload_headers())
        return headers

    def parse(self, answer: JSON) -> Part:
        return Part.from_list_parts_dict(answer)


@dataclass(frozen=True)
class DownloadFile:
    """A GET of a download URL (by id or by name), optionally of an inclusive byte range; body streamed."""

    url: str
    range_: tuple[int, int] | None = None
    encryption: EncryptionSetting | None = None

    def to_http(self, authorization: str | None) -> HttpRequest:
        """The GET; without a token for public buckets or URLs that carry their own authorization."""
        headers: dict[str, str] = {}
        if self.range_ is not None:
            headers["Range"] = range_header(self.range_)
        if self.encryption is not None:
            headers.update(self.encryption.download_headers())
        if authorization is not None:
            headers["Authorization"] = authorization
        return HttpRequest("GET", self.url, headers, None, Expect.STREAM, "download", moves_file_bytes=True)

    def translate(self, error: B2Error) -> B2Error:
        """A 401/403 on a download means the SSE-C key is wrong or missing."""
        if isinstance(error, AccessDenied):
            return SSECKeyError(error.message, status=error.status, code=error.code)
        return error


@dataclass(frozen=True)
class FileInfoByName:
    """A HEAD of the download-by-name URL: the file's metadata as headers (protocol §6.22)."""

    url: str
    bucket_name: str
    file_name: str

    def to_http(self, authorization: str) -> HttpRequest:
        headers = {"Authorization": authorization}
        return HttpRequest("HEAD", self.url, headers, None, Expect.HEADERS, "HEAD", moves_file_bytes=True)

    def translate(self, error: B2Error) -> B2Error:
        """Not found means no such file."""
        if isinstance(error, ResourceNotFound):
            return FileNotPresent.by_name(self.bucket_name, self.file_name)
        return error
