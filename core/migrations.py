"""Schema versions of the state database: ``PRAGMA user_version`` and ordered migrations.

``MIGRATIONS[n]`` takes a database at version ``n`` to version ``n + 1``; each runs in the
same transaction as the version bump, so a crash leaves the database at the old version or
the new one, never between. Migrations only add (tables, columns with defaults): an older
database never loses a row, and ledger entries are never rewritten, so the chain still
verifies. A database whose version is newer than this code knows is refused, untouched.

Version 1 is the schema of the first releases, which set no ``user_version`` (0): its
statements are ``CREATE ... IF NOT EXISTS``, so they make a new database and leave one of
those releases as it is.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from core import ledger
from core.errors import StateError
from core.state_models import SCHEMA

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate", "refuse_newer"]

Migration = Callable[[sqlite3.Connection], None]


def _v1_baseline(db: sqlite3.Connection) -> None:
    for statement in (SCHEMA + ledger.LEDGER_SCHEMA).split(";"):
        if statement.strip():
            db.execute(statement)


def _v2_derivation(db: sqlite3.Connection) -> None:
    """Capture first: a unit's derivation has its own status, attempts and errors; a dead
    letter names the stage that failed. Units committed before were derived in the same
    step, so they are ``ok``."""
    for statement in (
        "ALTER TABLE units ADD COLUMN capture_id TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE units ADD COLUMN derive_status TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE units ADD COLUMN derive_attempts INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE units ADD COLUMN derive_errors TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE dead_letters ADD COLUMN stage TEXT NOT NULL DEFAULT 'capture'",
        "UPDATE units SET derive_status = 'ok' WHERE status = 'committed'",
    ):
        db.execute(statement)


MIGRATIONS: list[Migration] = [_v1_baseline, _v2_derivation]

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite3.Connection, path: str) -> int:
    """Bring ``db`` (autocommit connection) to :data:`SCHEMA_VERSION`; return the old version.

    Raises ``StateError`` for a database written by a newer ecomms.
    """
    refuse_newer(db, path)
    found = old = _version(db)
    while found < SCHEMA_VERSION:
        db.execute("BEGIN IMMEDIATE")
        try:
            current = _version(db)  # another process may have migrated meanwhile
            if current > SCHEMA_VERSION:
                raise _too_new(current, path)
            if current < SCHEMA_VERSION:
                MIGRATIONS[current](db)
                db.execute(f"PRAGMA user_version = {current + 1}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        found = _version(db)
    return old


def refuse_newer(db: sqlite3.Connection, path: str) -> None:
    """Raise ``StateError`` if ``db`` was written by a newer ecomms; change nothing."""
    found = _version(db)
    if found > SCHEMA_VERSION:
        raise _too_new(found, path)


def _version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _too_new(found: int, path: str) -> StateError:
    return StateError(
        f"state database has schema version {found}, newer than this ecomms knows"
        f" ({SCHEMA_VERSION}); upgrade ecomms to use it",
        path=path,
    )
