"""Administrative commands: ``status``, ``dlq``, ``plugins``, ``attributes``."""

from __future__ import annotations

import json
from typing import Any

import click
import msgspec

from core.app import App
from core.catalog import attribute_catalog, builtin_filters
from core.cli_audit import archive_pipeline

__all__ = ["attributes", "dlq", "plugins_command", "status"]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def status(app: App, as_json: bool) -> None:
    """Per source: checkpoint, committed, pending retry, dead-lettered, capture gaps, last run."""
    sources = app.validated_settings().sources  # a misspelt key is reported by every command
    rows = [app.readonly_state(missing_ok=True).status(s.name) for s in sources]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(
            f"{row['source']}: checkpoint={row['checkpoint']} committed={row['committed']}"
            f" pending_retry={row['pending_retry']} dead_lettered={row['dead_lettered']}"
            f" unacknowledged={row['unacknowledged']}"
        )
        click.echo(
            f"  last run: {row['last_run_at'] or 'never'}"
            + (f" error: {row['last_error']}" if row["last_error"] else "")
        )
        _echo_gaps(row["gaps"])
        _echo_derivation(row["derivation"], row["derive_errors"])


def _echo_gaps(gaps: list[dict[str, Any]]) -> None:
    # every gap is a file or item that was not captured: list them all, one per line
    if not gaps:
        click.echo("  capture gaps: none")
        return
    click.echo(f"  capture gaps in {len(gaps)} unit(s):")
    for unit in gaps:
        for text in unit["gaps"]:
            click.echo(f"    {unit['key']}: {text}")


def _echo_derivation(counts: dict[str, int], problems: list[dict[str, Any]]) -> None:
    # archived units whose records are missing or incomplete; the archive itself is intact
    waiting = {k: v for k, v in counts.items() if v}
    if not waiting:
        return
    click.echo("  derivation: " + " ".join(f"{k}={v}" for k, v in waiting.items()))
    for p in problems:
        click.echo(f"    {p['key']} ({p['status']}): {p['errors'][0] if p['errors'] else ''}")


@click.group()
def dlq() -> None:
    """The dead-letter store: units that kept failing."""


@dlq.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def dlq_list(app: App, as_json: bool) -> None:
    """List dead-lettered units: id, source, key, attempts, error, time."""
    app.validated_settings()  # a misspelt key is reported by every command
    dead = app.readonly_state(missing_ok=True).dead_letters()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        k: getattr(d, k)
                        for k in ("id", "source", "key", "attempts", "error", "created_at", "stage")
                    }
                    for d in dead
                ]
            )
        )
        return
    if not dead:
        click.echo("the dead-letter store is empty")
    for d in dead:
        click.echo(
            f"{d.id:>4}  {d.source}  {d.key}  attempts={d.attempts}  {d.created_at}"
            f"\n      {d.error}"
        )
    partial = [
        p for p in app.readonly_state(missing_ok=True).derive_problems() if p["status"] != "dead"
    ]
    if partial:
        click.echo("archived units whose records are incomplete (derivation errors):")
    for p in partial:
        click.echo(f"      {p['source']}  {p['key']}  {p['status']}: {'; '.join(p['errors'][:3])}")


@dlq.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "retry_all", is_flag=True, help="Retry every dead-lettered unit.")
@click.pass_obj
def dlq_retry(app: App, ids: tuple[int, ...], retry_all: bool) -> None:
    """Recapture dead-lettered units and run them through the pipeline again."""
    if not ids and not retry_all:
        raise click.UsageError("name dead-letter ids, or pass --all")
    with app.capture_lock():  # before anything is built: the spool is the lock holder's
        known = {d.id for d in app.state.dead_letters()}
        unknown = sorted(set(ids) - known)
        if unknown:
            raise click.UsageError(f"no dead letter with id {', '.join(map(str, unknown))}")
        chosen = app.state.dead_letters(list(ids) or None)
        if chosen and all(d.stage == "derive" for d in chosen):  # from the archive alone
            with archive_pipeline(app) as pipeline:
                outcomes = pipeline.retry_dead_letters(ids)
        else:
            outcomes = app.pipeline().retry_dead_letters(ids)
    for dead_id, outcome in outcomes.items():
        click.echo(f"{dead_id}: {outcome}")
    if any(o != "committed" for o in outcomes.values()):
        raise SystemExit(1)


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def plugins_command(app: App, as_json: bool) -> None:
    """Installed plugins: distribution, version, hooks, components; broken ones with their error."""
    infos = sorted(app.host.plugins.values(), key=lambda p: p.name)
    if as_json:
        click.echo(json.dumps([msgspec.to_builtins(vars(p)) for p in infos], indent=2))
        return
    for p in infos:
        head = f"{p.name} ({p.distribution} {p.version})".replace(" )", ")")
        if p.error:
            click.echo(f"{head} BROKEN: {p.error}")
            continue
        comps = "; ".join(f"{cat}: {', '.join(names)}" for cat, names in p.components.items())
        click.echo(f"{head}\n  hooks: {', '.join(p.hooks) or '-'}\n  components: {comps or '-'}")


@click.command()
@click.option("--all", "show_all", is_flag=True, help="Every registered component too.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def attributes(app: App, show_all: bool, as_json: bool) -> None:
    """Searchable attributes of the configured sources/transformers (--all: every registered).

    Read from the component classes: nothing is built and no secret is needed. Attributes
    only declared by disabled (or, with --all, unconfigured) components are marked so. The
    built-in filters (participant, risk_category, kind) follow.
    """
    settings = None
    if not show_all or app.config_path.is_file():
        settings = app.validated_settings()
    listed = attribute_catalog(settings, app.host, show_all)
    if as_json:
        data = [item.to_builtins() for item in listed] + builtin_filters()
        click.echo(json.dumps(data, indent=2))
        return
    for item in listed:
        s = item.spec
        mark = "" if item.status == "enabled" else f" [{item.status}: {', '.join(item.components)}]"
        click.echo(f"{s.name:<36} {s.type:<12} {s.description}{mark}")
    for f in builtin_filters():  # same columns, so scripts reading the names keep working
        click.echo(f"{f['name']:<36} {'built-in':<12} {f['usage']}: {f['description']}")
