"""Say so when a store's directory cannot be written, which SQLite reports only vaguely."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["not_writable"]


def not_writable(directory: Path) -> str:
    """A hint to append to an error when ``directory`` exists but cannot be written, else "".

    SQLite needs to write beside its database (the WAL and shared-memory files) even to
    read it, so a read-only copy of a state directory or search store cannot be opened.
    """
    if not directory.is_dir() or os.access(directory, os.W_OK):
        return ""
    return (
        f"; {directory} is read-only: ecomms writes beside its databases even to read them,"
        " so copy the directory to a writable place (or mount it read-write) and use that copy"
    )
