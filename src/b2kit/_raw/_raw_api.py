"""B2RawApi: one method per B2 native endpoint (protocol §6), over ``/b2api/v4``, with no state of its own.

Method and parameter names follow b2sdk's raw API so code written against it reads the same: JSON endpoints
take ``(api_url, account_auth_token, ...)`` and return the decoded JSON dict; uploads take ``(upload_url,
upload_auth_token, ...)``; :meth:`B2RawApi.download_file_from_url` returns a streaming
:class:`HttpResponse`. Settings (encryption, retention, legal hold) are the values of
:mod:`b2kit._models`. Anything with the same methods may stand in for it (``B2Api(raw_api=...)``).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import IO, Any, Final

from b2kit import _protocol as p
from b2kit._exceptions import FileNotPresent, ResourceNotFound, RetentionWriteError, SSECKeyError
from b2kit._models import JSON, EncryptionSetting, FileRetentionSetting, LegalHold
from b2kit._transport._http import B2Http, HttpResponse
from b2kit._wire._build import (
    REALM_URLS as REALM_URLS,
)
from b2kit._wire._build import (
    access_denied_as,
    bucket_fields,
    copy_fields,
    copy_metadata_fields,
    download_headers,
    download_url_by_name,
    large_file_fields,
    upload_file_headers,
    upload_part_headers,
)
from b2kit._wire._build import (
    check_b2_filename as check_b2_filename,
)
from b2kit._wire._build import (
    range_header as range_header,
)
from b2kit._wire._build import (
    realm_url as realm_url,
)

API_VERSION: Final = p.LATEST_API_VERSION


class MetadataDirectiveMode(StrEnum):
    """Whether a copy keeps the source's content type and file info (COPY) or takes new ones (REPLACE)."""

    COPY = "COPY"
    REPLACE = "REPLACE"


