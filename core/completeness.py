"""Completeness reconciliation: everything a source lists for a period, and the fate of each.

A :class:`~core.protocols.ReconcilableSource` lists its units and files for the period
(``inventory``); each item is looked up in the state store and the custody ledger, read-only,
and given one fate:

==================  ========================================================================
``committed``       in custody: named by a ledger ``commit`` entry (``ledger_seq``)
``processing``      not ready at the source yet; captured once it is
``failed_at_source`` the source itself failed to produce it (kept as a gap of its unit)
``gap``             named by a gap of its committed unit (e.g. a download refused; retried)
``dead_lettered``   its unit is in the dead-letter store (``ecomms dlq list``)
``retrying``        its unit failed and is retried on the next pass
``excluded``        the configuration does not capture it
``unaccounted``     none of the above: nothing explains why it is not in custody
==================  ========================================================================

Gaps of a committed unit that name no listed file (a refused lookup) are reported as extra
``gap`` items. Anything unaccounted makes ``ecomms audit completeness`` exit 1.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from core.components import validate_components
from core.config import Settings, convert_component
from core.errors import ConfigError, StateError
from core.host import Host
from core.protocols import Context, Gap, InventoryItem, ReconcilableSource
from core.readonly import connect_readonly
from core.state_models import decode_gaps

__all__ = [
    "FATES",
    "Custody",
    "Entry",
    "Report",
    "SourceReport",
    "completeness_report",
    "open_readonly",
    "reconcile",
]

FATES = (
    "committed",
    "processing",
    "failed_at_source",
    "gap",
    "dead_lettered",
    "retrying",
    "excluded",
    "unaccounted",
)


class Entry(msgspec.Struct, kw_only=True, frozen=True):
    """One listed item (or one lookup gap) and its fate; ``ledger_seq`` when committed."""

    key: str
    file_id: str = ""
    label: str = ""
    status: str = ""
    fate: str
    ledger_seq: int | None = None
    detail: str = ""


class SourceReport(msgspec.Struct, kw_only=True):
    """The reconciliation of one source; ``note`` says why a source could not be listed."""

    source: str
    reconcilable: bool = True
    note: str = ""
    entries: list[Entry] = msgspec.field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The number of entries of each fate (every fate present, in :data:`FATES` order)."""
        found = {fate: 0 for fate in FATES}
        for entry in self.entries:
            found[entry.fate] += 1
        return found


class Report(msgspec.Struct, kw_only=True):
    """A completeness report: the period, when it was made, the ledger it was read at."""

    generated_at: str
    start: str | None
    end: str | None
    ledger_seq: int
    sources: list[SourceReport] = msgspec.field(default_factory=list)

    def unaccounted(self) -> list[tuple[str, Entry]]:
        """Every unaccounted entry with its source."""
        return [(s.source, e) for s in self.sources for e in s.entries if e.fate == "unaccounted"]

    def complete(self) -> bool:
        """True when at least one source was listed, every source was, and nothing is
        unaccounted (a report over no source proves nothing)."""
        return (
            bool(self.sources)
            and all(s.reconcilable for s in self.sources)
            and not self.unaccounted()
        )

    def to_builtins(self) -> dict[str, Any]:
        """The report as JSON-able data, with the counts per source and the verdict."""
        data: dict[str, Any] = msgspec.to_builtins(self)
        for source, built in zip(self.sources, data["sources"], strict=True):
            built["counts"] = source.counts()
        data["unaccounted"] = len(self.unaccounted())
        data["complete"] = self.complete()
        return data


def open_readonly(state_dir: Path) -> sqlite3.Connection:
    """The state database opened read-only (:func:`core.readonly.connect_readonly`): never
    written, locked against a run or migrated; one that lacks the units or the ledger is a
    ``StateError``."""
    path = state_dir / "state.db"
    db = connect_readonly(path, what="state database")
    try:
        db.execute("SELECT count(*) FROM units").fetchone()
        db.execute("SELECT count(*) FROM ledger").fetchone()
    except sqlite3.Error as exc:
        db.close()
        raise StateError(f"state store unreadable: {exc}", path=str(path)) from None
    return db


class _Unit(msgspec.Struct, frozen=True):
    status: str
    attempts: int
    last_error: str
    gaps: list[Gap]
    derive_status: str = ""


_UNITS = "SELECT key, status, attempts, last_error, gaps{} FROM units WHERE source=?"


class Custody:
    """What the state store and the custody ledger say of some units of one source."""

    def __init__(self, db: sqlite3.Connection, source: str, keys: Iterable[str]) -> None:
        wanted = set(keys)
        self.units: dict[str, _Unit] = {}
        self.dead: dict[str, tuple[int, str]] = {}
        self.commits: dict[str, list[tuple[int, frozenset[str]]]] = {}
        try:
            rows: Iterable[tuple[Any, ...]] = db.execute(
                _UNITS.format(", derive_status"), (source,)
            )
        except sqlite3.OperationalError:  # a store from before capture-first (never migrated)
            rows = ((*row, "") for row in db.execute(_UNITS.format(""), (source,)))
        for key, status, attempts, error, gaps, derived in rows:
            if key in wanted:
                self.units[key] = _Unit(status, attempts, error, decode_gaps(gaps), derived or "")
        for dead_id, key, error in db.execute(
            "SELECT id, key, error FROM dead_letters WHERE source=?", (source,)
        ):
            if key in wanted:
                self.dead[key] = (dead_id, error)
        for seq, key, data in db.execute(
            "SELECT seq, unit_key, data FROM ledger WHERE source=? AND event='commit' ORDER BY seq",
            (source,),
        ):
            if key in wanted:
                files = msgspec.json.decode(data).get("files") or []
                self.commits.setdefault(key, []).append((seq, frozenset(files)))

    def commit_of(self, key: str, file_id: str) -> int | None:
        """The latest ledger ``commit`` entry of the unit (naming ``file_id`` when given)."""
        for seq, files in reversed(self.commits.get(key, [])):
            if not file_id or file_id in files:
                return seq
        return None


