"""``ecomms legal-hold place|release|list|extend``: legal holds and retention on the archive.

Units are chosen from the custody ledger (``--source``, ``--unit``, ``--query`` on the first
searchable sink, or ``--all``); every action is written to the ledger with who did it and why.
"""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from core.errors import ConfigError
from core.protocols import Query

from .holds import ObjectRef, Outcome, extend_retention, find_objects, hold_status, set_hold
from .selection import UnitHoldings, hold_state, select_units
from .sink import S3Sink

__all__ = ["legal_hold_group"]

_QUERY_LIMIT = 10_000


def _sink(app: Any, name: str) -> S3Sink:
    sinks = {n: s for n, s in app.sinks.items() if isinstance(s, S3Sink)}
    if not sinks:
        raise ConfigError("no s3 sink is enabled; add a [sinks.s3] section")
    if name and name not in sinks:
        raise ConfigError(f"no enabled s3 sink named {name!r}; have: {', '.join(sinks)}")
    return sinks[name] if name else next(iter(sinks.values()))


def _selected(app: Any, sink: S3Sink, opts: dict[str, Any]) -> list[UnitHoldings]:
    if not (opts["sources"] or opts["units"] or opts["query"] or opts["everything"]):
        raise click.UsageError("choose units: --source, --unit, --query TEXT or --all")
    record_ids = None
    if opts["query"]:
        searchable = app.searchable_sink()
        if searchable is None:
            raise ConfigError("--query needs a sink that can search (e.g. [sinks.sqlite])")
        found = searchable.search(Query(text=opts["query"], limit=_QUERY_LIMIT))
        if found.total > _QUERY_LIMIT:
            raise click.UsageError(f"--query matches {found.total} records; narrow it")
        record_ids = {record.id for record in found.records}
    units = select_units(
        app.state.ledger_entries(), sink.context.name, opts["sources"], opts["units"], record_ids
    )
    if not units:
        raise click.UsageError(f"no committed unit of sink {sink.context.name} matches")
    return units


def _objects(sink: S3Sink, unit: UnitHoldings) -> list[ObjectRef]:
    return find_objects(sink.bucket, unit.artifacts, unit.versions, unit.record_ids)


