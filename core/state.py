"""The state store: checkpoints, unit status, dead letters and the custody ledger (SQLite).

One database file, ``state.db`` in the state directory, in WAL mode with one writer. Every
change that must be atomic (committing a unit: its status, its ledger entry and the
checkpoint) happens in one ``BEGIN IMMEDIATE`` transaction. Opening it brings its schema to
the current version (:mod:`core.migrations`) and refuses one written by a newer ecomms.
"""

from __future__ import annotations

import fcntl
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec

from core import ledger
from core.derive_state import DerivationState, now
from core.errors import StateError
from core.migrations import migrate, refuse_newer
from core.protocols import Receipt, Unit
from core.state_models import DeadLetter, UnitState, decode_gaps, snapshot_json, storable
from core.writable import not_writable

__all__ = ["DeadLetter", "State", "UnitState"]


_STATUS_ERRORS = 5  # derivation problems `ecomms status` lists (the count is always given)


class State(DerivationState):
    """Access to ``state.db``; one instance per process."""

    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / "state.db"
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        except sqlite3.Error as exc:
            raise StateError(
                f"state store unusable: {exc}{not_writable(state_dir)}", path=str(self.path)
            ) from None
        try:
            refuse_newer(self.db, str(self.path))  # before any pragma changes the file
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            migrate(self.db, str(self.path))
        except sqlite3.Error as exc:
            self.db.close()
            raise StateError(
                f"state store unusable: {exc}{not_writable(state_dir)}", path=str(self.path)
            ) from None
        except StateError:
            self.db.close()
            raise

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @contextmanager
    def run_lock(self) -> Iterator[None]:
        """Hold the state directory's run lock: one capturing process at a time."""
        with (self.path.parent / "run.lock").open("w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StateError(
                    "another ecomms process is capturing with this state directory",
                    state_dir=str(self.path.parent),
                ) from None
            yield

    # --- checkpoints and units ------------------------------------------------------------

    def checkpoint(self, source: str) -> str | None:
        """The source's checkpoint, or ``None`` before its first commit."""
        row = self.db.execute("SELECT value FROM checkpoints WHERE source=?", (source,)).fetchone()
        return row[0] if row else None

    def _set_checkpoint(self, db: sqlite3.Connection, source: str, value: str) -> None:
        db.execute(
            "INSERT INTO checkpoints VALUES (?,?,?) ON CONFLICT(source) DO UPDATE SET"
            " value=excluded.value, updated_at=excluded.updated_at",
            (source, value, now()),
        )

    def advance(self, source: str, value: str) -> None:
        """Move the checkpoint past a unit that needs no commit (already settled)."""
        with self.transaction() as db:
            self._set_checkpoint(db, source, value)

    def unit(self, source: str, key: str) -> UnitState | None:
        """The stored state of one unit."""
        row = self.db.execute(
            "SELECT source, key, version, status, attempts, first_captured_at, last_error, gaps,"
            " acked, capture_id, derive_status, derive_attempts, derive_errors FROM units"
            " WHERE source=? AND key=?",
            (source, key),
        ).fetchone()
        if not row:
            return None
        return UnitState(
            source=row[0],
            key=row[1],
            version=row[2],
            status=row[3],
            attempts=row[4],
            first_captured_at=datetime.fromisoformat(row[5]),
            last_error=row[6],
            gaps=decode_gaps(row[7]),
            acked=bool(row[8]),
            capture_id=row[9],
            derive_status=row[10],
            derive_attempts=row[11],
            derive_errors=msgspec.json.decode(row[12] or "[]"),
        )

    def begin(self, source: str, key: str) -> datetime:
        """Register a unit on first sight; return its durable ``first_captured_at``."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO units (source, key, status, first_captured_at,"
                " updated_at) VALUES (?,?,'pending',?,?)",
                (source, key, now(), now()),
            )
        state = self.unit(source, key)
        assert state is not None
        return state.first_captured_at

    def record_failure(self, source: str, key: str, version: str, error: str) -> int:
        """Count one failed attempt of a unit; return the attempts so far."""
        self.begin(source, key)
        with self.transaction() as db:
            db.execute(
                "UPDATE units SET attempts=attempts+1, status='failed', last_error=?,"
                " version=?, updated_at=? WHERE source=? AND key=?",
                (storable(error), storable(version), now(), source, key),
            )
        state = self.unit(source, key)
        assert state is not None
        return state.attempts

    def commit(
        self,
        unit: Unit,
        receipts: Sequence[Receipt],
        record_ids: Sequence[str],
        checkpoint: str | None,
        retried: int | None = None,
        capture: str = "",
    ) -> None:
        """Commit a unit: status, ledger ``commit`` (and ``dlq_retry``), checkpoint; atomically.

        With ``capture`` (the capture record's id) this is a custody commit: the raw unit is
        in the archive sinks and its derivation is pending. Without, the records already
        reached every sink (no archive sink is enabled) and the unit is fully derived.
        """
        data: dict[str, Any] = {
            "version": unit.version,
            "record_ids": sorted(record_ids),
            "artifacts": sorted({f.sha256 for f in unit.files}),
            "sizes": {f.sha256: f.size for f in unit.files},
            "files": sorted(f.file_id for f in unit.files),
            "gaps": [gap.line() for gap in unit.gaps],
            "receipts": [msgspec.to_builtins(r) for r in receipts],
        }
        if capture:
            data["capture"] = capture
        snapshot = snapshot_json(unit)
        receipts_json = msgspec.json.encode(list(receipts)).decode()
        with self.transaction() as db:
            if retried is not None:
                db.execute("DELETE FROM dead_letters WHERE id=?", (retried,))
                ledger.append(db, "dlq_retry", unit.source, unit.key, {"dead_letter": retried})
            elif capture:  # a new capture replaces a derivation given up on
                db.execute(
                    "DELETE FROM dead_letters WHERE source=? AND key=? AND stage='derive'",
                    (unit.source, unit.key),
                )
            ledger.append(db, "commit", unit.source, unit.key, data)
            db.execute(
                "UPDATE units SET status='committed', version=?, last_error='', gaps=?,"
                " acked=0, snapshot=?, receipts=?, updated_at=?, capture_id=?,"
                " derive_status=?, derive_attempts=0, derive_errors='[]'"
                " WHERE source=? AND key=?",
                (
                    unit.version,
                    msgspec.json.encode(unit.gaps).decode(),
                    snapshot,
                    receipts_json,
                    now(),
                    capture,
                    "pending" if capture else "ok",
                    unit.source,
                    unit.key,
                ),
            )
            if checkpoint is not None:
                self._set_checkpoint(db, unit.source, checkpoint)

    def unacked(self, source: str) -> list[tuple[Unit, list[Receipt]]]:
        """Committed units of ``source`` whose acknowledgement never completed."""
        rows = self.db.execute(
            "SELECT snapshot, receipts FROM units WHERE source=? AND"
            " status='committed' AND acked=0 ORDER BY rowid",
            (source,),
        )
        return [
            (msgspec.json.decode(s, type=Unit), msgspec.json.decode(r, type=list[Receipt]))
            for s, r in rows
        ]

    def acknowledged(self, unit: Unit, actions: list[dict[str, Any]]) -> None:
        """Record the acknowledgement of a committed unit and the actions it took."""
        with self.transaction() as db:
            ledger.append(db, "acknowledge", unit.source, unit.key, {"actions": actions})
            db.execute(
                "UPDATE units SET acked=1, snapshot=NULL, receipts=NULL, updated_at=?"
                " WHERE source=? AND key=?",
                (now(), unit.source, unit.key),
            )

    # --- dead letters --------------------------------------------------------------------

    def dead_letter(self, unit: Unit, error: str, attempts: int) -> int:
        """Move a unit to the dead-letter store (snapshot without bytes); return its id."""
        self.begin(unit.source, unit.key)
        snapshot = snapshot_json(unit)
        error, version = storable(error), storable(unit.version)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO dead_letters (source, key, attempts, error, snapshot,"
                " created_at, stage) VALUES (?,?,?,?,?,?,'capture') ON CONFLICT(source, key)"
                " DO UPDATE SET attempts=excluded.attempts, error=excluded.error,"
                " snapshot=excluded.snapshot, stage='capture'",
                (unit.source, unit.key, attempts, error, snapshot, now()),
            )
            db.execute(
                "UPDATE units SET status='dead', attempts=?, last_error=?, updated_at=?"
                " WHERE source=? AND key=?",
                (attempts, error, now(), unit.source, unit.key),
            )
            ledger.append(
                db,
                "dead_letter",
                unit.source,
                unit.key,
                {"error": error, "attempts": attempts, "version": version},
            )
        row = self.db.execute(
            "SELECT id FROM dead_letters WHERE source=? AND key=?", (unit.source, unit.key)
        ).fetchone()
        return int(row[0])

    def dead_letters(self, ids: Sequence[int] | None = None) -> list[DeadLetter]:
        """Dead letters, oldest first; only ``ids`` when given."""
        sql = (
            "SELECT id, source, key, attempts, error, created_at, snapshot, stage FROM dead_letters"
        )
        wanted = list(ids) if ids is not None else []
        if ids is not None:
            sql += f" WHERE id IN ({', '.join('?' * len(wanted))})"
        rows = self.db.execute(sql + " ORDER BY id", wanted).fetchall()
        return [
            DeadLetter(
                id=r[0],
                source=r[1],
                key=r[2],
                attempts=r[3],
                error=r[4],
                created_at=r[5],
                snapshot=r[6],
                stage=r[7],
            )
            for r in rows
        ]

    # --- runs and status -----------------------------------------------------------------

    def run_finished(self, source: str, error: str = "") -> None:
        """Remember when ``source`` last ran and how it ended."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO runs VALUES (?,?,?) ON CONFLICT(source) DO UPDATE SET"
                " last_run_at=excluded.last_run_at, last_error=excluded.last_error",
                (source, now(), error),
            )

    def status(self, source: str) -> dict[str, Any]:
        """Counts and gaps of one source, for ``ecomms status``."""
        counts = dict(
            self.db.execute(
                "SELECT status, count(*) FROM units WHERE source=? GROUP BY status", (source,)
            ).fetchall()
        )
        gaps = [
            {"key": k, "gaps": [gap.line() for gap in decode_gaps(g)]}
            for k, g in self.db.execute(
                "SELECT key, gaps FROM units WHERE source=? AND gaps != '[]' ORDER BY key",
                (source,),
            )
        ]
        run = self.db.execute(
            "SELECT last_run_at, last_error FROM runs WHERE source=?", (source,)
        ).fetchone()
        unacked = self.db.execute(
            "SELECT count(*) FROM units WHERE source=? AND status='committed' AND acked=0",
            (source,),
        ).fetchone()[0]
        derive = dict(
            self.db.execute(
                "SELECT derive_status, count(*) FROM units WHERE source=? AND"
                " status='committed' GROUP BY derive_status",
                (source,),
            ).fetchall()
        )
        return {
            "source": source,
            "checkpoint": self.checkpoint(source),
            "committed": counts.get("committed", 0),
            "pending_retry": counts.get("failed", 0),
            "dead_lettered": counts.get("dead", 0),
            "unacknowledged": unacked,
            "gaps": gaps,
            "derivation": {
                status: derive.get(status, 0) for status in ("pending", "failed", "partial", "dead")
            },
            "derive_errors": self.derive_problems(source, limit=_STATUS_ERRORS),
            "last_run_at": run[0] if run else None,
            "last_error": run[1] if run else "",
        }

    def append_event(self, event: str, source: str, unit_key: str, data: Any) -> int:
        """Append one custody event of a plugin (e.g. ``legal_hold``) to the ledger; its seq.

        ``data`` is JSON-able and must hold no secret; the entry is hash-chained like every
        other and verified by ``ecomms audit verify``.
        """
        with self.transaction() as db:
            return ledger.append(db, event, source, unit_key, data)

    def ledger_entries(self, source: str | None = None) -> list[ledger.LedgerEntry]:
        """Every custody ledger entry in order (of one source when given)."""
        return list(ledger.entries(self.db, source))

    def verify_ledger(self) -> tuple[int, list[str]]:
        """Recompute the custody ledger's hash chain."""
        return ledger.verify_chain(self.db)
