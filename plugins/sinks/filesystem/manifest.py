"""The archive's manifest: an append-only, hash-chained list of every file it stores.

``manifest.jsonl`` holds one canonical JSON line per stored file (blob or record version):
its relative ``path``, ``sha256``, ``size``, a sequence number ``seq`` and ``prev``, the
SHA-256 of the previous line. ``audit verify`` re-hashes every listed file, reports files
missing, changed or not listed, and detects an edited, removed or reordered manifest line.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from .atomic import fsync_dir

__all__ = ["GENESIS", "MANIFEST_NAME", "Entry", "Manifest", "read_chain"]

MANIFEST_NAME = "manifest.jsonl"
GENESIS = "0" * 64

_encoder = msgspec.json.Encoder(order="sorted")


class Entry(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One manifest line: a stored file, its hash and size, chained to the line before."""

    seq: int
    path: str
    sha256: str
    size: int
    at: str
    prev: str
    record_id: str = ""


_decoder = msgspec.json.Decoder(Entry)


def _line_hash(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def read_chain(data: bytes) -> tuple[list[Entry], list[str], bool]:
    """Parse manifest bytes: the entries, chain problems found, and whether the tail is torn.

    A torn tail (last line without its newline) is what a write killed mid-append leaves.
    """
    entries: list[Entry] = []
    problems: list[str] = []
    prev, expected_seq = GENESIS, 1
    lines = data.split(b"\n")
    torn = lines[-1] != b""
    for number, line in enumerate(lines[:-1], start=1):
        try:
            entry = _decoder.decode(line)
        except msgspec.DecodeError as exc:
            problems.append(f"line {number} is not a manifest entry ({exc})")
            prev = _line_hash(line)
            continue
        if entry.prev != prev or entry.seq != expected_seq:
            problems.append(f"line {number} ({entry.path}) breaks the hash chain")
        entries.append(entry)
        prev, expected_seq = _line_hash(line), entry.seq + 1
    return entries, problems, torn


class Manifest:
    """The writer's view of the manifest: which paths are listed, and appending new ones.

    Used only while holding the archive's write lock; ``refresh`` picks up lines appended by
    another writer since the last call.
    """

    def __init__(self, root: Path) -> None:
        self.path = root / MANIFEST_NAME
        self.listed: dict[str, str] = {}
        self._offset = 0
        self._head = GENESIS
        self._seq = 0

    def refresh(self) -> None:
        """Read lines appended since the last call; cut a torn tail left by a killed writer."""
        if not self.path.exists():
            return
        with self.path.open("rb") as fh:
            fh.seek(self._offset)
            data = fh.read()
        complete = data[: data.rfind(b"\n") + 1]
        for line in complete.splitlines():
            entry = _decoder.decode(line)
            self.listed[entry.path] = entry.sha256
            self._head, self._seq = _line_hash(line), entry.seq
        self._offset += len(complete)
        if len(complete) < len(data):
            os.truncate(self.path, self._offset)

    def append(self, files: list[tuple[str, str, int, str]]) -> None:
        """Append ``(path, sha256, size, record_id)`` lines and fsync the manifest.

        The in-memory view changes only once the lines are durable; a failed append leaves
        at most complete or torn lines that the next ``refresh`` reads or cuts.
        """
        if not files:
            return
        at = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        out = bytearray()
        head, seq = self._head, self._seq
        for path, sha256, size, record_id in files:
            seq += 1
            entry = Entry(seq=seq, path=path, sha256=sha256, size=size, at=at, prev=head,
                          record_id=record_id)  # fmt: skip
            line = _encoder.encode(entry)
            head = _line_hash(line)
            out += line + b"\n"
        created = not self.path.exists()
        with self.path.open("ab") as fh:
            fh.write(out)
            fh.flush()
            os.fsync(fh.fileno())
        if created:
            fsync_dir(self.path.parent)
        self.listed.update((path, sha256) for path, sha256, _, _ in files)
        self._head, self._seq = head, seq
        self._offset += len(out)
