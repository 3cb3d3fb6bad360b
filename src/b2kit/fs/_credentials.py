"""Where a B2FileSystem gets its authorization: arguments, then the environment, then the CLI's account.

In order: ``application_key_id`` / ``application_key`` (with ``realm``), ``B2_APPLICATION_KEY_ID`` /
``B2_APPLICATION_KEY`` (with ``B2_ENVIRONMENT`` as the realm), then the account stored by
``b2kit account authorize`` (``$B2_ACCOUNT_INFO`` or the per-user config file). ``realm`` is
``"production"`` or a server URL. The key is kept out of every repr.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import platformdirs

from b2kit import B2Api, InMemoryAccountInfo, MissingAccountData, SqliteAccountInfo

KEY_ID_ENV: Final = "B2_APPLICATION_KEY_ID"
KEY_ENV: Final = "B2_APPLICATION_KEY"
REALM_ENV: Final = "B2_ENVIRONMENT"
ACCOUNT_INFO_ENV: Final = "B2_ACCOUNT_INFO"
DEFAULT_REALM: Final = "production"


@dataclass(frozen=True)
class Credentials:
    """An application key and its realm (``production`` or a server URL); the key never shows in repr."""

    application_key_id: str
    application_key: str = field(repr=False)
    realm: str = DEFAULT_REALM


def credentials_from(
    application_key_id: str | None,
    application_key: str | None,
    realm: str | None,
    environ: Mapping[str, str] = os.environ,
) -> Credentials | None:
    """Credentials from the arguments or the environment; None when neither holds a key."""
    chosen_realm = realm or environ.get(REALM_ENV) or DEFAULT_REALM
    if application_key_id or application_key:
        if not (application_key_id and application_key):
            raise ValueError("give both application_key_id and application_key, or neither")
        return Credentials(application_key_id, application_key, chosen_realm)
    key_id, key = environ.get(KEY_ID_ENV), environ.get(KEY_ENV)
    if key_id and key:
        return Credentials(key_id, key, chosen_realm)
    return None


def stored_account_path(environ: Mapping[str, str] = os.environ) -> Path:
    """The CLI's account file: ``$B2_ACCOUNT_INFO`` or ``account_info.sqlite`` in the user config dir."""
    override = environ.get(ACCOUNT_INFO_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path("b2kit") / "account_info.sqlite"


def connect(credentials: Credentials | None, max_workers: int) -> B2Api:
    """An authorized B2Api: with the given key, else the CLI's stored account (PermissionError if none)."""
    if credentials is not None:
        api = B2Api(InMemoryAccountInfo(), max_upload_workers=max_workers)
        api.authorize_account(credentials.realm, credentials.application_key_id, credentials.application_key)
        return api
    path = stored_account_path()
    if path.exists():
        info = SqliteAccountInfo(path)
        try:
            info.get_account_auth_token()
        except MissingAccountData:
            pass
        else:
            return B2Api(info, max_upload_workers=max_workers)
    raise PermissionError(
        f"no B2 credentials: pass application_key_id and application_key, set {KEY_ID_ENV} and {KEY_ENV}, "
        "or run `b2kit account authorize`"
    )


def credentials_of(api: B2Api) -> Credentials | None:
    """The key an authorized B2Api was authorized with (to rebuild it in another process), if it has one."""
    info = api.account_info
    try:
        return Credentials(info.get_application_key_id(), info.get_application_key(), info.get_realm())
    except MissingAccountData:
        return None
