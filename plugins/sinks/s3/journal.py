"""The writer's local journal of keys being written but not yet listed in the manifest.

A write records the keys it is about to create (fsync) before uploading anything and clears
the journal once its manifest segment is stored. A write that was interrupted (killed, or
the server went away) leaves the keys here; the next write looks each one up and lists those
that exist, so no object of ours stays unlisted. ``audit verify`` reads it too: an unlisted
object named here is a write in progress, not a planted object.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["Journal"]


class Journal:
    """Append-only list of keys (one per line) in ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def pending(self) -> list[str]:
        """Every key recorded and not cleared yet (complete lines only), in order, once each."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        lines = data.split(b"\n")[:-1]  # a torn last line was never followed by its upload
        return list(dict.fromkeys(line.decode() for line in lines if line))

    def add(self, keys: list[str]) -> None:
        """Record ``keys`` durably before they are written."""
        if not keys:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as fh:
            fh.write(b"".join(key.encode() + b"\n" for key in keys))
            fh.flush()
            os.fsync(fh.fileno())

    def clear(self) -> None:
        """Forget every key: they are listed in the manifest now."""
        self.path.unlink(missing_ok=True)
