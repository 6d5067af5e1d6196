"""The state store: checkpoints, unit status, dead letters and the custody ledger (SQLite).

One database file, ``state.db`` in the state directory, in WAL mode with one writer. Every
change that must be atomic (committing a unit: its status, its ledger entry and the
checkpoint) happens in one ``BEGIN IMMEDIATE`` transaction. Opening it brings its schema to
the current version (:mod:`core.migrations`) and refuses one written by a newer ecomms.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import msgspec

from core import ledger
from core.derive_state import DerivationState, now
from core.diskfull import disk_full
from core.errors import DiskFull, StateError
from core.migrations import SCHEMA_VERSION, migrate, refuse_newer
from core.protocols import Receipt, Unit
from core.readonly import connect_readonly
from core.secrets import scrub_params
from core.state_models import DeadLetter, UnitState, decode_gaps, snapshot_json, storable
from core.writable import not_writable

__all__ = ["DeadLetter", "State", "UnitState", "run_lock"]


_STATUS_ERRORS = 5  # derivation problems `ecomms status` lists (the count is always given)


@contextmanager
def run_lock(state_dir: Path) -> Iterator[None]:
    """Hold ``state_dir``'s run lock (``run.lock``, an advisory ``flock``) while the block runs.

    The spool and capture belong to the holder. Another process is refused with a
    :class:`StateError` naming the holder's pid, read from the lock file (written only by
    the process that holds the lock).
    """
    path = state_dir / "run.lock"
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise disk_full(exc, path) or StateError(
            f"cannot open the run lock: {exc.strerror}{not_writable(state_dir)}", path=str(path)
        ) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
            raise StateError(
                f"another ecomms process (pid {holder or 'unknown'}) is capturing with this"
                " state directory; stop it first or wait for it to finish",
                state_dir=str(state_dir),
            ) from None
        pid = f"{os.getpid()}\n".encode()
        try:  # over the previous holder's pid: no new block needed, even on a full disk
            os.pwrite(fd, pid, 0)
            os.ftruncate(fd, len(pid))
        except OSError as exc:
            raise disk_full(exc, path) or exc from None
        yield
    finally:
        os.close(fd)


class _Scrubbing:
    """The connection a write transaction hands out: every ``str`` parameter is scrubbed."""

    __slots__ = ("_db",)

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        """``Connection.execute`` with the parameters scrubbed."""
        return self._db.execute(sql, scrub_params(params))

    def executemany(self, sql: str, rows: Iterable[Any]) -> sqlite3.Cursor:
        """``Connection.executemany`` with each row's parameters scrubbed."""
        return self._db.executemany(sql, (scrub_params(r) for r in rows))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


class State(DerivationState):
    """Access to ``state.db``; one instance per process.

    ``readonly``: open an existing database for reading only (:mod:`core.readonly`): nothing
    is created or migrated, and a write raises ``sqlite3.OperationalError``. A missing one is
    a ``StateError``, or with ``missing_ok`` an empty store in memory (nothing captured yet).
    """

    def __init__(self, state_dir: Path, readonly: bool = False, missing_ok: bool = False) -> None:
        self.path = state_dir / "state.db"
        if readonly:
            self.db = self._open_readonly(missing_ok)
            return
        try:
            state_dir.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        except (sqlite3.Error, OSError) as exc:
            raise self._unusable(exc) from None
        try:
            refuse_newer(self.db, str(self.path))  # before any pragma changes the file
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            migrate(self.db, str(self.path))
        except sqlite3.Error as exc:
            self.db.close()
            raise self._unusable(exc) from None
        except StateError:
            self.db.close()
            raise

    def _unusable(self, exc: BaseException) -> StateError | DiskFull:
        full = disk_full(exc, self.path)
        return full or StateError(
            f"state store unusable: {exc}{not_writable(self.path.parent)}", path=str(self.path)
        )

    def _open_readonly(self, missing_ok: bool) -> sqlite3.Connection:
        """The database read-only; one of an older schema is migrated in a copy in memory."""
        if missing_ok and not self.path.exists():
            db = sqlite3.connect(":memory:", isolation_level=None)
            migrate(db, ":memory:")
            return db
        db = connect_readonly(self.path, what="state database")
        try:
            refuse_newer(db, str(self.path))
            if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                copy = sqlite3.connect(":memory:", isolation_level=None)
                db.backup(copy)
                migrate(copy, ":memory:")
                db.close()
                db = copy
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``).

        Every text written through it is scrubbed of known secrets
        (:func:`core.secrets.scrub`). A full disk is :class:`core.errors.DiskFull` naming the
        database; the transaction is rolled back (SQLite may already have done so: no
        "cannot rollback" error).
        """
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield cast(sqlite3.Connection, _Scrubbing(self.db))
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as exc:
            full = disk_full(exc, self.path)
            if full is None:
                raise
            raise full from None

    @contextmanager
    def run_lock(self) -> Iterator[None]:
        """Hold the state directory's run lock: one capturing process at a time.

        The holder's pid is written into ``run.lock``; a refused process names it.
        """
        with run_lock(self.path.parent):
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
