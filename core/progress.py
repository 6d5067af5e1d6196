"""What a run tells its operator: live progress on a terminal, and a log line per unit and pass.

:class:`PassTally` is a host-side observer of the lifecycle hooks (``ecomms_before_capture``,
``ecomms_after_derive``, ``ecomms_after_commit``): it logs one INFO line per committed unit,
counts what a pass did, which :func:`pass_summary` turns into the one INFO line per pass
(units by outcome, records, bytes, duration) that ``run --once`` also prints, and forwards
each unit to the terminal's :func:`progress_reporter` (silent when stderr is not a TTY).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from core.hookspecs import hookimpl
from core.outcomes import DeriveStatus
from core.pass_report import PassReport
from core.protocols import Receipt, Unit

__all__ = ["Display", "PassTally", "human_bytes", "pass_summary", "progress_reporter"]

log = logging.getLogger("ecomms.run")

#: what a terminal display receives: ``unit`` (capture starts) or ``committed``, the unit,
#: its records and its bytes
Display = Callable[[str, Unit, int, int], None]

#: outcomes always named in a pass summary, in this order (others follow, sorted)
OUTCOMES = ("committed", "skipped", "failed", "dead")
_WORDS = {
    "skipped": "already archived",
    "failed": "failed (retried next pass)",
    "dead": "dead-lettered",
}


def human_bytes(size: int) -> str:
    """``size`` bytes in decimal units: ``0 B``, ``12.3 kB``, ``4.5 MB``, ``1.2 GB``."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


class PassTally:
    """Observes the lifecycle hooks: logs each committed unit and counts records and bytes.

    ``display`` (the terminal's progress bar, or ``None``) is told of every unit whose
    capture starts and of every committed one. :meth:`start` begins a new pass.
    """

    def __init__(self, display: Display | None = None) -> None:
        self.display = display
        self.records = 0
        self.bytes = 0
        self._derived: dict[tuple[str, str], int] = {}

    def start(self) -> None:
        """Zero the counts for a new pass."""
        self.records = self.bytes = 0
        self._derived.clear()

    @hookimpl
    def ecomms_before_capture(self, unit: Unit) -> None:
        """Show the unit whose capture starts."""
        if self.display is not None:
            self.display("unit", unit, 0, 0)

    @hookimpl
    def ecomms_after_derive(self, unit: Unit, status: str, receipts: Sequence[Receipt]) -> None:
        """Remember how many records the unit's derivation delivered to every sink."""
        delivered = status in (DeriveStatus.OK, DeriveStatus.PARTIAL)
        count = max((len(r.record_ids) for r in receipts), default=0) if delivered else 0
        self._derived[(unit.source, unit.key)] = count

    @hookimpl
    def ecomms_after_commit(self, unit: Unit, receipts: Sequence[Receipt], refill: bool) -> None:
        """Count and log a unit the pass captured (a refill of an archived one is not).

        Its records are those its derivation delivered or, without an archive sink (the
        records were written as part of the commit), those the commit's receipts confirm.
        """
        derived = self._derived.pop((unit.source, unit.key), None)
        if refill:
            return
        if derived is None:
            derived = max((len(r.record_ids) for r in receipts), default=0)
        size = sum(f.size for f in unit.files)
        self.records += derived
        self.bytes += size
        log.info(
            "committed %s/%s: %d records, %s",
            unit.source,
            unit.key,
            derived,
            human_bytes(size),
            extra={
                "context": {
                    "event": "unit_committed",
                    "source": unit.source,
                    "unit": unit.key,
                    "records": derived,
                    "bytes": size,
                }
            },
        )
        if self.display is not None:
            self.display("committed", unit, derived, size)


def pass_summary(
    report: PassReport, tally: PassTally, seconds: float
) -> tuple[str, dict[str, Any]]:
    """The one line saying what a pass did, and the same as data (a JSON log's context)."""
    counts = {name: len(report.outcomes.get(name, ())) for name in OUTCOMES}
    counts |= {k: len(v) for k, v in sorted(report.outcomes.items()) if k not in counts}
    units = ", ".join(f"{n} {_WORDS.get(k, k)}" for k, n in counts.items())
    text = (
        f"pass finished in {seconds:.1f} s: {units}; {tally.records} records,"
        f" {human_bytes(tally.bytes)} archived"
    )
    data = {
        "event": "pass_finished",
        "units": counts,
        "records": tally.records,
        "bytes": tally.bytes,
        "seconds": round(seconds, 3),
    }
    return text, data


@contextmanager
def progress_reporter() -> Iterator[Display | None]:
    """Yield a terminal display of units, records and bytes; ``None`` off a TTY."""
    if not sys.stderr.isatty():
        yield None
        return
    # imported here: only an interactive run draws progress, other commands start faster
    from rich.console import Console
    from rich.progress import Progress as Bar
    from rich.progress import SpinnerColumn, TextColumn

    totals = {"units": 0, "records": 0, "bytes": 0}
    with Bar(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("starting")

        def report(event: str, unit: Unit, records: int, size: int) -> None:
            """Count committed units and redraw the status line."""
            if event == "committed":
                totals["units"] += 1
                totals["records"] += records
                totals["bytes"] += size
            bar.update(
                task,
                description=(
                    f"{totals['units']} units, {totals['records']} records,"
                    f" {totals['bytes'] / 1e6:.1f} MB — {event} {unit.source}/{unit.key}"
                ),
            )

        yield report
