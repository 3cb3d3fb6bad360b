"""Account info persisted in a SQLite file, so a later process can reuse the authorization.

The file holds credentials, so it is created with mode 0600 (and its directory 0700). Its path is, in order:
the ``file_name`` argument, the ``B2_ACCOUNT_INFO`` environment variable, or ``account_info.sqlite`` in the
user's config directory (``platformdirs``, e.g. ``$XDG_CONFIG_HOME/b2kit``). Each thread uses its own
connection; writes run in ``BEGIN IMMEDIATE`` transactions with a busy timeout, so threads and processes can
share one file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import platformdirs

from b2kit._account_info._abstract import (
    AbstractAccountInfo,
    Allowed,
    AuthData,
    NamedBucket,
    validate_allowed,
)
from b2kit._exceptions import InvalidUserInput, MissingAccountData

B2_ACCOUNT_INFO_ENV_VAR: Final = "B2_ACCOUNT_INFO"
DEFAULT_FILE_NAME: Final = "account_info.sqlite"
_BUSY_TIMEOUT_SECONDS: Final = 30.0

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS account (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    account_id TEXT NOT NULL,
    application_key_id TEXT NOT NULL,
    application_key TEXT NOT NULL,
    account_auth_token TEXT NOT NULL,
    api_url TEXT NOT NULL,
    download_url TEXT NOT NULL,
    s3_api_url TEXT NOT NULL,
    recommended_part_size INTEGER NOT NULL,
    absolute_minimum_part_size INTEGER NOT NULL,
    realm TEXT NOT NULL,
    allowed TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS bucket (
    name TEXT PRIMARY KEY,
    id TEXT NOT NULL
);
"""


def default_account_info_path() -> Path:
    """Where account info lives when no file name is given."""
    from_env = os.environ.get(B2_ACCOUNT_INFO_ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    return platformdirs.user_config_path("b2kit") / DEFAULT_FILE_NAME


def _create_private_file(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class SqliteAccountInfo(AbstractAccountInfo):
    """Authorization and bucket names in a private SQLite file shared by threads and processes."""

    def __init__(self, file_name: str | os.PathLike[str] | None = None) -> None:
        super().__init__()
        self.filename = Path(file_name).expanduser() if file_name is not None else default_account_info_path()
        _create_private_file(self.filename)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        try:
            self._create_schema()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise InvalidUserInput(
                f"{self.filename} is not a b2kit account info database ({exc}); remove it and authorize again"
            ) from exc

    # --- connections ---------------------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.filename, timeout=_BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
            )
            self._local.conn = conn
            with self._connections_lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _create_schema(self) -> None:
        with self._write() as conn:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)

    def close(self) -> None:
        """Close every connection this object opened."""
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    # --- authorization data --------------------------------------------------------------------------------

    def clear(self) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM account")
            conn.execute("DELETE FROM bucket")
        self._reset_upload_pools()

    def _set_auth_data(self, auth: AuthData) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO account (id, account_id, application_key_id, application_key,"
                " account_auth_token, api_url, download_url, s3_api_url, recommended_part_size,"
                " absolute_minimum_part_size, realm, allowed) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    auth.account_id,
                    auth.application_key_id,
                    auth.application_key,
                    auth.auth_token,
                    auth.api_url,
                    auth.download_url,
                    auth.s3_api_url,
                    auth.recommended_part_size,
                    auth.absolute_minimum_part_size,
                    auth.realm,
                    json.dumps(auth.allowed),
                ),
            )

    def _get(self, column: str) -> Any:
        row = self._connection().execute(f"SELECT {column} FROM account WHERE id = 1").fetchone()
        if row is None:
            raise MissingAccountData(column.replace("_", " "))
        return row[0]

    def get_account_id(self) -> str:
        return str(self._get("account_id"))

    def get_application_key_id(self) -> str:
        return str(self._get("application_key_id"))

    def get_application_key(self) -> str:
        return str(self._get("application_key"))

    def get_account_auth_token(self) -> str:
        return str(self._get("account_auth_token"))

    def get_api_url(self) -> str:
        return str(self._get("api_url"))

    def get_download_url(self) -> str:
        return str(self._get("download_url"))

    def get_s3_api_url(self) -> str:
        return str(self._get("s3_api_url"))

    def get_realm(self) -> str:
        return str(self._get("realm"))

    def get_recommended_part_size(self) -> int:
        return int(self._get("recommended_part_size"))

    def get_absolute_minimum_part_size(self) -> int:
        return int(self._get("absolute_minimum_part_size"))

    def get_allowed(self) -> Allowed:
        return validate_allowed(json.loads(self._get("allowed")))

    # --- bucket name cache ---------------------------------------------------------------------------------

    def save_bucket(self, bucket: NamedBucket) -> None:
        if bucket.name is None:
            return
        with self._write() as conn:
            conn.execute("INSERT OR REPLACE INTO bucket (name, id) VALUES (?, ?)", (bucket.name, bucket.id_))

    def remove_bucket_name(self, bucket_name: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM bucket WHERE name = ?", (bucket_name,))

    def refresh_entire_bucket_name_cache(self, name_id_iterable: Iterable[tuple[str, str]]) -> None:
        pairs = list(name_id_iterable)
        with self._write() as conn:
            conn.execute("DELETE FROM bucket")
            conn.executemany("INSERT OR REPLACE INTO bucket (name, id) VALUES (?, ?)", pairs)

    def get_bucket_id_or_none_from_bucket_name(self, bucket_name: str) -> str | None:
        row = self._connection().execute("SELECT id FROM bucket WHERE name = ?", (bucket_name,)).fetchone()
        return str(row[0]) if row else None

    def get_bucket_name_or_none_from_bucket_id(self, bucket_id: str) -> str | None:
        row = self._connection().execute("SELECT name FROM bucket WHERE id = ?", (bucket_id,)).fetchone()
        return str(row[0]) if row else None

    def list_bucket_names_ids(self) -> list[tuple[str, str]]:
        rows = self._connection().execute("SELECT name, id FROM bucket ORDER BY name").fetchall()
        return [(str(name), str(id_)) for name, id_ in rows]
