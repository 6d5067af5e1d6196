"""Finding records again: ``search`` and ``show``, delegated to the first searchable sink.

The sink validates the query with :func:`core.query.parse_query` (one query language for
every store); a date-only ``--until`` is the end of that UTC day (:func:`core.query.parse_time`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from core.app import App
from core.errors import ConfigError, EcommsError, QueryError
from core.protocols import Query
from core.query import parse_time
from core.records import RECORD_KINDS, encode_record
from core.render import render_record, summary_line

__all__ = ["TimeParam", "search", "show"]


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


class TimeParam(click.ParamType):  # type: ignore[type-arg]  # generic only in click's stubs
    """An ISO date or time, UTC unless it says otherwise; ``end``: a date is its last ms."""

    name = "time"

    def __init__(self, end: bool = False) -> None:
        self.end = end

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse ``value`` with :func:`core.query.parse_time`."""
        if isinstance(value, datetime):
            return value
        try:
            return parse_time(str(value), end=self.end)
        except QueryError as exc:
            self.fail(exc.message, param, ctx)


@click.command()
@click.argument("text", required=False, default="")
@click.option("--where", "where", multiple=True, help="ATTR=VALUE (repeatable; see attributes).")
@click.option("--kind", default="", help=f"Record kind: {', '.join(sorted(RECORD_KINDS))}.")
@click.option("--since", type=TimeParam(), default=None, help="Occurred at or after (UTC).")
@click.option(
    "--until",
    type=TimeParam(end=True),
    default=None,
    help="Occurred at or before (a date: all of it).",
)
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
    """Find records by text, attributes, kind, time and risk (filters: ecomms attributes)."""
    query = Query(
        text=text,
        where=_where(where),
        kind=kind,
        since=since,
        until=until,
        min_risk=min_risk,
        limit=limit,
    )
    results = _sink(app).search(query)
    for record in results.records:
        click.echo(encode_record(record).decode() if as_json else summary_line(record))
    if not as_json:
        click.echo(f"{len(results.records)} of {results.total} matching records", err=True)


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
