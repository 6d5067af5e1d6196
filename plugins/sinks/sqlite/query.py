"""Turn a :class:`~core.protocols.Query` into SQL over the search store.

Free text is matched with FTS5: words and "quoted phrases" must all appear (a trailing ``*``
makes a prefix); FTS5 operators and punctuation in user text are neutralised, never parsed.
``where`` filters are AND-combined across attributes and OR-combined across the values of
one attribute; each attribute type decides how a value matches (see docs/embedded.md).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from core.errors import QueryError
from core.protocols import Query

from .rows import iso, parse_bool

__all__ = ["SPECIAL_FILTERS", "QueryError", "fts_expression", "where_sql"]

SPECIAL_FILTERS = {
    "risk_category": "a risk category of the record (exact)",
    "participant": "a participant's email or name (case-insensitive, exact)",
}

_TOKENS = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w")
_DATE_PREFIX = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2})?)?)?)?")


def _quote(phrase: str) -> str:
    return '"' + phrase.replace('"', '""') + '"'


def fts_expression(text: str) -> str | None:
    """An FTS5 MATCH expression for user text; ``None`` when it holds no word at all."""
    parts = []
    for phrase, bare in _TOKENS.findall(text):
        if phrase:
            if _WORD.search(phrase):
                parts.append(_quote(phrase))
            continue
        prefix = bare.endswith("*")
        word = bare.rstrip("*")
        if _WORD.search(word):
            parts.append(_quote(word) + ("*" if prefix else ""))
    return " ".join(parts) if parts else None


def _value_clause(name: str, type_: str, value: str) -> tuple[str, list[Any]]:
    """SQL (over alias ``a``) matching one attribute value, by the attribute's type."""
    if type_ == "integer":
        try:
            return "a.value_num = ?", [int(value)]
        except ValueError:
            raise QueryError(
                f"{name} is an integer attribute; '{value}' is not an integer", attribute=name
            ) from None
    if type_ == "boolean":
        flag = parse_bool(value)
        if flag is None:
            raise QueryError(
                f"{name} is a boolean attribute; use true or false", attribute=name, value=value
            )
        return "a.value_bool = ?", [int(flag)]
    if type_ == "date":
        return _date_clause(name, value)
    if type_ == "text":
        escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return "a.value_text LIKE ? ESCAPE '\\'", [f"%{escaped}%"]
    return "a.value_text = ?", [value]


def _date_clause(name: str, value: str) -> tuple[str, list[Any]]:
    """A date matches by UTC prefix (``2026-10-03``, ``2026-10``) or by its exact instant."""
    if _DATE_PREFIX.fullmatch(value):
        return "a.value_date GLOB ?", [value + "*"]
    try:
        return "a.value_date = ?", [iso(datetime.fromisoformat(value))]
    except ValueError:
        raise QueryError(
            f"{name} is a date attribute; use an ISO date or time like "
            "2026-10-03 or 2026-10-03T14:00:00Z",
            attribute=name,
            value=value,
        ) from None


def _special(name: str, values: list[str]) -> tuple[str, list[Any]]:
    if name == "risk_category":
        marks = ", ".join("?" * len(values))
        return (
            f"EXISTS (SELECT 1 FROM json_each(records.risk_categories) c "
            f"WHERE c.value IN ({marks}))",
            list(values),
        )
    lowered = [v.lower() for v in values]
    marks = ", ".join("?" * len(values))
    return (
        "EXISTS (SELECT 1 FROM json_each(records.json, '$.participants') p WHERE "
        f"lower(json_extract(p.value, '$.email')) IN ({marks}) OR "
        f"lower(json_extract(p.value, '$.name')) IN ({marks}))",
        lowered + lowered,
    )


def _attribute(name: str, values: list[str], types: dict[str, str]) -> tuple[str, list[Any]]:
    if name in SPECIAL_FILTERS:
        return _special(name, values)
    if name not in types:
        known = ", ".join(sorted([*types, *SPECIAL_FILTERS]))
        raise QueryError(
            f"unknown attribute '{name}'; searchable attributes: {known}", attribute=name
        )
    clauses, params = [], [name]
    for value in values:
        clause, args = _value_clause(name, types[name], value)
        clauses.append(clause)
        params += args
    # Uncorrelated: evaluated once into a set, not once per candidate record.
    sql = (
        f"records.id IN (SELECT a.record_id FROM attributes a "
        f"WHERE a.name = ? AND ({' OR '.join(clauses)}))"
    )
    return sql, params


def where_sql(query: Query, types: dict[str, str]) -> tuple[list[str], list[Any]]:
    """SQL conditions (AND-combined, over table ``records``) and their parameters."""
    conditions: list[str] = []
    params: list[Any] = []
    for name, values in sorted(query.where.items()):
        if values:
            sql, args = _attribute(name, list(values), types)
            conditions.append(sql)
            params += args
    if query.kind:
        conditions.append("records.kind = ?")
        params.append(query.kind)
    if query.since:
        conditions.append("records.occurred_at >= ?")
        params.append(iso(query.since))
    if query.until:
        conditions.append("records.occurred_at <= ?")
        params.append(iso(query.until))
    if query.min_risk is not None:
        conditions.append("records.risk_score >= ?")
        params.append(query.min_risk)
    return conditions, params