def _selectors(fn: Any) -> Any:
    options = [
        click.option("--source", "sources", multiple=True, help="Units of this source."),
        click.option("--unit", "units", multiple=True, help="This unit key (repeatable)."),
        click.option("--query", default="", help="Units whose records match this search."),
        click.option("--all", "everything", is_flag=True, help="Every committed unit."),
        click.option("--sink", "sink_name", default="", help="s3 sink instance (default: first)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _who(fn: Any) -> Any:
    fn = click.option("--by", default="", help="Who acts (default: the OS user).")(fn)
    return click.option("--reason", required=True, help="Why (kept in the custody ledger).")(fn)


def _record(app: Any, sink: S3Sink, unit: UnitHoldings, data: dict[str, Any]) -> None:
    event = "legal_hold" if data["action"] in ("place", "release") else "retention_extend"
    payload = {"sink": sink.context.name, "bucket": sink.config.bucket, **data}
    app.state.append_event(event, unit.source, unit.key, payload)


def _report(unit: UnitHoldings, outcome: Outcome, verb: str) -> bool:
    """One line per unit; refusals as one FAIL line naming the first and counting the rest."""
    click.echo(f"{unit.label}: {outcome.done} objects {verb}")
    refused = sorted(outcome.refused or [])
    if refused:
        more = f" (and {len(refused) - 1} more objects)" if len(refused) > 1 else ""
        click.echo(f"FAIL {unit.label}: {refused[0]}{more}")
    return not refused


@click.group("legal-hold")
def legal_hold_group() -> None:
    """S3 legal holds and retention of archived units (written to the custody ledger)."""


def _hold(app: Any, on: bool, opts: dict[str, Any]) -> None:
    sink = _sink(app, opts["sink_name"])
    who = opts["by"] or getpass.getuser()
    ok = True
    for unit in _selected(app, sink, opts):
        objects = _objects(sink, unit)
        outcome = set_hold(sink.bucket, objects, on)
        _record(
            app,
            sink,
            unit,
            {
                "action": "place" if on else "release",
                "by": who,
                "reason": opts["reason"],
                "objects": outcome.done,
                "refused": len(outcome.refused or []),
            },
        )
        ok = _report(unit, outcome, "held" if on else "released") and ok
    if not ok:
        raise SystemExit(1)


@legal_hold_group.command("place")
@_selectors
@_who
@click.pass_obj
def place(app: Any, /, **opts: Any) -> None:
    """Place a legal hold on every object of the selected units."""
    _hold(app, True, opts)


@legal_hold_group.command("release")
@_selectors
@_who
@click.pass_obj
def release(app: Any, /, **opts: Any) -> None:
    """Release the legal hold of every object of the selected units."""
    _hold(app, False, opts)


@legal_hold_group.command("extend")
@_selectors
@_who
@click.option("--until", "until_text", default="", help="New retain-until date (ISO 8601, UTC).")
@click.option("--days", type=float, default=None, help="Retain until this many days from now.")
@click.pass_obj
def extend(app: Any, /, until_text: str, days: float | None, **opts: Any) -> None:
    """Extend the retention of every object of the selected units (never shortens)."""
    until = _until(until_text, days)
    sink = _sink(app, opts["sink_name"])
    who, ok = opts["by"] or getpass.getuser(), True
    for unit in _selected(app, sink, opts):
        outcome = extend_retention(sink.bucket, _objects(sink, unit), until)
        _record(
            app,
            sink,
            unit,
            {
                "action": "extend",
                "until": until.isoformat(),
                "by": who,
                "reason": opts["reason"],
                "objects": outcome.done,
                "refused": len(outcome.refused or []),
            },
        )
        ok = _report(unit, outcome, f"retained until {until:%Y-%m-%dT%H:%M:%SZ}") and ok
    if not ok:
        raise SystemExit(1)


def _until(text: str, days: float | None) -> datetime:
    if bool(text) == (days is not None):
        raise click.UsageError("give exactly one of --until DATE or --days N")
    if days is not None:
        return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.UsageError(f"--until {text}: not an ISO 8601 date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@legal_hold_group.command("list")
@click.option("--source", "sources", multiple=True, help="Units of this source.")
@click.option("--unit", "units", multiple=True, help="This unit key (repeatable).")
@click.option("--sink", "sink_name", default="", help="s3 sink instance (default: first).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per unit.")
@click.pass_obj
def list_holds(
    app: Any, sources: tuple[str, ...], units: tuple[str, ...], sink_name: str, as_json: bool
) -> None:
    """Units under legal hold and how many of their objects the server shows held."""
    sink = _sink(app, sink_name)
    entries = app.state.ledger_entries()
    placed = {
        k: v for k, v in hold_state(entries, sink.context.name).items() if v["action"] == "place"
    }
    chosen = [
        u
        for u in select_units(entries, sink.context.name, sources, units)
        if (u.source, u.key) in placed
    ]
    if not chosen and not as_json:
        click.echo(f"no unit is under legal hold on sink {sink.context.name}")
    for unit in chosen:
        status = hold_status(sink.bucket, _objects(sink, unit))
        held = [ref.key for ref, on in status if on]
        info = placed[(unit.source, unit.key)]
        if as_json:
            row = {
                "unit": unit.label,
                "held": len(held),
                "objects": len(status),
                "placed_at": info["time"],
                "by": info.get("by"),
                "reason": info.get("reason"),
            }
            click.echo(json.dumps(row))
            continue
        click.echo(
            f"{unit.label}: {len(held)} of {len(status)} objects held — placed {info['time']}"
            f" by {info.get('by')}: {info.get('reason')}"
        )
