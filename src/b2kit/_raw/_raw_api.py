"""B2RawApi: runs the wire layer's request descriptions over a :class:`B2Http`; offers b2sdk's raw API.

The generic path is :meth:`B2RawApi.call` (a JSON endpoint description such as ``ListBuckets(...)``, on a
base URL with an authorization) plus :meth:`~B2RawApi.upload`, :meth:`~B2RawApi.download` and
:meth:`~B2RawApi.head`. The named methods below (``create_key``, ``copy_file``...) keep b2sdk's raw API
signatures for code written against it: each only builds the description and calls the generic path.
JSON endpoints take ``(api_url, account_auth_token, ...)`` and return the decoded JSON dict (they run the
description with :meth:`~B2RawApi.call_json`, which skips its typed ``parse``); uploads take
``(upload_url, upload_auth_token, ...)``; downloads return a streaming :class:`HttpResponse`.
Anything with the same methods may stand in for it (``B2Api(raw_api=...)``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from b2kit import _wire as w
from b2kit._exceptions import B2Error
from b2kit._models import JSON, EncryptionSetting, FileRetentionSetting, LegalHold
from b2kit._transport._http import B2Http, HttpResponse
from b2kit._wire import (
    API_VERSION,
    REALM_URLS,
    ApiCall,
    Body,
    MetadataDirectiveMode,
    check_b2_filename,
    range_header,
    realm_url,
)

__all__ = [
    "API_VERSION",
    "REALM_URLS",
    "B2RawApi",
    "MetadataDirectiveMode",
    "check_b2_filename",
    "range_header",
    "realm_url",
]

R = TypeVar("R")
T = TypeVar("T")


class _Translating(Protocol):
    def translate(self, error: B2Error) -> B2Error: ...


def translated(description: _Translating, action: Callable[[], T]) -> T:
    """Run ``action``; an error is re-raised as the description says this endpoint means it."""
    try:
        return action()
    except B2Error as error:
        meant = description.translate(error)
        if meant is error:
            raise
        raise meant from error


class B2RawApi:
    """Direct, stateless access to every B2 endpoint."""

    API_VERSION = API_VERSION

    def __init__(self, b2_http: B2Http) -> None:
        self.b2_http = b2_http

    # --- the generic path ----------------------------------------------------------------------------------

    def call(self, base_url: str, authorization: str, call: ApiCall[R]) -> R:
        """Send a JSON endpoint description (retried per the HTTP policy) and return its parsed result."""
        return w.read_answer(call, self.call_json(base_url, authorization, call))

    def call_json(self, base_url: str, authorization: str, call: ApiCall[Any]) -> JSON:
        """:meth:`call`, returning the decoded answer unparsed (the shape of b2sdk's raw API)."""
        request = call.to_http(base_url, authorization)
        return translated(call, lambda: self.b2_http.request_json(request))

    def upload(self, upload_url: str, upload_auth_token: str, upload: w.Upload[R], body: Body) -> R:
        """POST a file or part to an upload URL: one attempt (the session retries on a new URL)."""
        return w.read_answer(upload, self.upload_json(upload_url, upload_auth_token, upload, body))

    def upload_json(self, upload_url: str, upload_auth_token: str, upload: w.Upload[Any], body: Body) -> JSON:
        """:meth:`upload`, returning the decoded answer unparsed."""
        request = upload.to_http(upload_url, upload_auth_token, body)
        return self.b2_http.request_json(request, retry=False)

    def download(self, authorization: str | None, download: w.DownloadFile) -> HttpResponse:
        """GET a download URL; the response's body is unread (use it as a context manager)."""
        request = download.to_http(authorization)
        return translated(download, lambda: self.b2_http.request_stream(request))

    def head(self, authorization: str, head: w.FileInfoByName) -> Mapping[str, str]:
        """HEAD a download-by-name URL; returns the answer's headers."""
        request = head.to_http(authorization)
        return translated(head, lambda: self.b2_http.request_headers(request))

    # --- b2sdk's raw API: account, keys --------------------------------------------------------------------

    def authorize_account(self, realm_url: str, application_key_id: str, application_key: str) -> JSON:
        """b2_authorize_account with Basic auth; a 401 here is never retried."""
        call = w.AuthorizeAccount(application_key_id, application_key)
        return self.call_json(realm_url, call.basic_authorization(), call)

    def create_key(
        self,
        api_url: str,
        account_auth_token: str,
        account_id: str,
        capabilities: Sequence[str],
        key_name: str,
        valid_duration_seconds: int | None,
        bucket_ids: Sequence[str] | None,
        name_prefix: str | None,
    ) -> JSON:
        call = w.CreateKey(
            account_id, capabilities, key_name, valid_duration_seconds, bucket_ids, name_prefix
        )
        return self.call_json(api_url, account_auth_token, call)

    def delete_key(self, api_url: str, account_auth_token: str, application_key_id: str) -> JSON:
        return self.call_json(api_url, account_auth_token, w.DeleteKey(application_key_id))

    def list_keys(
        self,
        api_url: str,
        account_auth_token: str,
        account_id: str,
        max_key_count: int | None = None,
        start_application_key_id: str | None = None,
    ) -> JSON:
        call = w.ListKeys(account_id, max_key_count, start_application_key_id)
        return self.call_json(api_url, account_auth_token, call)

    # --- buckets -------------------------------------------------------------------------------------------

    def create_bucket(
        self,
        api_url: str,
        account_auth_token: str,
        account_id: str,
        bucket_name: str,
        bucket_type: str,
        bucket_info: Mapping[str, str] | None = None,
        cors_rules: Sequence[Mapping[str, Any]] | None = None,
        lifecycle_rules: Sequence[Mapping[str, Any]] | None = None,
        default_server_side_encryption: EncryptionSetting | None = None,
        is_file_lock_enabled: bool | None = None,
        replication: Mapping[str, Any] | None = None,
    ) -> JSON:
        call = w.CreateBucket(
            account_id,
            bucket_name,
            bucket_type,
            bucket_info,
            cors_rules,
            lifecycle_rules,
            default_server_side_encryption,
            is_file_lock_enabled,
            replication,
        )
        return self.call_json(api_url, account_auth_token, call)

    def delete_bucket(self, api_url: str, account_auth_token: str, account_id: str, bucket_id: str) -> JSON:
        return self.call_json(api_url, account_auth_token, w.DeleteBucket(account_id, bucket_id))

    def list_buckets(
        self,
        api_url: str,
        account_auth_token: str,
        account_id: str,
        bucket_id: str | None = None,
        bucket_name: str | None = None,
    ) -> JSON:
        return self.call_json(api_url, account_auth_token, w.ListBuckets(account_id, bucket_id, bucket_name))

    def update_bucket(
        self,
        api_url: str,
        account_auth_token: str,
        account_id: str,
        bucket_id: str,
        bucket_type: str | None = None,
        bucket_info: Mapping[str, str] | None = None,
        cors_rules: Sequence[Mapping[str, Any]] | None = None,
        lifecycle_rules: Sequence[Mapping[str, Any]] | None = None,
        if_revision_is: int | None = None,
        default_server_side_encryption: EncryptionSetting | None = None,
        default_retention: Mapping[str, Any] | None = None,
        replication: Mapping[str, Any] | None = None,
        is_file_lock_enabled: bool | None = None,
    ) -> JSON:
        call = w.UpdateBucket(
            account_id,
            bucket_id,
            bucket_type,
            bucket_info,
            cors_rules,
            lifecycle_rules,
            if_revision_is,
            default_server_side_encryption,
            default_retention,
            replication,
            is_file_lock_enabled,
        )
        return self.call_json(api_url, account_auth_token, call)

    def set_bucket_notification_rules(
        self, api_url: str, account_auth_token: str, bucket_id: str, rules: Sequence[Mapping[str, Any]]
    ) -> list[JSON]:
        return self.call(api_url, account_auth_token, w.SetBucketNotificationRules(bucket_id, rules))

    def get_bucket_notification_rules(
        self, api_url: str, account_auth_token: str, bucket_id: str
    ) -> list[JSON]:
        return self.call(api_url, account_auth_token, w.GetBucketNotificationRules(bucket_id))

    # --- files ---------------------------------------------------------------------------------------------

    def list_file_names(
        self,
        api_url: str,
        account_auth_token: str,
        bucket_id: str,
        start_file_name: str | None = None,
        max_file_count: int | None = None,
        prefix: str | None = None,
    ) -> JSON:
        call = w.ListFileNames(bucket_id, start_file_name, max_file_count, prefix)
        return self.call_json(api_url, account_auth_token, call)

    def list_file_versions(
        self,
        api_url: str,
        account_auth_token: str,
        bucket_id: str,
        start_file_name: str | None = None,
        start_file_id: str | None = None,
        max_file_count: int | None = None,
        prefix: str | None = None,
    ) -> JSON:
        call = w.ListFileVersions(bucket_id, start_file_name, start_file_id, max_file_count, prefix)
        return self.call_json(api_url, account_auth_token, call)

    def get_file_info_by_id(self, api_url: str, account_auth_token: str, file_id: str) -> JSON:
        return self.call_json(api_url, account_auth_token, w.GetFileInfo(file_id))

    def get_file_info_by_name(
        self, download_url: str, account_auth_token: str, bucket_name: str, file_name: str
    ) -> Mapping[str, str]:
        """HEAD on the download-by-name URL; returns the response headers (protocol §6.22)."""
        url = w.download_url_by_name(download_url, bucket_name, file_name)
        return self.head(account_auth_token, w.FileInfoByName(url, bucket_name, file_name))

    def hide_file(self, api_url: str, account_auth_token: str, bucket_id: str, file_name: str) -> JSON:
        return self.call_json(api_url, account_auth_token, w.HideFile(bucket_id, file_name))

    def delete_file_version(
        self,
        api_url: str,
        account_auth_token: str,
        file_id: str,
        file_name: str,
        bypass_governance: bool = False,
    ) -> JSON:
        call = w.DeleteFileVersion(file_id, file_name, bypass_governance)
        return self.call_json(api_url, account_auth_token, call)

    def update_file_retention(
        self,
        api_url: str,
        account_auth_token: str,
        file_id: str,
        file_name: str,
        file_retention: FileRetentionSetting,
        bypass_governance: bool = False,
    ) -> JSON:
        call = w.UpdateFileRetention(file_id, file_name, file_retention, bypass_governance)
        return self.call_json(api_url, account_auth_token, call)

    def update_file_legal_hold(
        self, api_url: str, account_auth_token: str, file_id: str, file_name: str, legal_hold: LegalHold
    ) -> JSON:
        call = w.UpdateFileLegalHold(file_id, file_name, legal_hold)
        return self.call_json(api_url, account_auth_token, call)

    def get_download_authorization(
        self,
        api_url: str,
        account_auth_token: str,
        bucket_id: str,
        file_name_prefix: str,
        valid_duration_in_seconds: int,
    ) -> JSON:
        call = w.GetDownloadAuthorization(bucket_id, file_name_prefix, valid_duration_in_seconds)
        return self.call_json(api_url, account_auth_token, call)

    # --- uploads -------------------------------------------------------------------------------------------

    def get_upload_url(self, api_url: str, account_auth_token: str, bucket_id: str) -> JSON:
        return self.call_json(api_url, account_auth_token, w.GetUploadUrl(bucket_id))

    def get_upload_part_url(self, api_url: str, account_auth_token: str, file_id: str) -> JSON:
        return self.call_json(api_url, account_auth_token, w.GetUploadPartUrl(file_id))

    def upload_file(
        self,
        upload_url: str,
        upload_auth_token: str,
        file_name: str,
        content_length: int,
        content_type: str,
        content_sha1: str,
        file_info: Mapping[str, str],
        data_stream: Body,
        server_side_encryption: EncryptionSetting | None = None,
        file_retention: FileRetentionSetting | None = None,
        legal_hold: LegalHold | None = None,
        custom_upload_timestamp: int | None = None,
    ) -> JSON:
        """POST one small file to an upload URL; one attempt (the session retries with a new URL)."""
        settings = w.NewFileSettings(
            content_type,
            file_info,
            server_side_encryption,
            file_retention,
            legal_hold,
            custom_upload_timestamp,
        )
        upload = w.UploadFile(file_name, content_length, content_sha1, settings)
        return self.upload_json(upload_url, upload_auth_token, upload, data_stream)

    def upload_part(
        self,
        upload_url: str,
        upload_auth_token: str,
        part_number: int,
        content_length: int,
        content_sha1: str,
        data_stream: Body,
        server_side_encryption: EncryptionSetting | None = None,
    ) -> JSON:
        """POST one part of a large file to a part upload URL; one attempt."""
        upload = w.UploadPart(part_number, content_length, content_sha1, server_side_encryption)
        return self.upload_json(upload_url, upload_auth_token, upload, data_stream)

    # --- large files ---------------------------------------------------------------------------------------

    def start_large_file(
        self,
        api_url: str,
        account_auth_token: str,
        bucket_id: str,
        file_name: str,
        content_type: str,
        file_info: Mapping[str, str],
        server_side_encryption: EncryptionSetting | None = None,
        file_retention: FileRetentionSetting | None = None,
        legal_hold: LegalHold | None = None,
        custom_upload_timestamp: int | None = None,
    ) -> JSON:
        settings = w.NewFileSettings(
            content_type,
            file_info,
            server_side_encryption,
            file_retention,
            legal_hold,
            custom_upload_timestamp,
        )
        return self.call_json(api_url, account_auth_token, w.StartLargeFile(bucket_id, file_name, settings))

    def finish_large_file(
        self, api_url: str, account_auth_token: str, file_id: str, part_sha1_array: Sequence[str]
    ) -> JSON:
        return self.call_json(api_url, account_auth_token, w.FinishLargeFile(file_id, part_sha1_array))

    def cancel_large_file(self, api_url: str, account_auth_token: str, file_id: str) -> JSON:
        return self.call_json(api_url, account_auth_token, w.CancelLargeFile(file_id))

    def list_parts(
        self,
        api_url: str,
        account_auth_token: str,
        file_id: str,
        start_part_number: int | None,
        max_part_count: int | None,
    ) -> JSON:
        return self.call_json(
            api_url, account_auth_token, w.ListParts(file_id, start_part_number, max_part_count)
        )

    def list_unfinished_large_files(
        self,
        api_url: str,
        account_auth_token: str,
        bucket_id: str,
        start_file_id: str | None = None,
        max_file_count: int | None = None,
        prefix: str | None = None,
    ) -> JSON:
        call = w.ListUnfinishedLargeFiles(bucket_id, start_file_id, max_file_count, prefix)
        return self.call_json(api_url, account_auth_token, call)

    # --- server-side copy ----------------------------------------------------------------------------------

    def copy_file(
        self,
        api_url: str,
        account_auth_token: str,
        source_file_id: str,
        new_file_name: str,
        bytes_range: tuple[int, int] | None = None,
        metadata_directive: MetadataDirectiveMode | None = None,
        content_type: str | None = None,
        file_info: Mapping[str, str] | None = None,
        destination_bucket_id: str | None = None,
        destination_server_side_encryption: EncryptionSetting | None = None,
        source_server_side_encryption: EncryptionSetting | None = None,
        file_retention: FileRetentionSetting | None = None,
        legal_hold: LegalHold | None = None,
    ) -> JSON:
        call = w.CopyFile(
            source_file_id,
            new_file_name,
            bytes_range,
            metadata_directive,
            content_type,
            file_info,
            destination_bucket_id,
            destination_server_side_encryption,
            source_server_side_encryption,
            file_retention,
            legal_hold,
        )
        return self.call_json(api_url, account_auth_token, call)

    def copy_part(
        self,
        api_url: str,
        account_auth_token: str,
        source_file_id: str,
        large_file_id: str,
        part_number: int,
        bytes_range: tuple[int, int] | None = None,
        destination_server_side_encryption: EncryptionSetting | None = None,
        source_server_side_encryption: EncryptionSetting | None = None,
    ) -> JSON:
        call = w.CopyPart(
            source_file_id,
            large_file_id,
            part_number,
            bytes_range,
            destination_server_side_encryption,
            source_server_side_encryption,
        )
        return self.call_json(api_url, account_auth_token, call)

    # --- downloads -----------------------------------------------------------------------------------------

    def get_download_url_by_id(self, download_url: str, file_id: str) -> str:
        return w.download_url_by_id(download_url, file_id)

    def get_download_url_by_name(self, download_url: str, bucket_name: str, file_name: str) -> str:
        return w.download_url_by_name(download_url, bucket_name, file_name)

    def download_file_from_url(
        self,
        account_auth_token_or_none: str | None,
        url: str,
        range_: tuple[int, int] | None = None,
        encryption: EncryptionSetting | None = None,
    ) -> HttpResponse:
        """GET a download URL; returns the response with its body unread (use it as a context manager)."""
        return self.download(account_auth_token_or_none, w.DownloadFile(url, range_, encryption))