class B2RawApi:
    """Direct, stateless access to every B2 endpoint."""

    API_VERSION = API_VERSION

    def __init__(self, b2_http: B2Http) -> None:
        self.b2_http = b2_http

    # --- helpers -------------------------------------------------------------------------------------------

    def _url(self, base_url: str, endpoint: str) -> str:
        return f"{base_url}/b2api/{self.API_VERSION}/{endpoint}"

    def _post_json(self, base_url: str, endpoint: str, auth: str, **params: Any) -> JSON:
        return self.b2_http.post_json_return_json(
            self._url(base_url, endpoint), {"Authorization": auth}, params, description=endpoint
        )

    def _get_json(self, base_url: str, endpoint: str, auth: str, **params: Any) -> JSON:
        return self.b2_http.get_json(
            self._url(base_url, endpoint), {"Authorization": auth}, params, description=endpoint
        )

    # --- account, keys -------------------------------------------------------------------------------------

    def authorize_account(self, realm_url: str, application_key_id: str, application_key: str) -> JSON:
        """b2_authorize_account with Basic auth; a 401 here is never retried."""
        secret = base64.b64encode(f"{application_key_id}:{application_key}".encode()).decode("ascii")
        return self._post_json(realm_url.rstrip("/"), "b2_authorize_account", f"Basic {secret}")

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
        return self._post_json(
            api_url,
            "b2_create_key",
            account_auth_token,
            accountId=account_id,
            capabilities=list(capabilities),
            keyName=key_name,
            validDurationInSeconds=valid_duration_seconds,
            bucketIds=list(bucket_ids) if bucket_ids is not None else None,
            namePrefix=name_prefix,
        )

    def delete_key(self, api_url: str, account_auth_token: str, application_key_id: str) -> JSON:
        return self._post_json(
            api_url, "b2_delete_key", account_auth_token, applicationKeyId=application_key_id
        )

    def list_keys(
        self,
        api_url: str,
        account_auth_token: str,
        account_id: str,
        max_key_count: int | None = None,
        start_application_key_id: str | None = None,
    ) -> JSON:
        return self._post_json(
            api_url,
            "b2_list_keys",
            account_auth_token,
            accountId=account_id,
            maxKeyCount=max_key_count,
            startApplicationKeyId=start_application_key_id,
        )

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
        params = bucket_fields(
            default_server_side_encryption,
            bucketInfo=bucket_info,
            corsRules=cors_rules,
            lifecycleRules=lifecycle_rules,
            fileLockEnabled=is_file_lock_enabled,
            replicationConfiguration=replication,
        )
        return self._post_json(
            api_url,
            "b2_create_bucket",
            account_auth_token,
            accountId=account_id,
            bucketName=bucket_name,
            bucketType=bucket_type,
            **params,
        )

    def delete_bucket(self, api_url: str, account_auth_token: str, account_id: str, bucket_id: str) -> JSON:
        return self._post_json(
            api_url, "b2_delete_bucket", account_auth_token, accountId=account_id, bucketId=bucket_id
        )

    def list_buckets(
        self,
        api_url: str,
        account_auth_token: str,
        account_id: str,
        bucket_id: str | None = None,
        bucket_name: str | None = None,
    ) -> JSON:
        return self._post_json(
            api_url,
            "b2_list_buckets",
            account_auth_token,
            accountId=account_id,
            bucketTypes=["all"],
            bucketId=bucket_id,
            bucketName=bucket_name,
        )

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
        params = bucket_fields(
            default_server_side_encryption,
            bucketType=bucket_type,
            bucketInfo=bucket_info,
            corsRules=cors_rules,
            lifecycleRules=lifecycle_rules,
            ifRevisionIs=if_revision_is,
            defaultRetention=default_retention,
            replicationConfiguration=replication,
            fileLockEnabled=is_file_lock_enabled,
        )
        if not params:
            raise ValueError("update_bucket needs at least one setting to change")
        return self._post_json(
            api_url,
            "b2_update_bucket",
            account_auth_token,
            accountId=account_id,
            bucketId=bucket_id,
            **params,
        )

    def set_bucket_notification_rules(
        self,
        api_url: str,
        account_auth_token: str,
        bucket_id: str,
        rules: Sequence[Mapping[str, Any]],
    ) -> list[JSON]:
        response = self._post_json(
            api_url,
            "b2_set_bucket_notification_rules",
            account_auth_token,
            bucketId=bucket_id,
            eventNotificationRules=list(rules),
        )
        return list(response["eventNotificationRules"])

    def get_bucket_notification_rules(
        self, api_url: str, account_auth_token: str, bucket_id: str
    ) -> list[JSON]:
        response = self._get_json(
            api_url, "b2_get_bucket_notification_rules", account_auth_token, bucketId=bucket_id
        )
        return list(response["eventNotificationRules"])

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
        return self._post_json(
            api_url,
            "b2_list_file_names",
            account_auth_token,
            bucketId=bucket_id,
            startFileName=start_file_name,
            maxFileCount=max_file_count,
            prefix=prefix,
        )

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
        return self._post_json(
            api_url,
            "b2_list_file_versions",
            account_auth_token,
            bucketId=bucket_id,
            startFileName=start_file_name,
            startFileId=start_file_id,
            maxFileCount=max_file_count,
            prefix=prefix,
        )

    def get_file_info_by_id(self, api_url: str, account_auth_token: str, file_id: str) -> JSON:
        return self._post_json(api_url, "b2_get_file_info", account_auth_token, fileId=file_id)

    def get_file_info_by_name(
        self, download_url: str, account_auth_token: str, bucket_name: str, file_name: str
    ) -> Mapping[str, str]:
        """HEAD on the download-by-name URL; returns the response headers (protocol §6.22)."""
        url = self.get_download_url_by_name(download_url, bucket_name, file_name)
        try:
            return self.b2_http.head_content(url, {"Authorization": account_auth_token})
        except ResourceNotFound as exc:
            raise FileNotPresent.by_name(bucket_name, file_name) from exc

    def hide_file(self, api_url: str, account_auth_token: str, bucket_id: str, file_name: str) -> JSON:
        return self._post_json(
            api_url, "b2_hide_file", account_auth_token, bucketId=bucket_id, fileName=file_name
        )

    def delete_file_version(
        self,
        api_url: str,
        account_auth_token: str,
        file_id: str,
        file_name: str,
        bypass_governance: bool = False,
    ) -> JSON:
        return self._post_json(
            api_url,
            "b2_delete_file_version",
            account_auth_token,
            fileId=file_id,
            fileName=file_name,
            bypassGovernance=bypass_governance,
        )

    def update_file_retention(
        self,
        api_url: str,
        account_auth_token: str,
        file_id: str,
        file_name: str,
        file_retention: FileRetentionSetting,
        bypass_governance: bool = False,
    ) -> JSON:
        with access_denied_as(RetentionWriteError):
            return self._post_json(
                api_url,
                "b2_update_file_retention",
                account_auth_token,
                fileId=file_id,
                fileName=file_name,
                fileRetention=file_retention.to_request_json(),
                bypassGovernance=bypass_governance,
            )

    def update_file_legal_hold(
        self,
        api_url: str,
        account_auth_token: str,
        file_id: str,
        file_name: str,
        legal_hold: LegalHold,
    ) -> JSON:
        with access_denied_as(RetentionWriteError):
            return self._post_json(
                api_url,
                "b2_update_file_legal_hold",
                account_auth_token,
                fileId=file_id,
                fileName=file_name,
                legalHold=legal_hold.to_server(),
            )

    def get_download_authorization(
        self,
        api_url: str,
        account_auth_token: str,
        bucket_id: str,
        file_name_prefix: str,
        valid_duration_in_seconds: int,
    ) -> JSON:
        return self._post_json(
            api_url,
            "b2_get_download_authorization",
            account_auth_token,
            bucketId=bucket_id,
            fileNamePrefix=file_name_prefix,
            validDurationInSeconds=valid_duration_in_seconds,
        )

    # --- uploads -------------------------------------------------------------------------------------------

    def get_upload_url(self, api_url: str, account_auth_token: str, bucket_id: str) -> JSON:
        return self._post_json(api_url, "b2_get_upload_url", account_auth_token, bucketId=bucket_id)

    def get_upload_part_url(self, api_url: str, account_auth_token: str, file_id: str) -> JSON:
        return self._post_json(api_url, "b2_get_upload_part_url", account_auth_token, fileId=file_id)

    #: Headers of a b2_upload_file request (protocol §7.1); names and info values percent-encoded.
    get_upload_file_headers = staticmethod(upload_file_headers)

    def upload_file(
        self,
        upload_url: str,
        upload_auth_token: str,
        file_name: str,
        content_length: int,
        content_type: str,
        content_sha1: str,
        file_info: Mapping[str, str],
        data_stream: IO[bytes] | bytes,
        server_side_encryption: EncryptionSetting | None = None,
        file_retention: FileRetentionSetting | None = None,
        legal_hold: LegalHold | None = None,
        custom_upload_timestamp: int | None = None,
    ) -> JSON:
        """POST one small file to an upload URL; one attempt (the session retries with a new URL)."""
        check_b2_filename(file_name)
        headers = self.get_upload_file_headers(
            upload_auth_token=upload_auth_token,
            file_name=file_name,
            content_length=content_length,
            content_type=content_type,
            content_sha1=content_sha1,
            file_info=file_info,
            server_side_encryption=server_side_encryption,
            file_retention=file_retention,
            legal_hold=legal_hold,
            custom_upload_timestamp=custom_upload_timestamp,
        )
        return self.b2_http.post_content_return_json(
            upload_url, headers, data_stream, description="b2_upload_file"
        )

    def upload_part(
        self,
        upload_url: str,
        upload_auth_token: str,
        part_number: int,
        content_length: int,
        content_sha1: str,
        data_stream: IO[bytes] | bytes,
        server_side_encryption: EncryptionSetting | None = None,
    ) -> JSON:
        """POST one part of a large file to a part upload URL; one attempt."""
        headers = upload_part_headers(
            upload_auth_token, part_number, content_length, content_sha1, server_side_encryption
        )
        return self.b2_http.post_content_return_json(
            upload_url, headers, data_stream, description="b2_upload_part"
        )

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
        check_b2_filename(file_name)
        params = large_file_fields(
            server_side_encryption, file_retention, legal_hold, custom_upload_timestamp
        )
        return self._post_json(
            api_url,
            "b2_start_large_file",
            account_auth_token,
            bucketId=bucket_id,
            fileName=file_name,
            contentType=content_type,
            fileInfo=dict(file_info),
            **params,
        )

    def finish_large_file(
        self, api_url: str, account_auth_token: str, file_id: str, part_sha1_array: Sequence[str]
    ) -> JSON:
        return self._post_json(
            api_url,
            "b2_finish_large_file",
            account_auth_token,
            fileId=file_id,
            partSha1Array=list(part_sha1_array),
        )

    def cancel_large_file(self, api_url: str, account_auth_token: str, file_id: str) -> JSON:
        return self._post_json(api_url, "b2_cancel_large_file", account_auth_token, fileId=file_id)

    def list_parts(
        self,
        api_url: str,
        account_auth_token: str,
        file_id: str,
        start_part_number: int | None,
        max_part_count: int | None,
    ) -> JSON:
        return self._post_json(
            api_url,
            "b2_list_parts",
            account_auth_token,
            fileId=file_id,
            startPartNumber=start_part_number,
            maxPartCount=max_part_count,
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
        return self._post_json(
            api_url,
            "b2_list_unfinished_large_files",
            account_auth_token,
            bucketId=bucket_id,
            startFileId=start_file_id,
            maxFileCount=max_file_count,
            namePrefix=prefix,
        )

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
        directive = (
            MetadataDirectiveMode(metadata_directive).value if metadata_directive is not None else None
        )
        params = copy_fields(
            bytes_range,
            destination_server_side_encryption,
            source_server_side_encryption,
            **copy_metadata_fields(directive, content_type, file_info),
            destinationBucketId=destination_bucket_id,
            legalHold=legal_hold.to_server() if legal_hold is not None else None,
            fileRetention=file_retention.to_request_json() if file_retention is not None else None,
        )
        with access_denied_as(SSECKeyError):
            return self._post_json(
                api_url,
                "b2_copy_file",
                account_auth_token,
                sourceFileId=source_file_id,
                fileName=new_file_name,
                **params,
            )

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
        params = copy_fields(bytes_range, destination_server_side_encryption, source_server_side_encryption)
        with access_denied_as(SSECKeyError):
            return self._post_json(
                api_url,
                "b2_copy_part",
                account_auth_token,
                sourceFileId=source_file_id,
                largeFileId=large_file_id,
                partNumber=part_number,
                **params,
            )

    # --- downloads -----------------------------------------------------------------------------------------

    def get_download_url_by_id(self, download_url: str, file_id: str) -> str:
        return f"{self._url(download_url, 'b2_download_file_by_id')}?fileId={p.encode_name(file_id)}"

    def get_download_url_by_name(self, download_url: str, bucket_name: str, file_name: str) -> str:
        return download_url_by_name(download_url, bucket_name, file_name)

    def download_file_from_url(
        self,
        account_auth_token_or_none: str | None,
        url: str,
        range_: tuple[int, int] | None = None,
        encryption: EncryptionSetting | None = None,
    ) -> HttpResponse:
        """GET a download URL; returns the response with its body unread (use it as a context manager)."""
        headers = download_headers(account_auth_token_or_none, range_, encryption)
        with access_denied_as(SSECKeyError):
            return self.b2_http.get_content(url, headers)
