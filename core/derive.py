"""Derivation: transformers run on a unit whose custody is committed; records go to every sink.

A derivation ends ``ok``, ``partial`` (some record carries derivation errors), ``failed``
(a transformer raised, a sink refused: retried on a later pass), ``dead`` (failed
``max_attempts`` times, or a terminal error on a retry from the dead-letter store) or
``pending`` (a sink stayed unreachable: nothing is counted against the unit, it is derived
again on a later pass). It never touches custody: the raw unit stays archived and
acknowledged whatever happens here. Units are rebuilt from the archive of record for every
derivation after the first (:func:`core.archive_units.unit_from_archive`).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from core.archive_units import archive_sinks, fetch_parts, find_capture, unit_from_archive
from core.components import Components, handles
from core.config import Settings
from core.errors import (
    EcommsError,
    IntegrityError,
    RecordRejected,
    SinkUnavailable,
    TerminalError,
)
from core.outcomes import DeriveStatus
from core.protocols import Receipt, Unit
from core.records import Record
from core.sink_write import write_to_sink
from core.state import State

__all__ = ["DERIVE_REASONS", "Derivation", "derive_records", "describe"]

log = logging.getLogger("ecomms.pipeline")

DERIVE_REASONS = ("capture", "reprocess", "refill")


def derive_records(components: Components, unit: Unit, captured_at: datetime) -> list[Record]:
    """Run the unit-stage transformers for the unit's platform, then the record stage."""
    records: list[Record] = []
    for t in components.unit_transformers:
        if handles(t, unit.platform):
            records = t.transform(unit, records)
    for t in components.record_transformers:
        records = t.transform(unit, records)
    for record in records:
        record.captured_at = captured_at
    return records


def describe(error: BaseException) -> str:
    """An error as one line: ours by ``one_line()``, a bug by its type and message."""
    if isinstance(error, RecordRejected) and error.reasons:
        reasons = "; ".join(f"{k}: {v}" for k, v in sorted(error.reasons.items()))
        return f"{error.one_line()} [{reasons}]"
    if isinstance(error, EcommsError):
        return error.one_line()
    return f"{type(error).__name__}: {error}"


class Derivation:
    """The derivation stage over the enabled components; ``down`` names sinks that stayed
    unreachable (derivation waits for a later pass while any is listed)."""

    def __init__(
        self,
        settings: Settings,
        components: Components,
        state: State,
        on_error: Any,
        on_derived: Any = None,
    ) -> None:
        self.settings, self.c, self.state, self.on_error = settings, components, state, on_error
        # on_derived(unit, status, receipts, error): the ecomms_after_derive hook
        self.on_derived = on_derived or (lambda *_: None)
        self.archives = archive_sinks(components.sinks)
        self.down: dict[str, str] = {}
        self._reading: tuple[Any, Path] | None = None

    def derive(
        self, unit: Unit, reason: str = "capture", retried: int | None = None
    ) -> DeriveStatus:
        """Derive ``unit`` (parts readable at their paths); return its derivation status."""
        if reason not in DERIVE_REASONS:
            raise ValueError(f"unknown derivation reason {reason!r}")
        if self.down:
            return DeriveStatus.PENDING
        known = self.state.unit(unit.source, unit.key)
        captured = known.first_captured_at if known else self.state.begin(unit.source, unit.key)
        try:
            records = derive_records(self.c, unit, captured)
        except Exception as exc:
            if not isinstance(exc, EcommsError):
                log.exception("transformer failed on %s/%s", unit.source, unit.key)
            return self._failed(unit, exc, [], reason, retried)
        # the bytes are in the archive sinks since custody; search sinks keep references
        artifacts: dict[str, Path] = {}
        receipts: list[Receipt] = []
        for name, sink in self.c.sinks.items():
            try:
                receipts.append(write_to_sink(self.settings, name, sink, records, artifacts))
            except SinkUnavailable as exc:
                self.down[name] = exc.one_line()
                log.warning(
                    "%s; records of %s/%s will be derived on a later pass",
                    exc.one_line(),
                    unit.source,
                    unit.key,
                )
                self.on_derived(unit, DeriveStatus.PENDING, receipts, exc)
                return DeriveStatus.PENDING
            except Exception as exc:
                if not isinstance(exc, EcommsError):
                    log.exception("sink %s failed on %s/%s", name, unit.source, unit.key)
                return self._failed(unit, exc, receipts, reason, retried)
        errors = [f"{r.kind} {r.id}: {e}" for r in records for e in r.errors]
        status = DeriveStatus.PARTIAL if errors else DeriveStatus.OK
        self.state.derived(unit, status, [r.id for r in records], receipts, errors, reason, retried)
        self.on_derived(unit, status, receipts, None)
        if errors:
            log.warning(
                "%s/%s derived with %d error(s), first: %s",
                unit.source,
                unit.key,
                len(errors),
                errors[0],
            )
        return status

    def derive_archived(
        self, source: str, key: str, capture: str, reason: str, **kw: Any
    ) -> DeriveStatus:
        """Rebuild a committed unit from the archive of record and derive it."""
        try:
            with self.archived_unit(capture) as unit:
                return self.derive(unit, reason, **kw)
        except EcommsError as exc:  # the archive lost it or cannot be read: say so, go on
            stub = Unit(source=source, platform="", key=key)
            return self._failed(stub, exc, [], reason, kw.get("retried"))

    @contextmanager
    def archived_unit(self, capture: str, fetch: bool = True) -> Iterator[Unit]:
        """The unit of capture record ``capture`` from the first archive sink that can read
        parts back, its parts fetched into a temporary directory of the spool for the
        duration of the ``with`` block (``fetch=False``: references, see
        :meth:`fetch_missing`)."""
        readable = [(n, s) for n, s in self.archives.items() if callable(getattr(s, "fetch", None))]
        if not readable:
            raise IntegrityError("no enabled archive sink can read parts back (fetch)")
        name, sink = readable[0]
        found = find_capture(sink, capture)
        if found is None:
            raise IntegrityError(
                "capture record missing from the archive", sink=name, record=capture
            )
        spool = self.settings.state_dir / "spool"
        spool.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="derive-", dir=spool) as tmp:
            self._reading = (sink, Path(tmp))
            try:
                yield unit_from_archive(sink, found, Path(tmp) if fetch else None)
            finally:
                self._reading = None

    def fetch_missing(self, unit: Unit) -> None:
        """Inside :meth:`archived_unit`: fetch every part of ``unit`` without a local path."""
        assert self._reading is not None, "fetch_missing outside archived_unit"
        sink, directory = self._reading
        fetch_parts(unit, sink, directory)

    def _failed(
        self,
        unit: Unit,
        error: BaseException,
        receipts: list[Receipt],
        reason: str,
        retried: int | None,
    ) -> DeriveStatus:
        line = describe(error)
        terminal = isinstance(error, TerminalError) or retried is not None
        dead_after = 1 if terminal else self.settings.host.max_attempts
        status, attempts = self.state.derive_failed(unit, line, receipts, reason, dead_after)
        log.error(
            "%s/%s derivation %s (attempt %d): %s; its archive is intact",
            unit.source,
            unit.key,
            "given up, see `ecomms dlq list`"
            if status == DeriveStatus.DEAD
            else "failed, will retry",
            attempts,
            line,
        )
        self.on_error(unit, error, status == DeriveStatus.DEAD)
        self.on_derived(unit, status, receipts, error)
        return status
