"""The SQLite search store's schema and connection settings.

Connections use WAL (readers never block the writer nor each other), ``synchronous=FULL``
(a committed write survives a power loss before the receipt is returned) and a busy timeout,
and have two functions the query SQL uses: ``ecomms_lower(text)`` (Unicode lower case;
SQLite's ``lower`` knows only ASCII) and ``ecomms_contains(text, value)`` (``value`` within
``text``, ignoring case).

Schema versions: 2 indexes people, artifact names and folded text (:func:`.rows.fts_row`);
a version-1 store is migrated on open by rebuilding its full-text table from the records.
Readers (:func:`connect_reader`) open read-only and migrate nothing.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from core.readonly import connect_readonly
from core.records import decode_record

from .rows import fts_row

__all__ = ["SCHEMA_VERSION", "connect", "connect_reader"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    platform TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    parent_id TEXT NOT NULL DEFAULT '',
    risk_score INTEGER,
    risk_categories TEXT NOT NULL DEFAULT '[]',
    captured_at TEXT,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_time ON records (occurred_at);
CREATE INDEX IF NOT EXISTS records_kind_time ON records (kind, occurred_at);
CREATE INDEX IF NOT EXISTS records_parent ON records (parent_id);
CREATE INDEX IF NOT EXISTS records_risk ON records (risk_score);
CREATE TABLE IF NOT EXISTS attributes (
    record_id TEXT NOT NULL,
    name TEXT NOT NULL,
    value_text TEXT,
    value_num NUMERIC,
    value_date TEXT,
    value_bool INTEGER
);
CREATE INDEX IF NOT EXISTS attributes_record ON attributes (record_id);
CREATE INDEX IF NOT EXISTS attributes_text ON attributes (name, value_text);
CREATE INDEX IF NOT EXISTS attributes_num ON attributes (name, value_num);
CREATE INDEX IF NOT EXISTS attributes_date ON attributes (name, value_date);
CREATE TABLE IF NOT EXISTS attribute_specs (
    name TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5 (
    title, text, participants, content,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""


def connect(path: Path, timeout: float) -> sqlite3.Connection:
    """Open (creating if needed) the store at ``path`` with durable, concurrent settings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    conn.create_function("ecomms_lower", 1, _lower, deterministic=True)
    conn.create_function("ecomms_contains", 2, _contains, deterministic=True)
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _DDL.split(";"):
            if statement.strip():
                conn.execute(statement)
        _migrate(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        conn.close()
        raise
    return conn


def connect_reader(path: Path, timeout: float) -> sqlite3.Connection:
    """Open the existing store at ``path`` for reading only: nothing is created or migrated
    (a reviewer may have read access only; see :mod:`core.readonly`). A store of an older
    schema is read through a copy migrated in memory; the next write migrates the file."""
    conn = connect_readonly(path, timeout, what="search store", check_same_thread=False)
    if _version(conn) < SCHEMA_VERSION:
        log.warning(
            "search store %s has schema version %d: reading a copy migrated in memory;"
            " the next capture migrates the file",
            path,
            _version(conn),
        )
        copy = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        conn.backup(copy)
        conn.close()
        conn = copy
        _functions(conn)
        conn.execute("BEGIN")
        _migrate(conn)
        conn.execute("COMMIT")
    _functions(conn)
    conn.execute("PRAGMA query_only = ON")
    return conn


def _functions(conn: sqlite3.Connection) -> None:
    conn.create_function("ecomms_lower", 1, _lower, deterministic=True)
    conn.create_function("ecomms_contains", 2, _contains, deterministic=True)


def _version(conn: sqlite3.Connection) -> int:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.OperationalError:  # no meta table: not a store of ours, or a new one
        return SCHEMA_VERSION
    return int(row[0]) if row else SCHEMA_VERSION


def _lower(text: str | None) -> str | None:
    return text.lower() if isinstance(text, str) else None


def _contains(text: str | None, value: str) -> bool:
    return isinstance(text, str) and value.lower() in text.lower()


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring a store to :data:`SCHEMA_VERSION` (inside the caller's transaction)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is not None and int(row[0]) >= SCHEMA_VERSION:
        return
    if row is not None:  # version 1: the full-text rows are rebuilt from the records
        conn.execute("DELETE FROM records_fts")
        for rowid, data in conn.execute("SELECT rowid, json FROM records").fetchall():
            conn.execute(
                "INSERT INTO records_fts (rowid, title, text, participants, content) "
                "VALUES (?, ?, ?, ?, ?)",
                (rowid, *fts_row(decode_record(data))),
            )
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(SCHEMA_VERSION),),
    )
