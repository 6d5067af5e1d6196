"""The SQLite search store's schema and connection settings.

Connections use WAL (readers never block the writer nor each other), ``synchronous=FULL``
(a committed write survives a power loss before the receipt is returned) and a busy timeout.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = ["SCHEMA_VERSION", "connect"]

SCHEMA_VERSION = 1

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
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _DDL.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        conn.close()
        raise
    return conn
