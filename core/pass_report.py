"""What one pass of the pipeline did, for the command line and the tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.outcomes import Outcome
from core.protocols import Unit

__all__ = ["PassReport", "down_line"]


@dataclass
class PassReport:
    """What one pass did: unit keys by outcome (committed, skipped, failed, dead), unit keys
    by derivation status (ok, partial, failed, dead, pending) and sinks that stayed down."""

    outcomes: dict[str, list[str]] = field(default_factory=dict)
    records: int = 0
    bytes: int = 0
    derived: dict[str, list[str]] = field(default_factory=dict)
    down: dict[str, str] = field(default_factory=dict)

    def add(self, outcome: Outcome, unit: Unit) -> None:
        """Count one unit's outcome."""
        self.outcomes.setdefault(outcome, []).append(f"{unit.source}/{unit.key}")

    def add_derived(self, status: str, source: str, key: str) -> None:
        """Count one unit's derivation status."""
        self.derived.setdefault(status, []).append(f"{source}/{key}")


def down_line(down: dict[str, str]) -> str:
    """The one line saying which sinks stayed down during derivation, and what follows."""
    if not down:
        return ""
    return (
        "; ".join(down[name] for name in sorted(down))
        + ": custody committed, records will be derived on a later pass once it is back"
    )
