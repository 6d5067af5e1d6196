"""``core.protocols.Query`` as an OpenSearch search body.

``text`` is matched over the title, text, nested content, participant names and text
attributes (every word must appear; ``"quoted phrases"`` work). ``where`` filters attributes
exactly: values are OR-ed within one attribute and attributes are AND-ed; values arrive as
strings and are converted to the attribute's type (a date without a time matches that whole
UTC day). ``kind``, ``since``/``until`` (on ``occurred_at``) and ``min_risk`` filter too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.errors import QueryError
from core.protocols import Query
from core.records import AttributeSpec

__all__ = ["search_body"]

_TEXT_FIELDS = ["title^2", "text", "content", "participants.name", "artifacts.name"]
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _value_clause(spec: AttributeSpec, value: str) -> dict[str, Any]:
    field = f"attributes.{spec.name}"
    raw = value.strip()
    if spec.type == "text":
        return {"term": {f"{field}.keyword": value}}
    if spec.type == "integer":
        try:
            return {"term": {field: int(raw)}}
        except ValueError:
            raise QueryError(
                f"{spec.name} is an integer attribute; {value!r} is not a number",
                attribute=spec.name,
            ) from None
    if spec.type == "boolean":
        if raw.lower() not in _TRUE | _FALSE:
            raise QueryError(
                f"{spec.name} is a boolean attribute; use true or false, not {value!r}",
                attribute=spec.name,
            )
        return {"term": {field: raw.lower() in _TRUE}}
    if spec.type == "date":
        return _date_clause(field, spec.name, raw)
    return {"term": {field: value}}


def _date_clause(field: str, name: str, raw: str) -> dict[str, Any]:
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return {"range": {field: {"gte": _iso(start), "lt": _iso(start + timedelta(days=1))}}}
        return {"term": {field: _iso(datetime.fromisoformat(raw.replace("Z", "+00:00")))}}
    except ValueError:
        raise QueryError(
            f"{name} is a date attribute; use YYYY-MM-DD or an ISO 8601 time, not {raw!r}",
            attribute=name,
        ) from None


def _where_filters(where: dict[str, list[str]], specs: dict[str, AttributeSpec]) -> list[dict]:
    filters = []
    for name, values in where.items():
        spec = specs.get(name)
        if spec is None:
            known = ", ".join(sorted(specs)) or "(none declared)"
            raise QueryError(
                f"unknown attribute {name!r}; searchable attributes: {known}", attribute=name
            )
        filters.append(
            {
                "bool": {
                    "should": [_value_clause(spec, v) for v in values],
                    "minimum_should_match": 1,
                }
            }
        )
    return filters


def search_body(query: Query, attributes: Sequence[AttributeSpec]) -> dict[str, Any]:
    """The ``_search`` body for ``query`` given the declared attributes."""
    specs = {spec.name: spec for spec in attributes}
    filters = _where_filters(query.where, specs)
    if query.kind:
        filters.append({"term": {"kind": query.kind}})
    span: dict[str, str] = {}
    if query.since:
        span["gte"] = _iso(query.since)
    if query.until:
        span["lte"] = _iso(query.until)
    if span:
        filters.append({"range": {"occurred_at": span}})
    if query.min_risk is not None:
        filters.append({"range": {"risk.score": {"gte": query.min_risk}}})
    must: list[dict[str, Any]] = []
    if query.text.strip():
        fields = _TEXT_FIELDS + [f"attributes.{s.name}" for s in attributes if s.type == "text"]
        must.append(
            {
                "simple_query_string": {
                    "query": query.text,
                    "fields": fields,
                    "default_operator": "and",
                }
            }
        )
    sort: list[Any] = ["_score"] if must else []
    sort += [{"occurred_at": "desc"}, {"id": "asc"}]
    return {
        "query": {"bool": {"must": must or [{"match_all": {}}], "filter": filters}},
        "sort": sort,
        "size": max(0, query.limit),
        "track_total_hits": True,
    }
