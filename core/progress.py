"""Live progress of a run on a terminal (stderr); silent when stderr is not a TTY."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from core.pipeline import Progress
from core.protocols import Unit

__all__ = ["progress_reporter"]


@contextmanager
def progress_reporter() -> Iterator[Progress | None]:
    """Yield a pipeline progress callback drawing units, records and bytes; ``None`` off a TTY."""
    if not sys.stderr.isatty():
        yield None
        return
    try:
        from rich.console import Console
        from rich.progress import Progress as Bar
        from rich.progress import SpinnerColumn, TextColumn
    except ImportError:  # rich is optional: fall back to a plain status line
        yield _plain()
        return
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


def _plain() -> Progress:
    done = {"units": 0}

    def report(event: str, unit: Unit, records: int, size: int) -> None:
        """Redraw a plain status line."""
        done["units"] += event == "committed"
        click.echo(
            f"\r{done['units']} units — {event} {unit.source}/{unit.key}\x1b[K", err=True, nl=False
        )

    return report
