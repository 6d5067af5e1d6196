"""Tables and value types of the state store (see :mod:`core.state`)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from core.protocols import Gap, Unit

__all__ = ["SCHEMA", "DeadLetter", "UnitState", "decode_gaps", "snapshot_json", "storable"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS checkpoints (source TEXT PRIMARY KEY, value TEXT, updated_at TEXT);
CREATE TABLE IF NOT EXISTS units (
    source TEXT NOT NULL, key TEXT NOT NULL, version TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, first_captured_at TEXT NOT NULL,
    last_error TEXT NOT NULL DEFAULT '', gaps TEXT NOT NULL DEFAULT '[]',
    acked INTEGER NOT NULL DEFAULT 0, snapshot TEXT, receipts TEXT, updated_at TEXT,
    PRIMARY KEY (source, key));
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, key TEXT NOT NULL,
    attempts INTEGER NOT NULL, error TEXT NOT NULL, snapshot TEXT NOT NULL, created_at TEXT,
    UNIQUE (source, key));
CREATE TABLE IF NOT EXISTS runs (source TEXT PRIMARY KEY, last_run_at TEXT, last_error TEXT);
"""


class UnitState(msgspec.Struct, kw_only=True, frozen=True):
    """What the store knows of one unit."""

    source: str
    key: str
    version: str
    status: str  # pending | failed | committed | dead
    attempts: int
    first_captured_at: datetime
    last_error: str
    gaps: list[Gap]
    acked: bool
    capture_id: str = ""
    derive_status: str = ""  # "" (no custody yet) | pending | ok | partial | failed | dead
    derive_attempts: int = 0
    derive_errors: list[str] = msgspec.field(default_factory=list)


class DeadLetter(msgspec.Struct, kw_only=True, frozen=True):
    """A unit in the dead-letter store: its snapshot (no bytes) and the error that put it there."""

    id: int
    source: str
    key: str
    attempts: int
    error: str
    created_at: str
    snapshot: str
    stage: str = "capture"  # capture (nothing archived) | derive (archived, records missing)

    def unit(self) -> Unit:
        """The unit as it was when dead-lettered (payloads and file metadata)."""
        return msgspec.json.decode(self.snapshot, type=Unit)


def decode_gaps(text: str) -> list[Gap]:
    """Stored gaps as :class:`Gap` values; a plain string (older rows) is a file gap."""
    return [
        Gap(part=item, kind="file") if isinstance(item, str) else msgspec.convert(item, Gap)
        for item in msgspec.json.decode(text or "[]")
    ]


def storable(text: str) -> str:
    """``text`` as SQLite and JSON can hold it: lone surrogates escaped (``\\udc80``)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def snapshot_json(value: object) -> str:
    """``value`` as JSON; strings it cannot encode (lone surrogates) are escaped, so even a
    poisoned unit can be kept as a dead letter."""
    try:
        return msgspec.json.encode(value).decode()
    except UnicodeEncodeError:
        return msgspec.json.encode(_escaped(msgspec.to_builtins(value))).decode()


def _escaped(value: object) -> object:
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {storable(str(k)): _escaped(v) for k, v in value.items()}
    return value
