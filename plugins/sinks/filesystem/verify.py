"""``audit verify`` for the archive: re-hash every file, check the manifest chain and the ledger.

Each problem becomes one failed :class:`~core.protocols.Finding` that names the file (or the
artifact or record the custody ledger names); a clean archive gives one passing finding
saying what was verified.

Safe beside a capture: the files on disk are listed first, then the manifest is read under
the archive's lock (so a write in flight has finished listing its files), and listed files
are write-once, so hashing them needs no lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from core.protocols import Expected, Finding
from core.records import decode_record

from .atomic import TEMP_PREFIX, hash_file
from .layout import BLOBS, RECORDS, blob_path
from .manifest import MANIFEST_NAME, Entry, read_chain

__all__ = ["LOCK_NAME", "verify_archive"]

LOCK_NAME = ".lock"
_ACTION = "restore the file from a replica or backup; the record of custody is broken"


@dataclass
class _Report:
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    records: int = 0

    def add(self, check: str, detail: str, action: str = _ACTION) -> None:
        self.problems.append((check, detail, action))


def _stored_files(root: Path) -> set[str]:
    """Relative paths of every blob and record file on disk (temporary files ignored)."""
    found: set[str] = set()
    for top in (BLOBS, RECORDS):
        for path in (root / top).rglob("*"):
            if path.is_file() and not path.name.startswith(TEMP_PREFIX):
                found.add(path.relative_to(root).as_posix())
    return found


@contextlib.contextmanager
def _shared_lock(root: Path) -> Iterator[None]:
    """Wait for a write in flight to finish; never creates anything in the archive."""
    try:
        fd = os.open(root / LOCK_NAME, os.O_RDONLY)
    except FileNotFoundError:  # never written to: no writer to wait for
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


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


def _manifest(root: Path, report: _Report) -> dict[str, Entry]:
    """The latest manifest entry of every listed path; chain problems go to ``report``."""
    manifest = root / MANIFEST_NAME
    with _shared_lock(root):
        data = manifest.read_bytes() if manifest.exists() else b""
    entries, chain_problems, torn = read_chain(data)
    for problem in chain_problems:
        report.add("manifest", f"{MANIFEST_NAME}: {problem}")
    if torn:
        report.add(
            "manifest",
            f"{MANIFEST_NAME} ends with an incomplete line (interrupted write)",
            "run a capture: the next write repairs the tail and re-lists its files",
        )
    return {entry.path: entry for entry in entries}


def _check_files(root: Path, on_disk: set[str], latest: dict[str, Entry], report: _Report) -> None:
    for entry in latest.values():
        problem = _check_entry(root, entry)
        if problem:
            report.add(*problem)
        elif entry.path.startswith(BLOBS + "/"):
            report.bytes += entry.size
        else:
            report.records += 1
    for unlisted in sorted(on_disk - latest.keys()):
        report.add(
            "unlisted",
            f"{unlisted} is not listed in the manifest",
            "a write was interrupted (re-run the capture) or the file was planted",
        )
    report.files = len(latest)


def _absent(stored: bool, what: str) -> tuple[str, str]:
    if stored:
        return "unlisted", f"{what}, committed in the ledger, is stored but not in the manifest"
    return "missing", f"{what}, committed in the ledger, is not in the archive"


def _check_expected(
    root: Path, latest: dict[str, Entry], expected: Expected, report: _Report
) -> None:
    """Every artifact and record version the ledger names must be listed (and so verified)."""
    versions: dict[str, set[str]] = {}
    for entry in latest.values():
        if entry.record_id:
            versions.setdefault(entry.record_id, set()).add(entry.sha256)
    for sha, size in sorted(expected.artifacts.items()):
        path = blob_path(root, sha)
        listed = latest.get(path.relative_to(root).as_posix())
        if listed is None:
            report.add(*_absent(path.is_file(), f"artifact {sha} ({size} bytes)"))
        elif size and listed.size != size:
            report.add("changed", f"artifact {sha} is {listed.size} bytes, the ledger says {size}")
    for record_id, digest in sorted(expected.records.items()):
        stored = versions.get(record_id, set())
        if (digest and digest in stored) or (not digest and stored):
            continue
        what = f"record {record_id}" + (f" version {digest}" if digest else "")
        where = root / RECORDS / record_id[:2] / record_id
        report.add(*_absent(where.is_dir() and any(where.iterdir()), what))


def _no_archive(root: Path, component: str, expected: Expected | None) -> list[Finding]:
    where = "check [sinks.filesystem] path (relative to the config file's directory)"
    detail = f"{root}: no archive at this path"
    if expected is not None and (expected.artifacts or expected.records):
        detail += (
            f"; the ledger's {len(expected.artifacts)} artifacts and {len(expected.records)}"
            f" records committed here (as of entry {expected.ledger_seq}) are all missing"
        )
        where = "restore the archive directory from a replica or backup; " + where
    return [_finding(component, "archive", False, detail, where)]


def verify_archive(root: Path, component: str, expected: Expected | None = None) -> list[Finding]:
    """Verify the archive under ``root`` (and what ``expected`` names); one finding per problem."""
    if not root.is_dir():
        return _no_archive(root, component, expected)
    report = _Report()
    on_disk = _stored_files(root)  # before the manifest: files of a write in flight get listed
    latest = _manifest(root, report)
    _check_files(root, on_disk, latest, report)
    if expected is not None:
        _check_expected(root, latest, expected, report)
    if report.problems:
        return [_finding(component, c, False, d, a) for c, d, a in report.problems]
    detail = (
        f"{report.files} files verified in {root}: {report.records} record versions,"
        f" {report.files - report.records} artifacts ({report.bytes} bytes)"
    )
    if expected is not None:
        detail += (
            f"; the ledger's {len(expected.artifacts)} artifacts and {len(expected.records)}"
            f" records (as of entry {expected.ledger_seq}) all present"
        )
    return [_finding(component, "archive", True, detail)]


def _finding(component: str, check: str, ok: bool, detail: str, action: str = "") -> Finding:
    return Finding(component=component, check=check, ok=ok, detail=detail, action=action)
