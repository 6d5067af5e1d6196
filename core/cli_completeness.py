"""``ecomms audit completeness``: reconcile what the sources list with what is in custody.

The report (:mod:`core.completeness`) prints one line per unit and file, a count per fate
and a verdict; ``--json`` prints it as JSON. ``--output DIR`` also writes it as a signed-off
artifact: the JSON, a human-readable summary and a ``SHA256SUMS`` of both, whose digests are
recorded in a custody ledger entry of event ``completeness``. Exit 1 when anything is
unaccounted or a source cannot list its past.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path

import click

from core.app import App
from core.cli_records import TimeParam
from core.completeness import FATES, Report, completeness_report
from core.errors import EcommsError, StateError

__all__ = ["completeness", "render_text", "write_artifact"]

_MARKS = {"unaccounted": "UNACCOUNTED"}


def render_text(report: Report) -> str:
    """The report for people: one line per item, then the counts and the verdict."""
    period = f"{report.start or 'the earliest listable'} .. {report.end or 'now'}"
    lines = [
        f"completeness report generated {report.generated_at}",
        f"period: {period}; custody ledger read at entry {report.ledger_seq}",
    ]
    for source in report.sources:
        lines.append(f"source {source.source}:")
        if not source.reconcilable:
            lines.append(f"  NOT RECONCILED: {source.note}")
            continue
        for e in source.entries:
            mark = _MARKS.get(e.fate, e.fate)
            seq = f"#{e.ledger_seq}" if e.ledger_seq is not None else ""
            what = f"file {e.file_id}" if e.file_id else "lookup" if e.fate == "gap" else "unit"
            label = f" ({e.label})" if e.label else ""
            detail = f" — {e.detail}" if e.detail else ""
            lines.append(f"  {mark:<16} {seq:>7}  {e.key}  {what}{label}{detail}")
        counts = source.counts()
        lines.append("  " + ", ".join(f"{fate} {counts[fate]}" for fate in FATES))
    missing = len(report.unaccounted())
    if not report.sources:
        lines.append("INCOMPLETE: no source is enabled, so nothing was reconciled")
    elif report.complete():
        lines.append("COMPLETE: every listed item is accounted for")
    else:
        unreconciled = sum(not s.reconcilable for s in report.sources)
        lines.append(
            f"INCOMPLETE: {missing} unaccounted item(s), {unreconciled} source(s) not reconciled"
        )
    return "\n".join(lines) + "\n"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_artifact(app: App, report: Report, directory: Path) -> tuple[list[Path], int]:
    """Write the report's JSON, summary and ``SHA256SUMS`` into ``directory`` (never over an
    existing file), then record their digests in a ledger entry; the files and its seq."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = "completeness-" + report.generated_at.replace(":", "").replace("+0000", "Z")
    bodies = {
        f"{stem}.json": json.dumps(report.to_builtins(), indent=2, sort_keys=True) + "\n",
        f"{stem}.txt": render_text(report),
    }
    written: list[Path] = []
    for name, text in bodies.items():
        path = directory / name
        try:
            with path.open("x", encoding="utf-8") as fh:
                fh.write(text)
        except FileExistsError:
            raise EcommsError(f"{path} exists already; reports are never overwritten") from None
        written.append(path)
    digests = {path.name: _digest(path) for path in written}
    sums = directory / f"{stem}.SHA256SUMS"
    with sums.open("x", encoding="utf-8") as fh:
        fh.writelines(f"{digest}  {name}\n" for name, digest in digests.items())
    data = {
        "files": digests,
        "start": report.start,
        "end": report.end,
        "read_at_ledger_seq": report.ledger_seq,
        "sources": [s.source for s in report.sources],
        "unaccounted": len(report.unaccounted()),
        "complete": report.complete(),
    }
    sources = ",".join(s.source for s in report.sources)
    seq = app.state.append_event("completeness", sources, f"{stem}.json", data)
    return [*written, sums], seq


def _writable(app: App) -> None:
    state_dir = app.settings.state_dir
    db = state_dir / "state.db"
    if not (os.access(state_dir, os.W_OK) and os.access(db, os.W_OK)):
        raise StateError(
            "--output records the report in the custody ledger, but the state directory is"
            " read-only; run it where the state is writable, or without --output",
            state_dir=str(state_dir),
        )


@click.command("completeness")
@click.option("--source", "sources", multiple=True, help="Only this source instance (repeatable).")
@click.option("--from", "start", type=TimeParam(), default=None, help="Period start (UTC).")
@click.option(
    "--to", "end", type=TimeParam(end=True), default=None, help="Period end (a date: all)."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write the signed-off report (JSON, summary, SHA256SUMS) here.",
)
@click.pass_obj
def completeness(
    app: App,
    sources: tuple[str, ...],
    start: datetime | None,
    end: datetime | None,
    as_json: bool,
    output: Path | None,
) -> None:
    """List every unit and file the sources hold for the period, and its fate in custody.

    Fates: committed (with its ledger entry), processing, failed_at_source, gap,
    dead_lettered, retrying, excluded, or UNACCOUNTED. Reads the state read-only and changes
    nothing at the sources; exit 1 when anything is unaccounted.
    """
    if start and end and start > end:
        raise click.UsageError("--from is later than --to")
    if output is not None:
        _writable(app)
    report = completeness_report(app.settings, app.host, sources, start, end)
    if as_json:
        click.echo(json.dumps(report.to_builtins(), indent=2))
    else:
        click.echo(render_text(report), nl=False)
    if output is not None:
        files, seq = write_artifact(app, report, output)
        names = ", ".join(path.name for path in files)
        click.echo(f"report written to {output}: {names}; ledger entry {seq}", err=as_json)
    if not report.complete():
        raise SystemExit(1)
