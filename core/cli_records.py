"""Finding records again: ``search`` and ``show``, delegated to the first searchable sink."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from core.app import App
from core.errors import ConfigError, EcommsError
from core.protocols import Query
from core.records import encode_record
from core.render import render_record, summary_line

__all__ = ["search", "show"]


def _sink(app: App) -> Any:
    sink = app.searchable_sink()
    if sink is None:
        raise ConfigError("no enabled sink can search: enable one, e.g. [sinks.sqlite]")
    return sink


def _where(pairs: tuple[str, ...]) -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r}: expected ATTR=VALUE", param_hint="--where")
        where.setdefault(name, []).append(value)
    return where


@click.command()
@click.argument("text", required=False, default="")
@click.option("--where", "where", multiple=True, help="ATTR=VALUE (repeatable).")
@click.option("--kind", default="", help="Record kind: chat, transcript, meeting...")
@click.option("--since", type=click.DateTime(), default=None, help="Occurred at or after (UTC).")
@click.option("--until", type=click.DateTime(), default=None, help="Occurred at or before (UTC).")
@click.option("--min-risk", type=int, default=None, help="Risk score at least N.")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Full records as JSON Lines.")
@click.pass_obj
def search(
    app: App,
    text: str,
    where: tuple[str, ...],
    kind: str,
    since: datetime | None,
    until: datetime | None,
    min_risk: int | None,
    limit: int,
    as_json: bool,
) -> None:
    """Find records by text, attributes, kind, time and risk."""
    query = Query(
        text=text,
        where=_where(where),
        kind=kind,
        since=_utc(since),
        until=_utc(until),
        min_risk=min_risk,
        limit=limit,
    )
    results = _sink(app).search(query)
    for record in results.records:
        click.echo(encode_record(record).decode() if as_json else summary_line(record))
    if not as_json:
        click.echo(f"{len(results.records)} of {results.total} matching records", err=True)


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value and value.tzinfo is None else value


@click.command()
@click.argument("record_id")
@click.option("--json", "as_json", is_flag=True, help="The full record as JSON.")
@click.pass_obj
def show(app: App, record_id: str, as_json: bool) -> None:
    """Show one record; a chat is rendered as its threads."""
    record = _sink(app).get(record_id)
    if record is None:
        raise EcommsError(f"no record with id {record_id}")
    click.echo(encode_record(record).decode() if as_json else render_record(record))
