"""The custody ledger: an append-only, hash-chained table in the state database.

Each entry is ``(seq, time, event, source, unit_key, data, prev_hash, hash)`` where ``data``
is canonical JSON and ``hash`` is the SHA-256 of the canonical JSON of every other column
(``prev_hash`` included). Changing any byte of any entry, deleting or reordering entries
breaks the chain, and :func:`verify_chain` names the first entry at fault.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import msgspec

from core.secrets import scrub

__all__ = ["GENESIS", "LEDGER_SCHEMA", "LedgerEntry", "append", "entries", "verify_chain"]

GENESIS = "0" * 64
LEDGER_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    event TEXT NOT NULL,
    source TEXT NOT NULL,
    unit_key TEXT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
"""
_canonical = msgspec.json.Encoder(order="sorted")


class LedgerEntry(msgspec.Struct, kw_only=True, frozen=True):
    """One custody event (``commit``, ``acknowledge``, ``dead_letter``, ``dlq_retry``)."""

    seq: int
    time: str
    event: str
    source: str
    unit_key: str
    data: str
    prev_hash: str
    hash: str

    def payload(self) -> Any:
        """The decoded ``data`` column."""
        return msgspec.json.decode(self.data)


def _digest(seq: int, time: str, event: str, source: str, key: str, data: str, prev: str) -> str:
    body = {
        "seq": seq,
        "time": time,
        "event": event,
        "source": source,
        "unit_key": key,
        "data": data,
        "prev_hash": prev,
    }
    return hashlib.sha256(_canonical.encode(body)).hexdigest()


def append(db: sqlite3.Connection, event: str, source: str, unit_key: str, data: Any) -> int:
    """Append one entry inside the caller's transaction; return its sequence number.

    ``data`` is scrubbed of every known secret (:func:`core.secrets.scrub`) before it is
    hashed, so the entry verifies as stored.
    """
    row = db.execute("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
    time = datetime.now(UTC).isoformat(timespec="microseconds")
    text = scrub(_canonical.encode(data).decode())
    digest = _digest(seq, time, event, source, unit_key, text, prev)
    db.execute(
        "INSERT INTO ledger VALUES (?,?,?,?,?,?,?,?)",
        (seq, time, event, source, unit_key, text, prev, digest),
    )
    return seq


def entries(db: sqlite3.Connection, source: str | None = None) -> Iterator[LedgerEntry]:
    """Ledger entries in order, optionally of one source."""
    sql = "SELECT seq, time, event, source, unit_key, data, prev_hash, hash FROM ledger"
    args: tuple[Any, ...] = ()
    if source:
        sql, args = sql + " WHERE source = ?", (source,)
    for row in db.execute(sql + " ORDER BY seq", args):
        yield LedgerEntry(
            seq=row[0],
            time=row[1],
            event=row[2],
            source=row[3],
            unit_key=row[4],
            data=row[5],
            prev_hash=row[6],
            hash=row[7],
        )


def verify_chain(db: sqlite3.Connection) -> tuple[int, list[str]]:
    """Recompute the chain; return (entries checked, problems naming each bad entry)."""
    problems: list[str] = []
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for entry in entries(db):
        count += 1
        if entry.seq != expected_seq:
            problems.append(f"entry {entry.seq}: expected seq {expected_seq} (entries missing)")
        if entry.prev_hash != expected_prev:
            problems.append(f"entry {entry.seq}: prev_hash does not match entry {entry.seq - 1}")
        digest = _digest(
            entry.seq,
            entry.time,
            entry.event,
            entry.source,
            entry.unit_key,
            entry.data,
            entry.prev_hash,
        )
        if digest != entry.hash:
            problems.append(
                f"entry {entry.seq} ({entry.event} {entry.source}/{entry.unit_key}):"
                " content does not match its hash (altered)"
            )
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    return count, problems
