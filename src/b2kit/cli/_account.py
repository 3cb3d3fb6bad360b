"""``b2kit account``: authorize, show and forget the stored credentials."""

from __future__ import annotations

import sys

import click

from b2kit import MissingAccountData
from b2kit.cli._credentials import (
    KEY_ENV,
    KEY_ID_ENV,
    Credentials,
    account_info_path,
    authorize,
    env_credentials,
    open_account_info,
    realm_from,
)
from b2kit.cli._errors import B2kitGroup, CommandFailed
from b2kit.cli._output import Output, output_options


@click.group(cls=B2kitGroup)
def account() -> None:
    """Authorize with an application key, show or clear the stored authorization."""


@account.command("authorize")
@click.argument("key_id", required=False)
@click.argument("key", required=False)
@click.option(
    "--realm",
    "--environment",
    "realm",
    help="production (default) or a server URL such as http://127.0.0.1:8080 [B2_ENVIRONMENT]",
)
@output_options()
def authorize_cmd(key_id: str | None, key: str | None, realm: str | None) -> None:
    """Authorize with KEY_ID and KEY (or B2_APPLICATION_KEY_ID / B2_APPLICATION_KEY) and store the result.

    A missing KEY is asked for without echoing it (so it stays out of the shell history).
    """
    if not key_id and env_credentials(realm) is None and sys.stdin.isatty():
        key_id = click.prompt("Application key id")
    if key_id and not key:
        key = click.prompt("Application key", hide_input=True)
    if key_id and key:
        credentials = Credentials(key_id, key, realm_from(realm))
    else:
        from_env = env_credentials(realm)
        if from_env is None:
            raise CommandFailed(f"give KEY_ID and KEY, or set {KEY_ID_ENV} and {KEY_ENV}")
        credentials = from_env
    api = authorize(credentials)
    out = Output.from_context()
    out.info(
        f"authorized account {api.get_account_id()} at {credentials.realm}; stored in {account_info_path()}"
    )


@account.command("get")
@output_options()
def get_cmd() -> None:
    """Print the stored authorization as JSON (the secret key is never printed)."""
    info = open_account_info()
    try:
        data = {
            "accountId": info.get_account_id(),
            "applicationKeyId": info.get_application_key_id(),
            "realm": info.get_realm(),
            "apiUrl": info.get_api_url(),
            "downloadUrl": info.get_download_url(),
            "recommendedPartSize": info.get_recommended_part_size(),
            "absoluteMinimumPartSize": info.get_absolute_minimum_part_size(),
            "allowed": info.get_allowed(),
            "accountInfoFile": str(account_info_path()),
        }
    except MissingAccountData:
        raise CommandFailed("not authorized: run `b2kit account authorize KEY_ID KEY`") from None
    Output.from_context().json(data)


@account.command("clear")
@output_options()
def clear_cmd() -> None:
    """Forget the stored authorization."""
    open_account_info().clear()
    Output.from_context().info(f"cleared {account_info_path()}")
