"""Recognising a full disk, whoever raised it: an ``OSError`` or SQLite's ``SQLITE_FULL``
(or a SQLite I/O error on a filesystem with less than 1 MiB free, e.g. a WAL index that
cannot grow).

:func:`disk_full` turns such an exception into :class:`core.errors.DiskFull`, one line
naming the path and what to do; any other exception gives ``None`` (callers re-raise it).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from core.errors import DiskFull

__all__ = ["disk_full"]

_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_SQLITE_FULL = 13  # SQLITE_FULL: "database or disk is full"
_SQLITE_IOERR = 10  # SQLITE_IOERR_*: e.g. the -shm file of a WAL database cannot grow
_NEARLY_FULL = 1 << 20  # bytes free below which a SQLite I/O error is taken for a full disk


def _nearly_full(path: str | Path | None) -> bool:
    """Whether the filesystem holding ``path`` (or its nearest existing parent) is full."""
    if path is None:
        return False
    where = Path(path)
    while not where.exists() and where != where.parent:
        where = where.parent
    try:
        stat = os.statvfs(where)
    except OSError:
        return False
    return stat.f_bavail * stat.f_frsize < _NEARLY_FULL


def disk_full(exc: BaseException, path: str | Path | None = None) -> DiskFull | None:
    """``DiskFull`` for an exception caused by a full disk (``path``: where, if ``exc`` does
    not say), else ``None``."""
    where = path
    if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
        where = exc.filename or path
        cause = "the file size limit" if exc.errno == errno.EFBIG else "no space left on device"
    elif isinstance(exc, sqlite3.OperationalError) and (
        getattr(exc, "sqlite_errorcode", None) == _SQLITE_FULL or "disk is full" in str(exc)
    ):
        cause = "no space left for the database"
    elif (
        isinstance(exc, sqlite3.OperationalError)
        and (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF == _SQLITE_IOERR
        and _nearly_full(path)
    ):
        cause = "no space left for the database (SQLite could not write it)"
    else:
        return None
    return DiskFull(
        f"{cause}: free space on the disk of the path named (or move it to a larger one)"
        " and run again; nothing committed was lost, capture resumes where it stopped",
        path=str(where) if where else None,
    )
