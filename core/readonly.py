"""Opening a SQLite database for reading only: never creating, migrating or touching it.

Reviewers (``search``, ``show``, ``status``, ``dlq list``, ``audit``) may have read access only,
to a live state directory or to a read-only copy of it. :func:`connect_readonly` serves both:

- a database with a ``-wal`` file has (or recently had) a writer: it is opened with
  ``mode=ro``, which reads the write-ahead log too, so a live capture is seen consistently;
- a database without one (or with an empty one) was closed cleanly and nobody has it open:
  it is opened with ``immutable=1``, which needs neither a writable directory nor the
  ``-shm`` file that ``mode=ro`` would otherwise create beside it (also the fallback when
  ``mode=ro`` cannot create that file, e.g. on a full disk, and the log is empty).

Nothing is ever created: a missing database is a :class:`StateError` naming the path.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from core.errors import StateError

__all__ = ["connect_readonly"]


def connect_readonly(
    path: Path, timeout: float = 30.0, what: str = "database", check_same_thread: bool = True
) -> sqlite3.Connection:
    """A read-only connection to the SQLite database at ``path`` (see the module docstring).

    ``what`` names the database in errors ("state database", "search store"). A connection
    that cannot read raises :class:`StateError` with the path and what to check.
    ``check_same_thread`` is passed to :func:`sqlite3.connect`.
    """
    path = Path(path)
    if not path.is_file():
        raise StateError(
            f"no {what} at this path: nothing was captured here yet, or the configuration"
            " points elsewhere",
            path=str(path),
        )
    wal = Path(f"{path}-wal")
    modes = ["mode=ro"] if wal.exists() else []
    if not wal.exists() or wal.stat().st_size == 0:  # nothing the database file lacks
        modes.append("immutable=1")
    error: sqlite3.Error | None = None
    for mode in modes:
        uri = f"file:{quote(str(path.absolute()))}?{mode}"
        try:
            conn = sqlite3.connect(
                uri,
                uri=True,
                timeout=timeout,
                isolation_level=None,
                check_same_thread=check_same_thread,
            )
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # errors show here
        except sqlite3.Error as exc:
            error = exc
            continue
        return conn
    raise StateError(
        f"cannot read the {what}: {error}; check that it is readable (and, for a live"
        " database, its -wal and -shm files)",
        path=str(path),
    )
