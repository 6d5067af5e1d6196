"""Where things live in the archive directory, and how record versions are named.

::

    <root>/manifest.jsonl                     hash-chained list of every stored file
    <root>/blobs/ab/cd/<sha256>               artifact bytes, named by their SHA-256
    <root>/records/<id[:2]>/<id>/v000001.json first version of a record (canonical JSON)
    <root>/records/<id[:2]>/<id>/v000002.json the next, when the record changed
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = [
    "BLOBS",
    "RECORDS",
    "blob_path",
    "is_valid_record_id",
    "is_valid_sha256",
    "record_dir",
    "version_name",
    "versions_in",
]

BLOBS = "blobs"
RECORDS = "records"

_SHA256 = re.compile(r"[0-9a-f]{64}")
_RECORD_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{1,199}")
_VERSION = re.compile(r"v(\d{6,})\.json")


def is_valid_sha256(value: str) -> bool:
    """True for a lowercase hex SHA-256."""
    return _SHA256.fullmatch(value) is not None


def is_valid_record_id(value: str) -> bool:
    """True when a record id is safe as a directory name (letters, digits, ``._-``)."""
    return _RECORD_ID.fullmatch(value) is not None


def blob_path(root: Path, sha256: str) -> Path:
    """Path of the blob holding the bytes whose SHA-256 is ``sha256``."""
    return root / BLOBS / sha256[:2] / sha256[2:4] / sha256


def record_dir(root: Path, record_id: str) -> Path:
    """Directory holding every version of a record."""
    return root / RECORDS / record_id[:2] / record_id


def version_name(number: int) -> str:
    """File name of a record's version ``number`` (1-based)."""
    return f"v{number:06d}.json"


def versions_in(directory: Path) -> list[tuple[int, Path]]:
    """The versions stored in a record directory, oldest first (temporary files ignored)."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = _VERSION.fullmatch(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)
