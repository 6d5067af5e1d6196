"""The query language of ``ecomms search``: one definition, checked once, for every store.

:func:`parse_query` validates a :class:`~core.protocols.Query` against the searchable
attributes and returns a :class:`ParsedQuery` of typed values; a searchable sink turns that
into its own query (SQL, OpenSearch DSL) and must find exactly the same records
(``core.testing.SearchableSinkContract`` runs the same queries against each). Meaning:

- **text**: terms are ``"a quoted phrase"``, ``word*`` (a prefix) and bare tokens; a word is a
  run of letters and digits (:func:`core.search_text.words`) and anything else only separates
  words, never acts as syntax, so a bare token of several words (``e-mail``, ``a.b@c.d``) is
  a phrase. Every term must appear in the record's searchable text
  (:func:`core.search_text.searchable_text`: title, text, people, content), each term
  anywhere in it; a phrase within one part, its words adjacent and in order. Case and
  diacritics are ignored (``Résumé`` = ``resume``). Text without a word is an error.
- **where**: values of one attribute are OR-ed, attributes AND-ed. ``keyword`` and
  ``keyword_list`` (any element): equal, case-sensitive. ``text``: contains the value,
  ignoring case. ``integer``: equal whole number. ``boolean``: ``true``/``yes``/``1`` or
  ``false``/``no``/``0``. ``date``: ``2026``, ``2026-10``, ``2026-10-03``, ``2026-10-03T14``
  or ``2026-10-03T14:05`` is that whole period in UTC; a time with seconds is that instant
  to the millisecond (``Z`` or an offset; none means UTC). Built in (listed by ``ecomms
  attributes``): ``participant=`` a participant's email or name, equal ignoring case;
  ``risk_category=`` a category of the record's risk, exact.
- **kind**: one searchable kind (:data:`core.records.RECORD_KINDS`; never ``capture``).
- **since** / **until**: ``occurred_at`` within both, inclusive, to the millisecond
  (:func:`parse_time` makes a date-only ``until`` the end of that UTC day).
- **min_risk**: a risk score of at least N; a record without a score never matches.
- **limit**: 0 to 10,000 records; best text match first, else newest first.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.errors import QueryError
from core.protocols import Query
from core.records import CAPTURE_KIND, RECORD_KINDS, AttributeSpec, AttributeType
from core.search_text import words

__all__ = [
    "BUILTIN_FILTERS",
    "MAX_LIMIT",
    "WHERE_BUILTINS",
    "Filter",
    "ParsedQuery",
    "Span",
    "Term",
    "parse_query",
    "parse_time",
]

MAX_LIMIT = 10_000
MILLISECOND = timedelta(milliseconds=1)

#: The filters every store has besides the sources' attributes: name -> (usage, meaning).
BUILTIN_FILTERS: dict[str, tuple[str, str]] = {
    "participant": (
        "--where participant=VALUE",
        "a participant's email or name, equal ignoring case (not a substring)",
    ),
    "risk_category": ("--where risk_category=VALUE", "a category of the record's risk, exact"),
    "kind": ("--kind KIND", "the record kind: " + ", ".join(sorted(RECORD_KINDS))),
}

WHERE_BUILTINS = ("participant", "risk_category")  # the built-in filters given as --where

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_PERIOD = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2}))?)?)?)?")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_BOOLEAN = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


@dataclass(frozen=True)
class Span:
    """The UTC instants from ``start`` (included) to ``end`` (excluded), on milliseconds."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Term:
    """A text term: one word, or a phrase of several; with ``prefix`` the last is a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Filter:
    """One attribute filter: any of ``values`` (typed by ``type``; dates as :class:`Span`)."""

    name: str
    type: AttributeType
    values: tuple[str | int | bool | Span, ...]


@dataclass(frozen=True)
class ParsedQuery:
    """A validated query; every part present must match (see the module docstring).

    ``participants`` are lower-cased; ``occurred_at`` must be at or after ``since`` and
    before ``before`` (``until`` plus one millisecond); ``None`` leaves that side open.
    """

    terms: tuple[Term, ...] = ()
    filters: tuple[Filter, ...] = ()
    participants: tuple[str, ...] = ()
    risk_categories: tuple[str, ...] = ()
    kind: str = ""
    since: datetime | None = None
    before: datetime | None = None  # exclusive: ``until`` plus one millisecond
    min_risk: int | None = None
    limit: int = 20


def parse_query(query: Query, attributes: Sequence[AttributeSpec]) -> ParsedQuery:
    """Validate ``query`` against the searchable ``attributes``; raise ``QueryError``."""
    specs: dict[str, AttributeSpec] = {}
    for spec in attributes:
        specs.setdefault(spec.name, spec)
    if not 0 <= query.limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 0 and {MAX_LIMIT}, not {query.limit}")
    if query.min_risk is not None and not 0 <= query.min_risk <= 100:
        raise QueryError(f"min-risk must be between 0 and 100 (a risk score), not {query.min_risk}")
    since = _floor(query.since) if query.since else None
    until = _floor(query.until) if query.until else None
    if since and until and since > until:
        raise QueryError(f"since ({_show(since)}) is after until ({_show(until)})")
    where = {name: list(values) for name, values in query.where.items() if values}
    for name, values in where.items():
        if any(value == "" for value in values):
            raise QueryError(f"{name}= needs a value", attribute=name)
    filters = tuple(
        _filter(_spec(name, specs), values)
        for name, values in sorted(where.items())
        if name not in WHERE_BUILTINS
    )
    return ParsedQuery(
        terms=_terms(query.text),
        filters=filters,
        participants=tuple(v.strip().lower() for v in where.get("participant", [])),
        risk_categories=tuple(where.get("risk_category", [])),
        kind=_kind(query.kind),
        since=since,
        before=until + MILLISECOND if until else None,
        min_risk=query.min_risk,
        limit=query.limit,
    )


def parse_time(text: str, end: bool = False) -> datetime:
    """A ``--since``/``--until`` value in UTC: an ISO date or time (naive means UTC).

    A date alone is the start of that day, or with ``end`` its last millisecond, so a
    date-only ``--until`` includes that whole day.
    """
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(
            f"{text!r} is not a date or time; use 2026-10-03 or 2026-10-03T14:00:00Z"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if end and _DAY.fullmatch(value):
        return moment + timedelta(days=1) - MILLISECOND
    return moment.astimezone(UTC)


def _terms(text: str) -> tuple[Term, ...]:
    terms = []
    for phrase, bare in _TOKEN.findall(text):
        found = words(phrase or bare)
        if found:
            stem = bare.rstrip("*")
            terms.append(Term(tuple(found), prefix=stem != bare and bool(words(stem[-1:]))))
    if text.strip() and not terms:
        raise QueryError(f"the search text {text!r} holds no word to look for")
    return tuple(terms)


def _kind(kind: str) -> str:
    kinds = ", ".join(sorted(RECORD_KINDS))
    if not kind or kind in RECORD_KINDS:
        return kind
    if kind == CAPTURE_KIND:
        raise QueryError(
            f"'{kind}' is not a searchable kind: capture records are the raw units archive "
            f"sinks keep, never indexed; searchable kinds: {kinds}",
            kind=kind,
        )
    raise QueryError(f"unknown kind '{kind}'{_guess(kind, RECORD_KINDS)}; kinds: {kinds}")


def _spec(name: str, specs: dict[str, AttributeSpec]) -> AttributeSpec:
    spec = specs.get(name)
    if spec is not None:
        return spec
    if name == "kind":
        raise QueryError("the kind is not an attribute: use --kind (Query.kind)", attribute=name)
    known = ", ".join(sorted(specs)) or "none (no configured source declares any)"
    raise QueryError(
        f"unknown attribute '{name}'{_guess(name, [*specs, *WHERE_BUILTINS])}; "
        f"searchable attributes: {known}; built in: {', '.join(WHERE_BUILTINS)}",
        attribute=name,
    )


def _guess(name: str, choices: Iterable[str]) -> str:
    options = list(choices)
    same = [c for c in options if c.lower() == name.lower()]
    close = same or difflib.get_close_matches(name, options, n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def _filter(spec: AttributeSpec, values: list[str]) -> Filter:
    return Filter(spec.name, spec.type, tuple(_value(spec, v) for v in values))


def _value(spec: AttributeSpec, value: str) -> str | int | bool | Span:
    raw = value.strip()
    if spec.type == "integer":
        if not _INTEGER.fullmatch(raw):
            raise QueryError(
                f"{spec.name} is an integer attribute; '{value}' is not a whole number",
                attribute=spec.name,
            )
        return int(raw)
    if spec.type == "boolean":
        if raw.lower() not in _BOOLEAN:
            raise QueryError(
                f"{spec.name} is a boolean attribute; use true or false, not '{value}'",
                attribute=spec.name,
            )
        return _BOOLEAN[raw.lower()]
    if spec.type == "date":
        return _date_span(spec.name, raw)
    return value


def _date_span(name: str, raw: str) -> Span:
    """A UTC period (``2026``, ``2026-10``... ``2026-10-03T14:05``) or one millisecond."""
    period = _PERIOD.fullmatch(raw)
    if period:
        year, month, day, hour, minute = (int(p) if p else None for p in period.groups())
        try:
            start = datetime(year or 1, month or 1, day or 1, hour or 0, minute or 0, tzinfo=UTC)
        except ValueError:
            pass  # 2026-13: reported below
        else:
            return Span(start, _period_end(start, month, day, hour, minute))
    try:
        moment = parse_time(raw)
    except QueryError:
        raise QueryError(
            f"{name} is a date attribute; use a UTC date or time like 2026-10-03, "
            f"2026-10-03T14:05 or 2026-10-03T14:05:09Z, not '{raw}'",
            attribute=name,
        ) from None
    return Span(_floor(moment), _floor(moment) + MILLISECOND)


def _period_end(
    start: datetime, month: int | None, day: int | None, hour: int | None, minute: int | None
) -> datetime:
    if minute is not None:
        return start + timedelta(minutes=1)
    if hour is not None:
        return start + timedelta(hours=1)
    if day is not None:
        return start + timedelta(days=1)
    if month is None:
        return start.replace(year=start.year + 1)
    return start.replace(year=start.year + month // 12, month=month % 12 + 1)


def _floor(moment: datetime) -> datetime:
    """``moment`` in UTC (naive means UTC), cut to the millisecond."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _show(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
