"""What a new file is made of: byte ranges of existing B2 files and local upload sources (b2sdk's shapes).

``Bucket.create_file`` / ``concatenate`` take these. A :class:`CopySource` is a range of a file version
already in B2 (copied server-side when it is big enough to be a part); an
:class:`~b2kit._transfer._upload_source.UploadSource` is local bytes. A :class:`WriteIntent` places one
of them at an offset of the new file. Where intents overlap they must carry the same bytes there: the
overlap is a choice of where to get them, and a server-side copy is preferred.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from b2kit._models import EncryptionSetting
from b2kit._protocol import LARGE_FILE_SHA1_INFO_KEY
from b2kit._transfer._upload_source import UploadSource


@dataclass(frozen=True)
class CopySource:
    """``length`` bytes from ``offset`` of the B2 file version ``file_id`` (b2sdk's ``CopySource``).

    ``encryption`` is the source's SSE-C key when it has one; ``source_file_info`` and
    ``source_content_type`` are its metadata when the caller knows it (a whole-file copy then keeps its
    ``large_file_sha1``). A WriteIntent needs the length; ``Bucket.copy`` looks it up when it is None.
    """

    file_id: str
    offset: int = 0
    length: int | None = None
    encryption: EncryptionSetting | None = None
    source_file_info: Mapping[str, str] | None = None
    source_content_type: str | None = None

    def __post_init__(self) -> None:
        if self.offset < 0 or (self.length is not None and self.length < 0):
            raise ValueError(f"a copy source range cannot be negative: {self.offset}+{self.length}")
        if not self.length and self.offset > 0:
            raise ValueError("Cannot copy with non zero offset and unknown or zero length")

    def get_content_length(self) -> int | None:
        """Bytes in the range (None when not known)."""
        return self.length

    def get_content_sha1(self) -> str | None:
        """The source's ``large_file_sha1`` for a whole-file copy whose file info is known, else None."""
        if self.offset or self.length or self.source_file_info is None:
            return None
        return self.source_file_info.get(LARGE_FILE_SHA1_INFO_KEY)

    def get_bytes_range(self) -> tuple[int, int] | None:
        """The inclusive byte range in the source, or None for the whole file."""
        if not self.length:
            return None
        return self.offset, self.offset + self.length - 1

    def is_copy(self) -> bool:
        return True

    def is_upload(self) -> bool:
        return False


OutboundSource = UploadSource | CopySource
"""Where bytes of a new file come from: local bytes to upload, or a range of a B2 file to copy."""


def source_length(source: OutboundSource) -> int | None:
    """Bytes of ``source`` (None for a copy source of unknown length)."""
    return source.content_length if isinstance(source, UploadSource) else source.length


@dataclass(frozen=True)
class WriteIntent:
    """``outbound_source`` written at ``destination_offset`` of the new file (b2sdk's ``WriteIntent``)."""

    outbound_source: OutboundSource
    destination_offset: int = 0

    def __post_init__(self) -> None:
        if source_length(self.outbound_source) is None:
            raise ValueError("Cannot wrap outbound source of unknown length")
        if self.destination_offset < 0:
            raise ValueError(f"destination offset cannot be negative: {self.destination_offset}")

    @property
    def length(self) -> int:
        """Bytes the intent writes."""
        return source_length(self.outbound_source) or 0

    @property
    def destination_end_offset(self) -> int:
        """Offset one past the intent's last byte in the new file."""
        return self.destination_offset + self.length

    def is_copy(self) -> bool:
        return isinstance(self.outbound_source, CopySource)

    def is_upload(self) -> bool:
        return not self.is_copy()

    @classmethod
    def wrap_sources_iterator(cls, outbound_sources: Iterable[OutboundSource]) -> Iterator[WriteIntent]:
        """The sources one after another: each intent starts where the previous one ended."""
        offset = 0
        for source in outbound_sources:
            intent = cls(source, offset)
            offset = intent.destination_end_offset
            yield intent
