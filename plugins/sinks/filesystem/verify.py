"""``audit verify`` for the archive: re-hash every file, check the manifest chain.

Each problem becomes one failed :class:`~core.protocols.Finding` that names the file; a
clean archive gives one passing finding with the number of files verified.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from core.protocols import Finding
from core.records import decode_record

from .atomic import TEMP_PREFIX, hash_file
from .layout import BLOBS, RECORDS, blob_path
from .manifest import MANIFEST_NAME, Entry, read_chain

__all__ = ["verify_archive"]

_ACTION = "restore the file from a replica or backup; the record of custody is broken"


def _stored_files(root: Path) -> set[str]:
    """Relative paths of every blob and record file on disk (temporary files ignored)."""
    found: set[str] = set()
    for top in (BLOBS, RECORDS):
        for path in (root / top).rglob("*"):
            if path.is_file() and not path.name.startswith(TEMP_PREFIX):
                found.add(path.relative_to(root).as_posix())
    return found


def _check_entry(root: Path, entry: Entry) -> tuple[str, str] | None:
    """Compare one listed file with its manifest entry; return (check, detail) on a problem."""
    path = root / entry.path
    if not path.is_file():
        return "missing", f"{entry.path} is listed in the manifest but missing"
    if entry.path.startswith(BLOBS + "/") and path.name != entry.sha256:
        return "changed", f"{entry.path} is listed with another hash ({entry.sha256})"
    digest, size = hash_file(path)
    if digest != entry.sha256 or size != entry.size:
        return "changed", f"{entry.path} was altered (sha256 {digest}, expected {entry.sha256})"
    if entry.path.startswith(RECORDS + "/"):
        return _check_record(root, entry, path)
    return None


def _check_record(root: Path, entry: Entry, path: Path) -> tuple[str, str] | None:
    """A record file must decode and its artifacts must be stored."""
    try:
        record = decode_record(path.read_bytes())
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        return "unreadable", f"{entry.path} is not a valid record ({exc})"
    for artifact in record.artifacts:
        if not blob_path(root, artifact.sha256).is_file():
            return "missing", f"{entry.path} references blob {artifact.sha256}, which is missing"
    return None


def _problems(root: Path) -> tuple[list[tuple[str, str, str]], int]:
    """Every problem as (check, detail, action), and the number of files listed."""
    if not root.is_dir():
        where = "check [sinks.filesystem] path (relative to the config file's directory)"
        return [("archive", f"{root}: no archive at this path", where)], 0
    manifest = root / MANIFEST_NAME
    entries, chain_problems, torn = read_chain(manifest.read_bytes() if manifest.exists() else b"")
    problems = [("manifest", f"{MANIFEST_NAME}: {p}", _ACTION) for p in chain_problems]
    if torn:
        problems.append(
            (
                "manifest",
                f"{MANIFEST_NAME} ends with an incomplete line (interrupted write)",
                "run a capture: the next write repairs the tail and re-lists its files",
            )
        )
    latest = {entry.path: entry for entry in entries}
    for entry in latest.values():
        problem = _check_entry(root, entry)
        if problem:
            problems.append((*problem, _ACTION))
    for unlisted in sorted(_stored_files(root) - latest.keys()):
        problems.append(
            (
                "unlisted",
                f"{unlisted} is not listed in the manifest",
                "a write was interrupted (re-run the capture) or the file was planted",
            )
        )
    return problems, len(latest)


def verify_archive(root: Path, component: str) -> list[Finding]:
    """Verify the archive under ``root``; one failed finding per problem, named by file."""
    problems, listed = _problems(root)
    if not problems:
        detail = f"{listed} files verified in {root}"
        return [Finding(component=component, check="archive", ok=True, detail=detail)]
    return [
        Finding(component=component, check=check, ok=False, detail=detail, action=action)
        for check, detail, action in problems
    ]
