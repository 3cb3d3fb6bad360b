"""Call bases named for what their endpoint answers, so a description says its result type once.

``class HideFile(AnswersVersion)`` is an :class:`ApiCall` whose ``parse`` gives a :class:`FileVersion`; the
endpoint modules only declare fields.
"""

from __future__ import annotations

from b2kit._models import JSON, FileIdAndName, FileVersion, Part
from b2kit._wire._answers import BucketRecord, UploadUrl
from b2kit._wire._call import ApiCall


class AnswersVersion(ApiCall[FileVersion]):
    """An endpoint answering with one file version."""

    def parse(self, answer: JSON) -> FileVersion:
        return FileVersion.from_api_response(answer)


class AnswersBucket(ApiCall[BucketRecord]):
    """An endpoint answering with one bucket."""

    def parse(self, answer: JSON) -> BucketRecord:
        return BucketRecord.from_json(answer)


class AnswersFileIdAndName(ApiCall[FileIdAndName]):
    """An endpoint answering with the id and name of the version it removed."""

    def parse(self, answer: JSON) -> FileIdAndName:
        return FileIdAndName.from_cancel_or_delete_response(answer)


class AnswersPart(ApiCall[Part]):
    """An endpoint answering with one part of a large file."""

    def parse(self, answer: JSON) -> Part:
        return Part.from_list_parts_dict(answer)


class AnswersUploadUrl(ApiCall[UploadUrl]):
    """An endpoint answering with an upload URL and its token."""

    def parse(self, answer: JSON) -> UploadUrl:
        return UploadUrl.from_json(answer)
