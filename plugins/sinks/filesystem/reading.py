"""Reading the archive back: every record's latest version, streamed; artifacts, verified.

``reprocess`` and ``rebuild`` read the archive of record through these two functions, so
both work without the source (Zoom) and in constant memory whatever the archive's size.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from pathlib import Path

from core.errors import IntegrityError
from core.records import Record, decode_record

from .atomic import hash_file
from .layout import RECORDS, blob_path, is_valid_sha256, versions_in

__all__ = ["fetch_blob", "iter_latest"]


def _sorted_names(directory: Path) -> list[str]:
    try:
        return sorted(os.listdir(directory))
    except FileNotFoundError:
        return []


def iter_latest(root: Path, kinds: Collection[str] = ()) -> Iterator[Record]:
    """The latest version of every record (of ``kinds``), in ascending id order.

    Record directories are grouped by the id's first two characters: one group is listed at
    a time, so memory stays bounded by the largest group, never the archive.
    """
    wanted = set(kinds)
    top = root / RECORDS
    for prefix in _sorted_names(top):
        for record_id in _sorted_names(top / prefix):
            versions = versions_in(top / prefix / record_id)
            if not versions:
                continue
            record = decode_record(versions[-1][1].read_bytes())
            if not wanted or record.kind in wanted:
                yield record


def fetch_blob(root: Path, sink: str, sha256: str) -> Path:
    """The stored blob itself (never to be modified), once its bytes re-hash to ``sha256``."""
    if not is_valid_sha256(sha256):
        raise IntegrityError("not a SHA-256", sink=sink, sha256=sha256)
    path = blob_path(root, sha256)
    try:
        digest, _ = hash_file(path)
    except FileNotFoundError:
        raise IntegrityError(
            f"artifact {sha256} is missing from the archive", sink=sink, path=str(path)
        ) from None
    if digest != sha256:
        raise IntegrityError(
            f"artifact {sha256} was altered in the archive (its bytes hash to {digest})",
            sink=sink,
            path=str(path),
        )
    return path
