"""The filesystem sink: the archive of record on a local (or mounted) directory.

Artifacts are stored once, content-addressed by SHA-256; records are stored as canonical
JSON, one file per version. Every file is written once (temporary file, fsync, link into
place, read-only) and listed in the hash-chained manifest before a receipt is returned.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import msgspec

from core.errors import IntegrityError, RecordRejected, SinkUnavailable
from core.protocols import Context, Expected, Finding, Receipt
from core.records import Record, decode_record, encode_record

from .atomic import copy_once, ensure_dir, fsync_dir, hash_file, remove_temp_files, write_once
from .layout import (
    blob_path,
    is_valid_record_id,
    is_valid_sha256,
    record_dir,
    version_name,
    versions_in,
)
from .manifest import Manifest
from .reading import fetch_blob, iter_latest
from .verify import LOCK_NAME, verify_archive

__all__ = ["FilesystemSink"]

_generic = msgspec.json.Decoder()


def _same_content(stored: bytes, new: bytes) -> bool:
    """True when two encoded records differ at most by ``captured_at`` (a replay)."""
    old_doc, new_doc = _generic.decode(stored), _generic.decode(new)
    old_doc.pop("captured_at", None)
    new_doc.pop("captured_at", None)
    return old_doc == new_doc


class FilesystemSink:
    """Archive of record: write-once blobs and versioned canonical-JSON records on disk."""

    name: ClassVar[str] = "filesystem"
    #: Artifact bytes are kept (content-addressed); receipts list every artifact stored.
    stores_artifacts: ClassVar[bool] = True

    class Config(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
        """``path``: the archive directory; a relative path is taken from the config file's."""

        path: str

    def __init__(self, config: FilesystemSink.Config, context: Context) -> None:
        self.config = config
        self.context = context
        self.root = context.resolve_path(config.path)
        self._manifest = Manifest(self.root)
        self._cleaned = False

    # --- protocol -------------------------------------------------------------------------

    def check(self) -> list[Finding]:
        """Verify the archive directory exists (or can be created) and is writable."""
        try:
            probe = self.root / f".check-{os.getpid()}"
            write_once(probe, b"ok")
            probe.unlink()
        except OSError as exc:
            return [
                self._finding(
                    "writable",
                    False,
                    f"{self.root}: {exc.strerror}",
                    "create the directory or fix its permissions",
                )
            ]
        return [self._finding("writable", True, str(self.root))]

    def write(self, records: Sequence[Record], artifacts: Mapping[str, Path]) -> Receipt:
        """Store every artifact and record durably; a replay changes nothing."""
        self._validate(records, artifacts)
        try:
            with self._locked():
                new_files: list[tuple[str, str, int, str]] = []
                stored_blobs = [
                    self._store_blob(sha, Path(p), new_files)
                    for sha, p in sorted(artifacts.items())
                ]
                stored = [self._store_record(record, new_files) for record in records]
                self._manifest.append(new_files)
        except OSError as exc:
            raise SinkUnavailable(
                f"cannot write to the archive: {exc.strerror}",
                sink=self.context.name,
                path=exc.filename,
            ) from exc
        outcomes = [outcome for outcome, _ in stored]
        return Receipt(
            sink=self.context.name,
            record_ids=[record.id for record in records],
            artifacts=sorted(artifacts),
            digests={
                record.id: digest for record, (_, digest) in zip(records, stored, strict=True)
            },
            detail={
                "new_versions": outcomes.count("new"),
                "unchanged": outcomes.count("same"),
                "new_blobs": stored_blobs.count(True),
            },
        )

    def close(self) -> None:
        """Nothing is held open between writes."""

    # --- reading --------------------------------------------------------------------------

    def get(self, record_id: str) -> Record | None:
        """The latest version of a record, or ``None``."""
        versions = self.versions(record_id)
        return versions[-1] if versions else None

    def versions(self, record_id: str) -> list[Record]:
        """Every stored version of a record, oldest first."""
        if not is_valid_record_id(record_id):
            return []
        found = versions_in(record_dir(self.root, record_id))
        return [decode_record(path.read_bytes()) for _, path in found]

    def fetch(self, sha256: str, directory: Path) -> Path:
        """The stored blob itself (local: ``directory`` is not needed), verified against
        ``sha256``; ``IntegrityError`` when it is missing or altered. Never modify it."""
        return fetch_blob(self.root, self.context.name, sha256)

    def records(self, kinds: Collection[str] = ()) -> Iterator[Record]:
        """The latest version of every stored record (of ``kinds``), ascending id order,
        streamed (one group of ids sharing their first two characters at a time)."""
        return iter_latest(self.root, kinds)

    def verify(self, expected: Expected | None = None) -> list[Finding]:
        """Re-hash every blob and record file and check the manifest chain; with
        ``expected`` (from the custody ledger), prove every item it names is listed too."""
        return verify_archive(self.root, self.context.name, expected)

    # --- internals ------------------------------------------------------------------------

    def _finding(self, check: str, ok: bool, detail: str, action: str = "") -> Finding:
        return Finding(
            component=self.context.name, check=check, ok=ok, detail=detail, action=action
        )

    def _validate(self, records: Sequence[Record], artifacts: Mapping[str, Path]) -> None:
        """Reject unsafe ids, bad artifact keys and records whose artifact bytes are absent."""
        reasons: dict[str, str] = {}
        for sha, path in artifacts.items():
            if not is_valid_sha256(sha):
                reasons[sha] = "artifact key is not a lowercase hex SHA-256"
            elif not Path(path).exists():
                reasons[sha] = f"artifact file {Path(path).name} is missing from the spool"
        for record in records:
            if not is_valid_record_id(record.id):
                reasons[record.id] = "record id is not usable as a file name"
                continue
            for artifact in record.artifacts:
                if (
                    artifact.sha256 not in artifacts
                    and not blob_path(self.root, artifact.sha256).exists()
                ):
                    reasons[record.id] = f"artifact {artifact.sha256} was not provided"
        if reasons:
            raise RecordRejected(
                "the archive refused records: "
                + "; ".join(f"{k}: {v}" for k, v in reasons.items()),
                reasons=reasons,
                sink=self.context.name,
            )

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the archive's exclusive write lock; clean leftovers of killed writers once."""
        ensure_dir(self.root)
        fd = os.open(self.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if not self._cleaned:
                remove_temp_files(self.root)
                self._cleaned = True
            self._manifest.refresh()
            yield
        finally:
            os.close(fd)

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _store_blob(self, sha: str, source: Path, new_files: list[Any]) -> bool:
        """Store one artifact once; list it in the manifest if it is not listed yet."""
        final = blob_path(self.root, sha)
        created = copy_once(source, final, sha)
        relative = self._relative(final)
        if relative not in self._manifest.listed:
            if not created and hash_file(final)[0] != sha:
                raise IntegrityError(
                    "a stored blob does not match its name; run audit verify",
                    sink=self.context.name,
                    path=relative,
                )
            new_files.append((relative, sha, final.stat().st_size, ""))
        return created

    def _same_as_stored(self, stored: bytes, path: Path, data: bytes) -> bool:
        """Compare with a stored version; an unreadable stored version is a tampered archive."""
        try:
            return _same_content(stored, data)
        except msgspec.DecodeError:
            raise IntegrityError(
                "a stored record version is not valid JSON; run audit verify",
                sink=self.context.name,
                path=self._relative(path),
            ) from None

    def _store_record(self, record: Record, new_files: list[Any]) -> tuple[str, str]:
        """Store a record as a new version unless its latest version has the same content.

        Returns ``new`` or ``same`` and the SHA-256 of the stored version's bytes.
        """
        directory = record_dir(self.root, record.id)
        data = encode_record(record)
        existing = versions_in(directory)
        for _, older in existing:  # written by a writer killed before its manifest line
            if self._relative(older) not in self._manifest.listed:
                kept = older.read_bytes()
                digest = hashlib.sha256(kept).hexdigest()
                new_files.append((self._relative(older), digest, len(kept), record.id))
        if existing:
            path = existing[-1][1]
            stored = path.read_bytes()
            if self._same_as_stored(stored, path, data):
                return "same", hashlib.sha256(stored).hexdigest()
        number = existing[-1][0] + 1 if existing else 1
        while not write_once(directory / version_name(number), data):
            number += 1
        final = directory / version_name(number)
        digest = hashlib.sha256(data).hexdigest()
        new_files.append((self._relative(final), digest, len(data), record.id))
        fsync_dir(directory)
        return "new", digest
