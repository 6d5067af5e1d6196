"""A parsed query (``core.query.ParsedQuery``) as SQL over the search store.

The meaning of every part is defined once in :mod:`core.query`; this module only says how
SQLite does it. Text terms become an FTS5 expression of quoted phrases over the folded
words (``unicode61 remove_diacritics 2`` ignores case and diacritics; ``core.search_text.fold``
does what that tokenizer leaves, ``ø``, ``ß``, ligatures). Attribute filters are uncorrelated
``IN`` subqueries over ``attributes``; dates compare as fixed-width UTC text.
"""

from __future__ import annotations

from typing import Any

from core.query import Filter, ParsedQuery, Span, Term
from core.search_text import fold

from .rows import iso

__all__ = ["fts_expression", "where_sql"]


def _phrase(term: Term) -> str:
    # words are letters and digits only: nothing in them needs escaping
    quoted = '"' + " ".join(fold(word) for word in term.words) + '"'
    return quoted + " *" if term.prefix else quoted


def fts_expression(terms: tuple[Term, ...]) -> str:
    """The FTS5 MATCH expression requiring every term (phrases, prefixes, words)."""
    return " ".join(_phrase(term) for term in terms)


def _value_clause(type_: str, value: Any) -> tuple[str, list[Any]]:
    """SQL (over alias ``a``) matching one typed attribute value."""
    if isinstance(value, Span):
        return "(a.value_date >= ? AND a.value_date < ?)", [iso(value.start), iso(value.end)]
    if type_ == "integer":
        return "a.value_num = ?", [value]
    if type_ == "boolean":
        return "a.value_bool = ?", [int(value)]
    if type_ == "text":
        return "ecomms_contains(a.value_text, ?)", [value]
    return "a.value_text = ?", [value]


def _attribute(item: Filter) -> tuple[str, list[Any]]:
    clauses, params = [], [item.name]
    for value in item.values:
        clause, args = _value_clause(item.type, value)
        clauses.append(clause)
        params += args
    # Uncorrelated: evaluated once into a set, not once per candidate record.
    sql = (
        f"records.id IN (SELECT a.record_id FROM attributes a "
        f"WHERE a.name = ? AND ({' OR '.join(clauses)}))"
    )
    return sql, params


def _participants(values: tuple[str, ...]) -> tuple[str, list[Any]]:
    marks = ", ".join("?" * len(values))
    return (
        "EXISTS (SELECT 1 FROM json_each(records.json, '$.participants') p WHERE "
        f"ecomms_lower(json_extract(p.value, '$.email')) IN ({marks}) OR "
        f"ecomms_lower(json_extract(p.value, '$.name')) IN ({marks}))",
        [*values, *values],
    )


def _risk_categories(values: tuple[str, ...]) -> tuple[str, list[Any]]:
    marks = ", ".join("?" * len(values))
    return (
        f"EXISTS (SELECT 1 FROM json_each(records.risk_categories) c WHERE c.value IN ({marks}))",
        list(values),
    )


def where_sql(parsed: ParsedQuery) -> tuple[list[str], list[Any]]:
    """SQL conditions (AND-combined, over table ``records``) and their parameters."""
    conditions: list[str] = ["records.kind != 'capture'"]
    params: list[Any] = []
    parts = [_attribute(item) for item in parsed.filters]
    if parsed.participants:
        parts.append(_participants(parsed.participants))
    if parsed.risk_categories:
        parts.append(_risk_categories(parsed.risk_categories))
    for column, operator, value in (
        ("kind", "=", parsed.kind or None),
        ("occurred_at", ">=", iso(parsed.since) if parsed.since else None),
        ("occurred_at", "<", iso(parsed.before) if parsed.before else None),
        ("risk_score", ">=", parsed.min_risk),
    ):
        if value is not None:
            parts.append((f"records.{column} {operator} ?", [value]))
    for sql, args in parts:
        conditions.append(sql)
        params += args
    return conditions, params
