"""What ``create_file`` / ``concatenate`` were asked for, and the pure decisions both executors share.

A new file laid out as one piece is handed whole to the existing managers: one B2 range to the copy
manager (which keeps the source's metadata unless new metadata was given), one local range to the upload
manager (small or large, resumable). Anything else follows :func:`~._emerge_planning.plan_emerge`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from b2kit._protocol import LARGE_FILE_SHA1_INFO_KEY
from b2kit._transfer._copy import CopyOptions
from b2kit._transfer._emerge_planning import Part, PartSizes, Piece
from b2kit._transfer._part_planning import PartSizeLimits
from b2kit._transfer._pieces_source import PiecesSource
from b2kit._transfer._upload import UploadOptions
from b2kit._transfer._upload_source import UploadSource
from b2kit._transfer._write_intents import CopySource, WriteIntent
from b2kit._wire import NewFileSettings


@dataclass(frozen=True)
class EmergeRequest:
    """The intents of a new file and how to store it.

    ``options`` carries content type, file info, encryption, retention, legal hold, ``large_file_sha1`` and
    the upload timestamp; ``keeps_source_metadata`` is True when neither content type nor file info was
    given (a lone copy then keeps its source's). ``continue_large_file_id`` names an unfinished large file
    whose parts of the planned sizes are kept.
    """

    intents: tuple[WriteIntent, ...]
    options: UploadOptions
    keeps_source_metadata: bool = False
    min_part_size: int | None = None
    recommended_part_size: int | None = None
    max_part_size: int | None = None
    continue_large_file_id: str | None = None

    def sizes(self, limits: PartSizeLimits) -> PartSizes:
        """The part sizes of the plan."""
        return PartSizes.choose(limits, self.min_part_size, self.recommended_part_size, self.max_part_size)

    def upload_options(self) -> UploadOptions:
        """Options for a new file uploaded whole by the upload manager."""
        size = self.recommended_part_size
        return self.options if size is None else dataclasses.replace(self.options, part_size=size)

    def copy_options(self, bucket_id: str, piece: Piece) -> CopyOptions:
        """Options for a new file that is one B2 range, copied whole by the copy manager."""
        source = piece.source
        if not isinstance(source, CopySource):
            raise TypeError("only a B2 piece is copied")
        replace = not self.keeps_source_metadata
        return CopyOptions(
            destination_bucket_id=bucket_id,
            offset=source.offset + piece.offset,
            length=piece.length,
            content_type=self.options.content_type if replace else None,
            file_info=self.options.stored_file_info() if replace else None,
            part_size=self.recommended_part_size,
            source_encryption=source.encryption,
            destination_encryption=self.options.encryption,
            file_retention=self.options.file_retention,
            legal_hold=self.options.legal_hold,
        )

    def large_file_settings(self) -> NewFileSettings:
        """What ``b2_start_large_file`` records for a file assembled from parts."""
        info = self.options.stored_file_info()
        sha1 = self.options.large_file_sha1 or _lone_source_sha1(self.intents)
        if sha1 is not None:
            info[LARGE_FILE_SHA1_INFO_KEY] = sha1
        return dataclasses.replace(self.options.new_file_settings(), file_info=info)


def local_source(piece: Piece) -> UploadSource:
    """A local piece as an upload source (the source itself when the piece is all of it)."""
    source = piece.source
    if not isinstance(source, UploadSource):
        raise TypeError("only a local piece is read from an upload source")
    if piece.offset == 0 and piece.length == source.content_length:
        return source
    return PiecesSource([(source, piece.offset, piece.length)])


def kept_part_sha1(existing: Mapping[int, tuple[int, str]], part: Part) -> str | None:
    """The SHA-1 of an already uploaded part of a continued large file, when its size is the planned one."""
    found = existing.get(part.number)
    return found[1] if found is not None and found[0] == part.length else None


def _lone_source_sha1(intents: tuple[WriteIntent, ...]) -> str | None:
    """The whole content's SHA-1 when one intent is the whole file and its source knows its SHA-1."""
    if len(intents) != 1 or intents[0].destination_offset != 0:
        return None
    source = intents[0].outbound_source
    return source.content_sha1 if isinstance(source, UploadSource) else source.get_content_sha1()
