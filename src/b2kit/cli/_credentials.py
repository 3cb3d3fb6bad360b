"""Where the CLI keeps its credentials and how it gets an authorized B2Api.

Credentials live in a SQLite account-info file (mode 0600): ``$B2_ACCOUNT_INFO`` when set, otherwise
``account_info.sqlite`` in the platform's config directory. ``B2_APPLICATION_KEY_ID`` /
``B2_APPLICATION_KEY`` (with ``B2_ENVIRONMENT`` as the realm) authorize on the fly, in memory only: the
stored login is left as it was, as the b2 CLI does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click
import platformdirs

from b2kit import AbstractAccountInfo, B2Api, InMemoryAccountInfo, MissingAccountData, SqliteAccountInfo
from b2kit.cli._errors import CommandFailed, explain_failures_with
from b2kit.cli._reachability import CLI_RETRY_POLICY, explainer, realm_url

ACCOUNT_INFO_ENV = "B2_ACCOUNT_INFO"
KEY_ID_ENV = "B2_APPLICATION_KEY_ID"
KEY_ENV = "B2_APPLICATION_KEY"
REALM_ENV = "B2_ENVIRONMENT"
DEFAULT_REALM = "production"


@dataclass(frozen=True)
class Credentials:
    """An application key and the realm (``production`` or a server URL) it belongs to."""

    key_id: str
    key: str
    realm: str


def account_info_path() -> Path:
    """The account-info file: ``$B2_ACCOUNT_INFO`` or the per-user config directory."""
    override = os.environ.get(ACCOUNT_INFO_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path("b2kit") / "account_info.sqlite"


def open_account_info() -> SqliteAccountInfo:
    """Open (creating it 0600 if needed) the CLI's account-info file."""
    path = account_info_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteAccountInfo(file_name=str(path))


def realm_from(option: str | None, info: SqliteAccountInfo | None = None) -> str:
    """The realm: ``--realm``, then B2_ENVIRONMENT, then the stored one, then production."""
    if option:
        return realm_url(option)
    if os.environ.get(REALM_ENV):
        return realm_url(os.environ[REALM_ENV])
    if info is not None:
        try:
            return str(info.get_realm())
        except MissingAccountData:
            pass
    return DEFAULT_REALM


def env_credentials(realm_option: str | None = None) -> Credentials | None:
    """Credentials from B2_APPLICATION_KEY_ID / B2_APPLICATION_KEY, when both are set."""
    key_id, key = os.environ.get(KEY_ID_ENV), os.environ.get(KEY_ENV)
    if not key_id or not key:
        return None
    return Credentials(key_id, key, realm_from(realm_option))


def _api(info: AbstractAccountInfo) -> B2Api:
    """A B2Api closed (threads and connections) when the running command ends."""
    api = B2Api(info, retry_policy=CLI_RETRY_POLICY)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.call_on_close(api.close)
    return api


def authorize(credentials: Credentials, info: AbstractAccountInfo | None = None) -> B2Api:
    """Authorize into ``info`` (default: the stored account-info file)."""
    explain_failures_with(explainer(credentials.realm, typed=True, key=None))
    api = _api(info if info is not None else open_account_info())
    api.authorize_account(
        realm=credentials.realm, application_key_id=credentials.key_id, application_key=credentials.key
    )
    return api


def authorized_api() -> B2Api:
    """A B2Api ready to use: from the environment's key if set (kept in memory), else the stored one."""
    info = open_account_info()
    credentials = env_credentials()
    if credentials is not None:
        if info.is_same_key(credentials.key_id, credentials.realm):
            return _stored_api(info)
        api = authorize(credentials, InMemoryAccountInfo())
        from_env = (credentials.key_id, credentials.key, KEY_ID_ENV)
        explain_failures_with(explainer(credentials.realm, typed=False, key=from_env))
        return api
    try:
        info.get_account_auth_token()
    except MissingAccountData:
        raise CommandFailed(
            f"not authorized: run `b2kit account authorize KEY_ID KEY` (or set {KEY_ID_ENV} and {KEY_ENV})"
        ) from None
    return _stored_api(info)


def _stored_api(info: SqliteAccountInfo) -> B2Api:
    """The stored authorization, with failures explained against its realm and key."""
    key = (str(info.get_application_key_id()), str(info.get_application_key()), "stored")
    explain_failures_with(explainer(str(info.get_realm()), typed=False, key=key))
    return _api(info)
