"""Write-once files: temporary file in the target directory, fsync, link into place, read-only.

A file appears under its final name only once its bytes are complete and on disk; a process
killed at any point leaves at most a temporary file (``.tmp-*``), which readers ignore and the
next writer removes. Final names are created with ``os.link``, which never replaces an
existing file, so nothing is ever overwritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from core.errors import IntegrityError

__all__ = [
    "TEMP_PREFIX",
    "copy_once",
    "ensure_dir",
    "fsync_dir",
    "hash_file",
    "remove_temp_files",
    "write_once",
]

TEMP_PREFIX = ".tmp-"
_CHUNK = 1 << 20
_READ_ONLY = 0o444


def fsync_dir(path: Path) -> None:
    """Flush a directory entry change (new name) to disk."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def hash_file(path: Path) -> tuple[str, int]:
    """Return the SHA-256 (hex) and size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def ensure_dir(directory: Path) -> None:
    """Create ``directory`` and missing parents, flushing each new entry to disk."""
    if directory.is_dir():
        return
    ensure_dir(directory.parent)
    with contextlib.suppress(FileExistsError):
        directory.mkdir()
    fsync_dir(directory.parent)


@contextlib.contextmanager
def _temp_in(directory: Path) -> Iterator[tuple[int, Path]]:
    """Open a new temporary file in ``directory``; remove it unless it was linked into place."""
    ensure_dir(directory)
    tmp = directory / f"{TEMP_PREFIX}{os.getpid()}-{os.urandom(6).hex()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        yield fd, tmp
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _publish(fd: int, tmp: Path, final: Path) -> bool:
    """fsync, make read-only, link ``tmp`` as ``final``; False if ``final`` already existed."""
    os.fsync(fd)
    os.fchmod(fd, _READ_ONLY)
    try:
        os.link(tmp, final)
    except FileExistsError:
        return False
    fsync_dir(final.parent)
    return True


def write_once(final: Path, data: bytes) -> bool:
    """Create ``final`` with ``data`` atomically; return False (and change nothing) if it exists."""
    if final.exists():
        return False
    with _temp_in(final.parent) as (fd, tmp):
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        return _publish(fd, tmp, final)


def copy_once(source: Path, final: Path, expected_sha256: str) -> bool:
    """Copy ``source`` to ``final`` while hashing; the hash must equal ``expected_sha256``.

    Returns False if ``final`` already exists. Raises ``IntegrityError`` (and leaves nothing
    behind) when the bytes do not hash to the expected value.
    """
    if final.exists():
        return False
    digest = hashlib.sha256()
    with _temp_in(final.parent) as (fd, tmp), source.open("rb") as src:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
        if digest.hexdigest() != expected_sha256:
            raise IntegrityError(
                "artifact bytes do not match their SHA-256; nothing was stored",
                file=source.name,
                expected=expected_sha256,
                actual=digest.hexdigest(),
            )
        return _publish(fd, tmp, final)


def remove_temp_files(root: Path) -> int:
    """Delete temporary files left by interrupted writes under ``root``; return how many."""
    removed = 0
    for tmp in root.rglob(f"{TEMP_PREFIX}*"):
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
            removed += 1
    return removed
