"""Custody commands: ``audit verify`` (the ledger against every sink), ``rebuild SINK`` and
``reprocess`` (both from the archive of record)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import click

from core.app import App
from core.components import build_components
from core.errors import EcommsError
from core.expected import Claims, expected_by_sink
from core.pipeline import Pipeline
from core.protocols import Finding, VerifiableSink
from core.query import parse_time
from core.rebuild import RebuildProgress, rebuild_sink
from core.reprocess import Filters, ReprocessProgress
from core.reprocess import reprocess as reprocess_archive

__all__ = ["archive_pipeline", "audit", "rebuild", "reprocess"]


@contextmanager
def archive_pipeline(app: App) -> Iterator[Pipeline]:
    """A pipeline that derives from the archive of record: the sources are not built, so
    their secrets are not needed (``reprocess``, ``dlq retry`` of derivations)."""
    components = build_components(app.settings, app.host, app.metrics, sources=False)
    try:
        yield Pipeline(app.settings, app.host, components, app.state)
    finally:
        components.close()


@click.group()
def audit() -> None:
    """Custody checks."""


@audit.command("verify")
@click.pass_obj
def audit_verify(app: App) -> None:
    """Prove the ledger's hash chain, and that every sink still holds, unchanged, every
    artifact and record the ledger says it confirmed; exit 1 naming whatever is missing.

    The ledger is read once, first: a capture running meanwhile is not a false alarm.
    """
    state = app.readonly_state()  # an auditor may have read access only
    entries = state.ledger_entries()
    count, problems = state.verify_ledger()
    claims, last = expected_by_sink(entries)
    failed = len(problems)
    for problem in problems:
        click.echo(f"FAIL ledger {problem}")
    for name, sink in app.sinks.items():
        failed += _verify_sink(name, sink, claims.pop(name, Claims()), last)
    for name, unverified in sorted(claims.items()):
        click.echo(
            f"skip sink {name}: named by the ledger ({unverified.summary()}) but not enabled"
            " in this configuration; not verified"
        )
    chain = "hash chain intact" if not problems else f"{len(problems)} problem(s)"
    click.echo(f"{'ok  ' if not problems else 'FAIL'} ledger: {count} entries, {chain}")
    if failed:
        raise SystemExit(1)


def _verify_sink(name: str, sink: object, claims: Claims, last: int) -> int:
    """Verify one sink against what the ledger names; print its lines; the failures."""
    if not isinstance(sink, VerifiableSink):
        click.echo(f"skip sink {name}: it cannot verify what it stores")
        return 0
    claims.expected.ledger_seq = last
    try:
        findings = sink.verify(claims.expected)
    except EcommsError as exc:
        findings = [Finding(component=name, check="verify", ok=False, detail=exc.one_line())]
    bad = [f for f in findings if not f.ok]
    for f in bad:
        click.echo(f"FAIL {name} {f.check}: {f.detail}" + (f" → {f.action}" if f.action else ""))
    named = f"the ledger names {claims.summary()} as of entry {last}"
    if bad:
        click.echo(f"FAIL sink {name}: {len(bad)} problem(s); {named}")
    else:
        details = "; ".join(f.detail for f in findings if f.detail)
        click.echo(f"ok   sink {name} verified: {named}" + (f" — {details}" if details else ""))
    return len(bad)


@click.command()
@click.argument("sink")
@click.option("--from", "source", default="", help="The archive sink to read (default: the first).")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--restart", is_flag=True, help="Start over instead of resuming a killed rebuild.")
@click.pass_obj
def rebuild(app: App, sink: str, source: str, batch: int, restart: bool) -> None:
    """Refill search sink SINK (a deleted sqlite file, a new OpenSearch index) from the archive.

    Idempotent and resumable: the same record ids, no duplicates; a rebuild that was killed
    resumes after the last batch it made durable. Holds the run lock (no capture meanwhile).
    """
    shown = [0.0]

    def report(progress: RebuildProgress) -> None:
        now = time.monotonic()
        if now - shown[0] >= 1.0:
            shown[0] = now
            click.echo(f"rebuild {sink}: {progress.records} records written", err=True)

    with app.state.run_lock():
        done = rebuild_sink(app.state, app.sinks, sink, source, batch, restart, report)
    p = done.progress
    resumed = f" (resumed after {done.skipped} written before)" if p.resumed else ""
    click.echo(f"rebuilt {sink} from {p.archive}: {p.records} records{resumed}")


@click.command()
@click.option("--source", default="", help="Only units of this source instance.")
@click.option("--since", default="", help="Only units that occurred at or after (ISO, UTC).")
@click.option("--unit", default="", help="Only the unit with this key.")
@click.option("--restart", is_flag=True, help="Start over instead of resuming a killed run.")
@click.pass_obj
def reprocess(app: App, source: str, since: str, unit: str, restart: bool) -> None:
    """Derive records again from the archive of record, without the source (after upgrading
    a transformer or changing the policies); every sink gets the new versions.

    Idempotent and resumable: the same record ids; a run that was killed resumes after the
    last unit it finished. Holds the run lock (no capture meanwhile).
    """
    filters = Filters(source=source, since=parse_time(since) if since else None, unit=unit)
    shown = [0.0]

    def report(progress: ReprocessProgress, label: str) -> None:
        now = time.monotonic()
        if now - shown[0] >= 1.0:
            shown[0] = now
            click.echo(f"reprocess: {progress.units} units — {label}", err=True)

    with app.state.run_lock(), archive_pipeline(app) as pipeline:
        done = reprocess_archive(
            pipeline.derive, pipeline.c.sinks, app.settings.state_dir, filters, restart, report
        )
    p = done.progress
    counts = ", ".join(f"{k} {v}" for k, v in sorted(p.statuses.items())) or "nothing selected"
    resumed = f" (resumed after {done.skipped} done before)" if p.resumed else ""
    click.echo(f"reprocessed {p.units} units from {p.archive}: {counts}{resumed}")
    for line in done.failed:
        click.echo(f"FAIL {line} (see ecomms status and ecomms dlq list)")
    if done.failed:
        raise SystemExit(1)
