"""The small progress files that let ``rebuild`` and ``reprocess`` resume after a kill."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

__all__ = ["save_progress"]


def save_progress(path: Path, progress: msgspec.Struct) -> None:
    """Replace ``path`` with ``progress`` as JSON, atomically and durably."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp-{os.getpid()}")
    with tmp.open("wb") as fh:
        fh.write(msgspec.json.encode(progress))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
