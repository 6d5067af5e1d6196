"""What a run tells its operator: live progress on a terminal, and a log line per unit and pass.

:func:`progress_reporter` draws units, records and bytes on a terminal (silent when stderr is
not a TTY). :class:`PassTally` observes the pipeline's progress events: it logs one INFO line
per committed unit and counts what a pass did, which :func:`pass_summary` turns into the one
INFO line per pass (units by outcome, records, bytes, duration) that ``run --once`` also prints.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from core.pipeline import PassReport, Progress
from core.protocols import Unit

__all__ = ["PassTally", "human_bytes", "pass_summary", "progress_reporter"]

log = logging.getLogger("ecomms.run")

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
    """A pipeline progress callback: logs each committed unit and counts records and bytes.

    ``forward`` (the terminal's progress bar, or ``None``) receives every event too.
    :meth:`start` begins a new pass.
    """

    def __init__(self, forward: Progress | None = None) -> None:
        self.forward = forward
        self.records = 0
        self.bytes = 0

    def start(self) -> None:
        """Zero the counts for a new pass."""
        self.records = self.bytes = 0

    def __call__(self, event: str, unit: Unit, records: int, size: int) -> None:
        """Observe one progress event of the pipeline."""
        if event == "committed":
            self.records += records
            self.bytes += size
            log.info(
                "committed %s/%s: %d records, %s",
                unit.source,
                unit.key,
                records,
                human_bytes(size),
                extra={
                    "context": {
                        "event": "unit_committed",
                        "source": unit.source,
                        "unit": unit.key,
                        "records": records,
                        "bytes": size,
                    }
                },
            )
        if self.forward is not None:
            self.forward(event, unit, records, size)


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
def progress_reporter() -> Iterator[Progress | None]:
    """Yield a pipeline progress callback drawing units, records and bytes; ``None`` off a TTY."""
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
