"""The spool layout of a unit and its ``response`` parts.

Each unit has a directory named from a hash of its key; each part a file named from a hash
of its role and id, so spool paths are injective in ids (``a/b`` and ``a_b`` never share a
file, whatever characters an id holds). Directories are created when the first part is
written, never before.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from core.protocols import SpooledFile

__all__ = ["part_path", "response_id", "unit_dir", "write_response"]

_EXT = re.compile(r"[^a-z0-9]")


def unit_dir(root: Path, key: str) -> Path:
    """The spool directory of the unit ``key`` (not created)."""
    return root / hashlib.sha256(key.encode("utf-8", "backslashreplace")).hexdigest()[:24]


def part_path(directory: Path, role: str, file_id: str, extension: str = "bin") -> Path:
    """Where the part ``file_id`` of ``role`` is spooled (the directory is created)."""
    directory.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(f"{role}\0{file_id}".encode("utf-8", "backslashreplace"))
    ext = _EXT.sub("", extension.lower())[:12] or "bin"
    return directory / f"{digest.hexdigest()[:32]}.{ext}"


def response_id(payload: str, page: int) -> str:
    """The part id of page ``page`` of payload ``payload`` (``response:participants:2``)."""
    return f"response:{payload}:{page}"


def write_response(
    directory: Path, payload: str, page: int, body: bytes, meta: dict[str, Any]
) -> SpooledFile:
    """Spool one response body byte for byte as a ``response`` part (SHA-256 computed)."""
    file_id = response_id(payload, page)
    path = part_path(directory, "response", file_id, "json")
    path.write_bytes(body)
    content_type = str(meta.get("content_type") or "application/json")
    return SpooledFile(
        file_id=file_id,
        path=str(path),
        sha256=hashlib.sha256(body).hexdigest(),
        size=len(body),
        media_type=content_type.split(";")[0].strip() or "application/json",
        name=f"{payload}-{page}.json",
        meta={"payload": payload, "page": page, **meta},
        role="response",
        fingerprint="computed",
    )
