"""Which units a ``legal-hold`` command acts on, and what one sink holds for each, from the ledger.

Units are read from the custody ledger: ``commit`` entries (one per unit before capture-first),
``custody`` and ``derive`` entries (after it). For the chosen sink, a unit's objects are the
artifacts and record versions (``digests``) its receipts list; records a receipt names without
a digest (entries written before digests existed) count with every stored version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["UnitHoldings", "hold_state", "select_units"]

_UNIT_EVENTS = ("commit", "custody", "derive")


@dataclass
class UnitHoldings:
    """What one sink holds for one unit, by the ledger."""

    source: str
    key: str
    artifacts: set[str] = field(default_factory=set)
    versions: set[tuple[str, str]] = field(default_factory=set)
    record_ids: set[str] = field(default_factory=set)  # every version of these

    @property
    def label(self) -> str:
        """``source/key``."""
        return f"{self.source}/{self.key}"

    def add(self, data: dict[str, Any], sink: str) -> None:
        """Fold one ledger entry's receipts for ``sink`` into the holdings."""
        for receipt in data.get("receipts") or []:
            if not isinstance(receipt, dict) or receipt.get("sink") != sink:
                continue
            self.artifacts.update(receipt.get("artifacts") or [])
            digests = receipt.get("digests") or {}
            self.versions.update(digests.items())
            self.record_ids.update(r for r in receipt.get("record_ids") or [] if r not in digests)


def select_units(
    entries: Iterable[Any],
    sink: str,
    sources: Sequence[str] = (),
    units: Sequence[str] = (),
    record_ids: set[str] | None = None,
) -> list[UnitHoldings]:
    """Units of the ledger matching every filter given, with what ``sink`` holds for them.

    ``record_ids`` (from a search) keeps the units that produced any of those records.
    """
    found: dict[tuple[str, str], UnitHoldings] = {}
    for entry in entries:
        if entry.event not in _UNIT_EVENTS:
            continue
        if (sources and entry.source not in sources) or (units and entry.unit_key not in units):
            continue
        holdings = found.setdefault(
            (entry.source, entry.unit_key), UnitHoldings(entry.source, entry.unit_key)
        )
        holdings.add(entry.payload(), sink)
    chosen = [h for h in found.values() if h.artifacts or h.versions or h.record_ids]
    if record_ids is not None:
        chosen = [h for h in chosen if _produced(h) & record_ids]
    return sorted(chosen, key=lambda h: (h.source, h.key))


def _produced(holdings: UnitHoldings) -> set[str]:
    return holdings.record_ids | {r for r, _ in holdings.versions}


def hold_state(entries: Iterable[Any], sink: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The last ``legal_hold`` place/release of each unit on ``sink``, by (source, key)."""
    state: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in entries:
        if entry.event != "legal_hold":
            continue
        data = entry.payload()
        if data.get("sink") == sink and data.get("action") in ("place", "release"):
            state[(entry.source, entry.unit_key)] = dict(data, time=entry.time, seq=entry.seq)
    return state