_DERIVED = ("", "ok")


def _entry(item: InventoryItem, custody: Custody) -> Entry:
    fate, detail, seq = _fate(item, custody)
    return Entry(
        key=item.key,
        file_id=item.file_id,
        label=item.label,
        status=item.status,
        fate=fate,
        ledger_seq=seq,
        detail=detail,
    )


def _fate(item: InventoryItem, custody: Custody) -> tuple[str, str, int | None]:
    """``(fate, detail, ledger seq)`` of one listed item."""
    if not item.selected:
        return "excluded", "not captured by the configuration", None
    unit = custody.units.get(item.key)
    seq = custody.commit_of(item.key, item.file_id)
    if seq is not None and unit is not None:
        derived = unit.derive_status
        note = f"archived; its records: derivation {derived}" if derived not in _DERIVED else ""
        return "committed", note if not item.file_id else "", seq
    if item.status == "processing":
        return "processing", "not ready at the source yet", None
    if item.status == "failed":
        return "failed_at_source", "the source reports it failed", None
    if unit is None:
        why = f"ledger entry {seq} commits it but the state store has no such unit" if seq else ""
        return "unaccounted", why or "never captured", None
    gap = next((g for g in unit.gaps if item.file_id and item.file_id in g.part), None)
    if gap is not None:
        return "gap", gap.line(), None
    if unit.status == "dead":
        dead_id, error = custody.dead.get(item.key, (0, unit.last_error))
        return "dead_lettered", f"dead letter {dead_id}: {error}", None
    if unit.status == "failed":
        return "retrying", f"attempt {unit.attempts} failed: {unit.last_error}", None
    if unit.status == "committed":
        last = custody.commit_of(item.key, "")
        if last is None:
            return "unaccounted", "committed in the state store but in no ledger entry", None
        return "unaccounted", f"new since its unit's last commit (ledger entry {last})", None
    return "unaccounted", f"unit {unit.status}, never committed", None


def _lookup_gaps(key: str, file_ids: list[str], custody: Custody) -> list[Entry]:
    """The gaps of a committed unit that name none of its listed files (refused lookups)."""
    unit = custody.units.get(key)
    if unit is None or unit.status != "committed":
        return []
    return [
        Entry(key=key, label=gap.part, fate="gap", detail=gap.reason)
        for gap in unit.gaps
        if not any(file_id in gap.part for file_id in file_ids)
    ]


def reconcile(db: sqlite3.Connection, source: str, items: Iterable[InventoryItem]) -> SourceReport:
    """The fate of every listed item of ``source``, each unit's lookup gaps after its files."""
    by_unit: dict[str, list[InventoryItem]] = {}
    for item in items:
        by_unit.setdefault(item.key, []).append(item)
    custody = Custody(db, source, by_unit)
    entries = []
    for key, listed in by_unit.items():
        entries += [_entry(item, custody) for item in listed]
        entries += _lookup_gaps(key, [i.file_id for i in listed if i.file_id], custody)
    return SourceReport(source=source, entries=entries)


def _build_source(settings: Settings, host: Host, name: str) -> Any:
    """Build one enabled source (its secrets are read) without creating any directory."""
    plan = validate_components(settings, host)
    for section, cls in plan.sources:
        if section.name == name:
            context = Context(
                name=name,
                state_dir=settings.state_dir,
                spool_dir=settings.state_dir / "spool" / "sources" / name,
                attributes=plan.attributes,
                config_dir=settings.base_dir,
            )
            return cls(convert_component(cls.Config, section), context)
    raise ConfigError(f"--source {name}: no enabled source instance of that name")


def _one_source(
    db: sqlite3.Connection,
    source: Any,
    name: str,
    start: datetime | None,
    end: datetime | None,
) -> SourceReport:
    if not isinstance(source, ReconcilableSource):
        note = "this source cannot list its past: its completeness cannot be reconciled"
        return SourceReport(source=name, reconcilable=False, note=note)
    return reconcile(db, name, source.inventory(start, end))


def completeness_report(
    settings: Settings,
    host: Host,
    only: Sequence[str] = (),
    start: datetime | None = None,
    end: datetime | None = None,
) -> Report:
    """Reconcile every enabled source (or those named) for ``[start, end]``; reads the state
    store read-only and changes nothing, at the sources either."""
    names = list(only) or [s.name for s in settings.sources if s.enabled]
    db = open_readonly(settings.state_dir)
    try:
        head = db.execute("SELECT coalesce(max(seq), 0) FROM ledger").fetchone()[0]
        report = Report(
            generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
            start=start.isoformat() if start else None,
            end=end.isoformat() if end else None,
            ledger_seq=head,
        )
        for name in names:
            source = _build_source(settings, host, name)
            try:
                report.sources.append(_one_source(db, source, name, start, end))
            finally:
                source.close()
        return report
    finally:
        db.close()
