"""Live progress of a run on a terminal (stderr); silent when stderr is not a TTY."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from core.pipeline import Progress
from core.protocols import Unit

__all__ = ["progress_reporter"]


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
