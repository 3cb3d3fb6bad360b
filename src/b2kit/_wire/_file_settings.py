"""What a new file version carries besides its name and bytes, as one value: the parameter group shared by
b2_upload_file (as headers) and b2_start_large_file (as JSON fields)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from b2kit import _protocol as p
from b2kit._models import JSON, EncryptionMode, EncryptionSetting, FileRetentionSetting, LegalHold


@dataclass(frozen=True)
class NewFileSettings:
    """Content type, file info, encryption, retention, legal hold and custom upload time of a new file."""

    content_type: str = p.CONTENT_TYPE_AUTO
    file_info: Mapping[str, str] = field(default_factory=dict)
    encryption: EncryptionSetting | None = None
    retention: FileRetentionSetting | None = None
    legal_hold: LegalHold | None = None
    custom_upload_timestamp: int | None = None

    def upload_headers(self) -> dict[str, str]:
        """These settings as b2_upload_file headers (protocol §7.1); info values percent-encoded."""
        headers = {"Content-Type": self.content_type}
        for key, value in self.file_info.items():
            headers[p.FILE_INFO_HEADER_PREFIX + key] = p.encode_name(value)
        if self.encryption is not None:
            headers.update(self.encryption.upload_headers())
        if self.legal_hold is not None:
            headers.update(self.legal_hold.upload_headers())
        if self.retention is not None:
            headers.update(self.retention.upload_headers())
        if self.custom_upload_timestamp is not None:
            headers["X-Bz-Custom-Upload-Timestamp"] = str(self.custom_upload_timestamp)
        return headers

    def start_fields(self) -> JSON:
        """The b2_start_large_file fields these settings become (an encryption of mode NONE is not sent)."""
        fields: JSON = {"contentType": self.content_type, "fileInfo": dict(self.file_info)}
        if self.encryption is not None and self.encryption.mode is not EncryptionMode.NONE:
            fields["serverSideEncryption"] = self.encryption.to_request_json()
        if self.retention is not None:
            fields["fileRetention"] = self.retention.to_request_json()
        if self.legal_hold is not None:
            fields["legalHold"] = self.legal_hold.to_server()
        if self.custom_upload_timestamp is not None:
            fields["customUploadTimestamp"] = self.custom_upload_timestamp
        return fields
