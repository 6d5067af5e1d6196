"""A parsed query (``core.query.ParsedQuery``) as an OpenSearch search body.

The meaning of every part is defined once in :mod:`core.query`; this module only says how
OpenSearch does it. Text terms are ``multi_match`` queries over ``title``, ``text`` and
``content`` (the template analyses them with ``ecomms_text``: words are runs of letters and
digits, lower-cased and ASCII-folded, as SQLite's tokenizer sees them): a word or phrase is
a ``phrase`` match, a prefix a ``bool_prefix`` (one word) or ``phrase_prefix`` match.
Comparisons that ignore case (a ``text`` attribute on its ``.keyword``, participants on
``participants.email`` and ``participants.name.keyword``) are ``regexp`` queries with both
cases of every letter (``[éÉ]lodie``): OpenSearch's ``case_insensitive`` flag folds ASCII
letters only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.query import Filter, ParsedQuery, Span, Term

__all__ = ["TEXT_FIELDS", "search_body"]

TEXT_FIELDS = ["title^3", "text", "content"]
PHRASE_PREFIX_EXPANSIONS = 1024  # words a phrase's final prefix may stand for


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _term(term: Term) -> dict[str, Any]:
    match: dict[str, Any] = {"query": " ".join(term.words), "fields": TEXT_FIELDS}
    if term.prefix and len(term.words) == 1:
        match.update(type="bool_prefix", operator="and")
    elif term.prefix:
        match.update(type="phrase_prefix", max_expansions=PHRASE_PREFIX_EXPANSIONS)
    else:
        match["type"] = "phrase"
    return {"multi_match": match}


def _caseless(value: str) -> str:
    """A Lucene regular expression matching ``value`` with any letter in either case."""
    out = []
    for char in value:
        cases = sorted({c for c in (char, char.lower(), char.upper()) if len(c) == 1})
        escaped = "".join(c if c.isalnum() else "\\" + c for c in cases)
        out.append(f"[{escaped}]" if len(cases) > 1 else escaped)
    return "".join(out)


def _caseless_query(field: str, value: str, contains: bool = False) -> dict[str, Any]:
    pattern = _caseless(value)
    if contains:
        pattern = f".*{pattern}.*"
    return {
        "regexp": {field: {"value": pattern, "flags": "NONE", "max_determinized_states": 100000}}
    }


def _value(item: Filter, value: Any) -> dict[str, Any]:
    field = f"attributes.{item.name}"
    if isinstance(value, Span):
        return {"range": {field: {"gte": _iso(value.start), "lt": _iso(value.end)}}}
    if item.type == "text":
        return _caseless_query(f"{field}.keyword", value, contains=True)
    return {"term": {field: value}}


def _any(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


def _participant(value: str) -> list[dict[str, Any]]:
    return [
        _caseless_query(field, value)
        for field in ("participants.email", "participants.name.keyword")
    ]


def _filters(parsed: ParsedQuery) -> list[dict[str, Any]]:
    filters = [_any([_value(item, v) for v in item.values]) for item in parsed.filters]
    if parsed.participants:
        filters.append(_any([c for v in parsed.participants for c in _participant(v)]))
    if parsed.risk_categories:
        filters.append({"terms": {"risk.categories": list(parsed.risk_categories)}})
    if parsed.kind:
        filters.append({"term": {"kind": parsed.kind}})
    span: dict[str, str] = {}
    if parsed.since:
        span["gte"] = _iso(parsed.since)
    if parsed.before:
        span["lt"] = _iso(parsed.before)
    if span:
        filters.append({"range": {"occurred_at": span}})
    if parsed.min_risk is not None:
        filters.append({"range": {"risk.score": {"gte": parsed.min_risk}}})
    return filters


def search_body(parsed: ParsedQuery) -> dict[str, Any]:
    """The ``_search`` body for a parsed query: the same matches as every other store."""
    must = [_term(term) for term in parsed.terms]
    sort: list[Any] = ["_score"] if must else []
    sort += [{"occurred_at": "desc"}, {"id": "asc"}]
    return {
        "query": {
            "bool": {
                "must": must or [{"match_all": {}}],
                "filter": _filters(parsed),
                "must_not": [{"term": {"kind": "capture"}}],
            }
        },
        "sort": sort,
        "size": parsed.limit,
        "track_total_hits": True,
    }
