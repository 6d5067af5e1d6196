"""core.query parses the query language once: terms, typed values, time bounds. (What each
part finds is checked on every store by the shared query suite, core.testing.contracts.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.errors import QueryError
from core.protocols import Query
from core.query import Span, Term, parse_query, parse_time
from core.testing.samples import SAMPLE_ATTRIBUTES


def _parse(**query) -> object:
    return parse_query(Query(**query), SAMPLE_ATTRIBUTES)


def test_text_terms_are_words_phrases_and_prefixes_never_syntax():
    parsed = _parse(text='e-mail* "Off the  record" rebal* -x NEAR( a*b')
    assert parsed.terms == (
        Term(("e", "mail"), prefix=True),
        Term(("Off", "the", "record")),
        Term(("rebal",), prefix=True),
        Term(("x",)),
        Term(("NEAR",)),
        Term(("a", "b")),
    )


def test_values_are_typed_by_the_attribute():
    parsed = _parse(
        where={
            "MeetingDurationInSecond": ["+60", "-1"],
            "MeetingIsBreakoutRoom": ["YES"],
            "MeetingCompleteTime": ["2026-12", "2026-10-03T14:05:09.0009+02:00"],
        }
    )
    by_name = {f.name: f.values for f in parsed.filters}
    assert by_name["MeetingDurationInSecond"] == (60, -1)
    assert by_name["MeetingIsBreakoutRoom"] == (True,)
    december, instant = by_name["MeetingCompleteTime"]
    assert december == Span(datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert instant.start == datetime(2026, 10, 3, 12, 5, 9, tzinfo=UTC)  # to the millisecond
    assert (instant.end - instant.start).total_seconds() == 0.001


def test_time_bounds_are_utc_and_a_date_only_until_is_the_whole_day():
    assert parse_time("2026-11-03") == datetime(2026, 11, 3, tzinfo=UTC)
    assert parse_time("2026-11-03", end=True) == datetime(
        2026, 11, 3, 23, 59, 59, 999000, tzinfo=UTC
    )
    assert parse_time("2026-11-03T10:00:00+02:00", end=True) == datetime(2026, 11, 3, 8, tzinfo=UTC)
    parsed = _parse(until=parse_time("2026-11-03", end=True))
    assert parsed.before == datetime(2026, 11, 4, tzinfo=UTC)
    with pytest.raises(QueryError, match="not a date or time"):
        parse_time("last week")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"where": {"MeetingId": [""]}}, "MeetingId= needs a value"),
        ({"where": {"meetingid": ["1"]}}, "did you mean MeetingId?"),
        ({"where": {"Nothing": ["1"]}}, "built in: participant, risk_category"),
        ({"limit": -1}, "limit must be between 0 and 10000"),
        ({"min_risk": 500}, "min-risk must be between 0 and 100"),
        ({"kind": "capture"}, "not a searchable kind"),
    ],
)
def test_mistakes_are_query_errors_naming_the_choices(query, message):
    with pytest.raises(QueryError, match=message.replace("?", r"\?")):
        _parse(**query)


def test_no_configured_attribute_says_so():
    with pytest.raises(QueryError, match="none \\(no configured source declares any\\)"):
        parse_query(Query(where={"MeetingId": ["1"]}), [])
