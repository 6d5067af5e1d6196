"""The state of derivations: what is left to derive, what failed, what was given up on.

A unit whose custody is committed (its raw parts in the archive sinks) has a derivation
status of its own: ``pending`` until its records reached every sink, then ``ok``, or
``partial`` when some record carries derivation errors; ``failed`` after an attempt that
will be retried; ``dead`` after ``max_attempts`` (listed by ``ecomms dlq list`` beside the
units whose capture failed). Custody is never undone by any of these.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import msgspec

from core import ledger
from core.outcomes import DeriveStatus
from core.protocols import Receipt, Unit
from core.state_models import decode_gaps, snapshot_json, storable

__all__ = ["DerivationState", "now"]

_errors = msgspec.json.Encoder()


def now() -> str:
    """The current UTC time as the state store writes it."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class DerivationState:
    """Derivation methods of :class:`core.state.State` (same database, same transactions)."""

    db: sqlite3.Connection

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """One atomic write transaction (implemented by ``State``)."""
        raise NotImplementedError

    def derive_due(self, source: str) -> list[tuple[str, str]]:
        """``(key, capture id)`` of committed units of ``source`` whose derivation is due."""
        rows = self.db.execute(
            "SELECT key, capture_id FROM units WHERE source=? AND status='committed'"
            " AND derive_status IN ('pending', 'failed') ORDER BY rowid",
            (source,),
        )
        return [(key, capture) for key, capture in rows]

    def refill_due(self, source: str, at: datetime) -> list[tuple[str, str]]:
        """``(key, capture id)`` of committed units with a lookup gap retryable after ``at``."""
        rows = self.db.execute(
            "SELECT key, capture_id, gaps FROM units WHERE source=? AND status='committed'"
            " AND capture_id != '' AND gaps != '[]' ORDER BY rowid",
            (source,),
        )
        return [
            (key, capture)
            for key, capture, gaps in rows
            if any(g.retry_until is not None and g.retry_until > at for g in decode_gaps(gaps))
        ]

    def derived(
        self,
        unit: Unit,
        status: str,
        record_ids: Sequence[str],
        receipts: Sequence[Receipt],
        errors: Sequence[str],
        reason: str,
        retried: int | None = None,
    ) -> None:
        """Record a finished derivation (``ok`` or ``partial``) and its ledger ``derive``."""
        with self.transaction() as db:
            if retried is not None:
                db.execute("DELETE FROM dead_letters WHERE id=?", (retried,))
                ledger.append(db, "dlq_retry", unit.source, unit.key, {"dead_letter": retried})
            self._derive_entry(db, unit, status, record_ids, receipts, errors, reason)
            db.execute(
                "UPDATE units SET derive_status=?, derive_attempts=0, derive_errors=?,"
                " updated_at=? WHERE source=? AND key=?",
                (status, _errors.encode(list(errors)).decode(), now(), unit.source, unit.key),
            )

    def derive_failed(
        self,
        unit: Unit,
        error: str,
        receipts: Sequence[Receipt],
        reason: str,
        dead_after: int,
    ) -> tuple[DeriveStatus, int]:
        """Count a failed derivation; ``(failed or dead, attempts)``. A dead one becomes a
        dead letter of stage ``derive`` (``dlq retry`` derives it again from the archive)."""
        row = self.db.execute(
            "SELECT derive_attempts FROM units WHERE source=? AND key=?", (unit.source, unit.key)
        ).fetchone()
        attempts = (row[0] if row else 0) + 1
        error = storable(error)
        status = DeriveStatus.DEAD if attempts >= dead_after else DeriveStatus.FAILED
        with self.transaction() as db:
            self._derive_entry(db, unit, status, [], receipts, [error], reason)
            db.execute(
                "UPDATE units SET derive_status=?, derive_attempts=?, derive_errors=?,"
                " updated_at=? WHERE source=? AND key=?",
                (status, attempts, _errors.encode([error]).decode(), now(), unit.source, unit.key),
            )
            if status == DeriveStatus.DEAD:
                db.execute(
                    "INSERT INTO dead_letters (source, key, attempts, error, snapshot,"
                    " created_at, stage) VALUES (?,?,?,?,?,?,'derive') ON CONFLICT(source, key)"
                    " DO UPDATE SET attempts=excluded.attempts, error=excluded.error,"
                    " snapshot=excluded.snapshot, stage='derive'",
                    (
                        unit.source,
                        unit.key,
                        attempts,
                        f"derivation failed: {error}",
                        snapshot_json(unit),
                        now(),
                    ),
                )
        return status, attempts

    def derive_problems(self, source: str | None = None, limit: int | None = None) -> list[Any]:
        """Units whose derivation is ``partial``, ``failed`` or ``dead``, with their errors.

        Each is a dict: ``source``, ``key``, ``status``, ``attempts``, ``errors`` (lines).
        """
        sql = (
            "SELECT source, key, derive_status, derive_attempts, derive_errors FROM units"
            " WHERE status='committed' AND derive_status IN ('partial', 'failed', 'dead')"
        )
        args: tuple[Any, ...] = ()
        if source is not None:
            sql, args = sql + " AND source=?", (source,)
        sql += " ORDER BY source, key"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [
            {
                "source": s,
                "key": k,
                "status": status,
                "attempts": attempts,
                "errors": msgspec.json.decode(errors or "[]"),
            }
            for s, k, status, attempts, errors in self.db.execute(sql, args)
        ]

    def derive_entries(self, source: str | None = None) -> Iterator[ledger.LedgerEntry]:
        """The ledger's ``derive`` entries in order (of one source when given)."""
        return (e for e in ledger.entries(self.db, source) if e.event == "derive")

    @staticmethod
    def _derive_entry(
        db: sqlite3.Connection,
        unit: Unit,
        status: str,
        record_ids: Sequence[str],
        receipts: Sequence[Receipt],
        errors: Sequence[str],
        reason: str,
    ) -> None:
        data = {
            "version": unit.version,
            "reason": reason,
            "status": status,
            "record_ids": sorted(record_ids),
            "receipts": [msgspec.to_builtins(r) for r in receipts],
            "errors": list(errors),
        }
        ledger.append(db, "derive", unit.source, unit.key, data)
