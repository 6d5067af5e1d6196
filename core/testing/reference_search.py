"""The query language evaluated in memory, record by record: the reference for the stores.

:func:`search` answers a :class:`~core.protocols.Query` over a list of records exactly as
:mod:`core.query` defines it, with no index: the fake sink searches with it, and it is what
the real stores' answers are compared with in spirit (the shared query suite checks them on
the same cases). Results are newest first (no text ranking).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from core.protocols import Query, SearchResults
from core.query import Filter, ParsedQuery, Span, Term, parse_query
from core.records import CAPTURE_KIND, AttributeSpec, Record
from core.search_text import searchable_text, word_key, words

__all__ = ["matches", "search"]


def search(
    records: Iterable[Record], query: Query, attributes: Sequence[AttributeSpec]
) -> SearchResults:
    """The records matching ``query``, newest first, and how many match."""
    parsed = parse_query(query, attributes)
    hits = [r for r in records if matches(parsed, r)]
    hits.sort(key=lambda r: r.id)
    hits.sort(key=lambda r: _utc(r.occurred_at), reverse=True)
    return SearchResults(total=len(hits), records=hits[: parsed.limit])


def matches(parsed: ParsedQuery, record: Record) -> bool:
    """Whether ``record`` satisfies every part of ``parsed``."""
    risk = record.risk
    at = _millis(record.occurred_at)
    checks = (
        record.kind != CAPTURE_KIND,
        not parsed.kind or record.kind == parsed.kind,
        parsed.since is None or at >= parsed.since,
        parsed.before is None or at < parsed.before,
        parsed.min_risk is None or (risk is not None and risk.score >= parsed.min_risk),
        not parsed.risk_categories
        or (risk is not None and bool(set(risk.categories) & set(parsed.risk_categories))),
        not parsed.participants or _has_participant(record, parsed.participants),
    )
    if not all(checks):
        return False
    if not all(
        _attribute_matches(item, record.attributes.get(item.name)) for item in parsed.filters
    ):
        return False
    parts = [[word_key(w) for w in words(part)] for part in searchable_text(record)]
    return all(any(_term_in(term, tokens) for tokens in parts) for term in parsed.terms)


def _term_in(term: Term, tokens: list[str]) -> bool:
    wanted = [word_key(w) for w in term.words]
    size = len(wanted)
    for i in range(len(tokens) - size + 1):
        window = tokens[i : i + size]
        if window[:-1] != wanted[:-1]:
            continue
        last = window[-1]
        if last == wanted[-1] or (term.prefix and last.startswith(wanted[-1])):
            return True
    return False


def _has_participant(record: Record, values: tuple[str, ...]) -> bool:
    return any(p.email.lower() in values or p.name.lower() in values for p in record.participants)


def _attribute_matches(item: Filter, value: Any) -> bool:
    held = value if isinstance(value, list) else [value]
    return any(_one(item, have, want) for have in held if have is not None for want in item.values)


def _one(item: Filter, have: Any, want: Any) -> bool:
    if isinstance(want, Span):
        moment = have if isinstance(have, datetime) else _parse(str(have))
        return moment is not None and want.start <= _millis(moment) < want.end
    if item.type == "text":
        return str(want).lower() in str(have).lower()
    if item.type == "boolean":
        return bool(have is want)
    if item.type == "integer":
        return not isinstance(have, bool) and bool(have == want)
    return bool(str(have) == want)


def _parse(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _millis(moment: datetime) -> datetime:
    moment = _utc(moment)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
