"""Metadata storage: one SQLite database (WAL) in the data dir, one short transaction at a time.

Transactions of this process take turns on a lock (they last microseconds to a few milliseconds): SQLite's
own busy handler sleeps and polls while another connection writes, and concurrent readers kept
re-reading pages other connections had changed; taking turns measured about a quarter fewer thread
switches per small upload and no busy sleeps. Connections still come from a small pool, so a read nested
in a write (same thread) gets its own snapshot.

WAL with ``synchronous=NORMAL`` keeps the database consistent after any crash and loses no committed
transaction when the process dies (kill -9). A power cut could drop the last commits, so ``write()``
returns only once the WAL file holding its commit has been fsynced; the fsyncs of concurrent writers are
grouped (:class:`~b2kit.server._group_fsync.GroupFsync`): one fsync covers every commit made meanwhile, a
group commit, instead of ``synchronous=FULL``'s fsync inside each commit while every other writer waits.

Schema overview (``files`` is the heart; the table modules of this package read and write them):

- ``settings``: account id and other per-data-dir constants.
- ``keys``: application keys, the master key included (``is_master = 1``); JSON ``capabilities`` and
  ``bucket_ids`` (NULL = no bucket restriction).
- ``tokens``: every token handed out; ``kind`` is ``account`` | ``upload`` | ``upload_part`` | ``download``.
  Account and upload tokens act for ``key_id``; upload tokens are bound to ``bucket_id`` (small files) or
  ``file_id`` (parts of a large file); download tokens carry ``bucket_id``, ``name_prefix`` and ``overrides``.
- ``buckets``: one row per bucket; JSON columns hold bucket info, CORS and lifecycle rules and the
  encryption / file-lock / replication configuration.
- ``files``: one row per file version. ``action`` is ``upload`` | ``hide`` | ``start`` (an unfinished large
  file). ``seq`` orders creation; versions of a name are ordered newest first by ``(upload_ms, seq)``.
  ``blob`` is the relative path of the bytes of a small file; a finished large file keeps ``blob`` NULL and
  its bytes stay in ``large_file_parts`` (read in part-number order). Retention, legal hold and SSE live in
  their own columns.
- ``large_file_parts``: parts of started (and finished) large files.
- ``notification_rules``: event notification rules per bucket (JSON as stored).
"""

from __future__ import annotations

import os
import queue
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from b2kit.server._group_fsync import GroupFsync

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS keys (
    key_id TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    key_name TEXT NOT NULL,
    capabilities TEXT NOT NULL,
    bucket_ids TEXT,
    name_prefix TEXT,
    expiration_ms INTEGER,
    is_master INTEGER NOT NULL DEFAULT 0,
    options TEXT NOT NULL DEFAULT '["s3"]',
    created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('account', 'upload', 'upload_part', 'download')),
    key_id TEXT,
    bucket_id TEXT,
    file_id TEXT,
    name_prefix TEXT,
    overrides TEXT,
    expires_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS buckets (
    bucket_id TEXT PRIMARY KEY,
    bucket_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    bucket_type TEXT NOT NULL,
    bucket_info TEXT NOT NULL DEFAULT '{}',
    cors_rules TEXT NOT NULL DEFAULT '[]',
    lifecycle_rules TEXT NOT NULL DEFAULT '[]',
    default_sse TEXT,
    file_lock_enabled INTEGER NOT NULL DEFAULT 0,
    default_retention TEXT,
    replication TEXT,
    options TEXT NOT NULL DEFAULT '["s3"]',
    revision INTEGER NOT NULL DEFAULT 1,
    created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    file_id TEXT NOT NULL UNIQUE,
    bucket_id TEXT NOT NULL REFERENCES buckets(bucket_id),
    file_name TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('upload', 'hide', 'start')),
    content_length INTEGER NOT NULL DEFAULT 0,
    content_sha1 TEXT,
    content_md5 TEXT,
    content_type TEXT,
    file_info TEXT NOT NULL DEFAULT '{}',
    upload_ms INTEGER NOT NULL,
    blob TEXT,
    sse TEXT,
    sse_key_md5 TEXT,
    retention_mode TEXT,
    retention_until_ms INTEGER,
    legal_hold TEXT,
    replication_status TEXT
);
CREATE INDEX IF NOT EXISTS files_by_name ON files (bucket_id, file_name, upload_ms DESC, seq DESC);
CREATE INDEX IF NOT EXISTS files_by_action ON files (bucket_id, action, upload_ms);
CREATE TABLE IF NOT EXISTS large_file_parts (
    file_id TEXT NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
    part_number INTEGER NOT NULL,
    content_length INTEGER NOT NULL,
    content_sha1 TEXT NOT NULL,
    content_md5 TEXT,
    upload_ms INTEGER NOT NULL,
    blob TEXT NOT NULL,
    sse TEXT,
    PRIMARY KEY (file_id, part_number)
);
CREATE TABLE IF NOT EXISTS notification_rules (
    bucket_id TEXT NOT NULL REFERENCES buckets(bucket_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    rule TEXT NOT NULL,
    PRIMARY KEY (bucket_id, name)
);
"""

_POOL_SIZE = 16


class Database:
    """The metadata database. Use ``read()`` for queries and ``write()`` for one short transaction."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._idle: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._turn = threading.RLock()
        self._wal_sync = GroupFsync(path.with_name(path.name + "-wal"))
        # created private before SQLite opens it: its -wal and -shm files (keys, tokens) copy this mode
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        first = self._connect()
        first.executescript(_SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION};")
        for suffix in ("", "-wal", "-shm"):  # the database holds key secrets
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                os.chmod(companion, 0o600)
        self._idle.put(first)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = self._connect()
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.rollback()
            if self._idle.qsize() < _POOL_SIZE:
                self._idle.put(conn)
            else:
                conn.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for a few queries."""
        with self._turn, self._connection() as conn:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.rollback()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed when the block ends without an exception."""
        with self._turn, self._connection() as conn, _transaction(conn):
            yield conn
        self._wal_sync.sync()

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    if not conn.in_transaction:
        conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
