"""The records and queries of the shared query suite (``SearchableSinkContract``).

:func:`query_records` is meeting A (:func:`core.testing.samples.sample_records`, every kind),
meeting B (four records, a day later, people and words with diacritics, another risk
category) and one capture record that no store may ever return. :data:`QUERY_CASES` are
``(name, query, expected)``: ``expected`` is the set of record labels (``A.chat``, ``B.*``...,
see :func:`record_labels`) the query must find on every store, or the text a ``QueryError``
must contain. Each case states one rule of :mod:`core.query`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.protocols import Query
from core.query import parse_time
from core.records import (
    CaptureRecord,
    ChatRecord,
    MeetingRecord,
    Message,
    Party,
    Record,
    Risk,
    Segment,
    SummaryRecord,
    Thread,
    TranscriptRecord,
    record_id,
)
from core.testing.samples import SAMPLE_MEETING_ID, SAMPLE_WORD, sample_records

__all__ = ["QUERY_CASES", "query_records", "record_labels"]

B_UUID = "zYx9wV8u=="
B_AT = datetime(2026, 11, 3, 23, 30, tzinfo=UTC)  # meeting A: 2026-11-02T14:00Z
_ELODIE = Party(name="Élodie Müller", email="Elodie.Muller@Bank.example", role="host")
_SOREN = Party(name="Søren Ødegård", email="soren@client.example")


def _b(kind: str) -> dict[str, object]:
    return {
        "id": record_id("sample", B_UUID, kind),
        "source": "sample",
        "platform": "zoom",
        "occurred_at": B_AT,
        "title": "Rates huddle",
        "participants": [_ELODIE, _SOREN],
        "attributes": {
            "MeetingId": "89999999999",
            "MeetingUUID": B_UUID,
            "MeetingDurationInSecond": 1800,
            "MeetingIsBreakoutRoom": True,
            "MeetingCompleteTime": datetime(2026, 11, 4, 0, 0, 0, 250000, tzinfo=UTC),
            "ParticipantsJoinWithArchiving": [_ELODIE.email.lower()],
            "MeetingAccountName": "Société Firm Ltd",
        },
    }


def _b_chat() -> ChatRecord:
    messages = [
        Message(id="b1", thread_id="desk", sender=_ELODIE, text="Résumé attached; call me"),
        Message(id="b2", thread_id="desk", sender=_SOREN, text="e-mail me on WhatsApp"),
    ]
    thread = Thread(id="desk", type="public", title="Desk only", messages=messages)
    risk = Risk(score=40, categories=["off_channel"])
    text = "\n".join(m.text for m in messages)
    return ChatRecord(**_b("chat"), text=text, threads=[thread], risk=risk)  # type: ignore[arg-type]


def _meeting_b() -> list[Record]:
    segment = Segment(start=0.0, end=3.0, text="Straße closure delays the Ærø ferry")
    return [
        MeetingRecord(**_b("meeting"), text="Rates huddle"),  # type: ignore[arg-type]
        _b_chat(),
        TranscriptRecord(**_b("transcript"), text=segment.text, segments=[segment]),  # type: ignore[arg-type]
        SummaryRecord(**_b("summary"), text="The desk agreed to rebalance duration"),  # type: ignore[arg-type]
    ]


def _capture() -> CaptureRecord:
    a = sample_records()[0]
    return CaptureRecord(
        id=record_id("sample", "aBcD1234efGH==", "capture"),
        source=a.source,
        platform=a.platform,
        occurred_at=a.occurred_at,
        title=a.title,
        text=f"raw unit {SAMPLE_WORD}",
        attributes=dict(a.attributes),
        key="aBcD1234efGH==",
    )


def query_records() -> list[Record]:
    """Meeting A (every kind), meeting B (four kinds) and one capture record."""
    return [*sample_records(), *_meeting_b(), _capture()]


def record_labels() -> dict[str, str]:
    """Record id -> label: ``A.<kind>``, ``B.<kind>`` or ``capture``."""
    labels = {r.id: f"A.{r.kind}" for r in sample_records()}
    labels.update({r.id: f"B.{r.kind}" for r in _meeting_b()})
    labels[_capture().id] = "capture"
    return labels


_A = {f"A.{r.kind}" for r in sample_records()}
_B = {"B.meeting", "B.chat", "B.transcript", "B.summary"}
_ALL = _A | _B
_DAY_B = datetime(2026, 11, 3, tzinfo=UTC)


def _w(name: str, *values: str) -> Query:
    return Query(where={name: list(values)}, limit=100)


def _t(text: str, **more: object) -> Query:
    return Query(text=text, limit=100, **more)  # type: ignore[arg-type]


QUERY_CASES: list[tuple[str, Query, set[str] | str]] = [
    # text: words, all of them, any case and diacritics, whole words, phrases, prefixes
    ("text-word", _t(SAMPLE_WORD), {"A.chat"}),
    ("text-any-case", _t(SAMPLE_WORD.upper()), {"A.chat"}),
    ("text-every-term", _t("guarantee returns"), {"A.chat"}),
    ("text-every-term-missing", _t("guarantee ferry"), set()),
    ("text-whole-words-only", _t("quarterly"), set()),
    ("text-prefix", _t("quarterlyguid*"), {"A.chat"}),
    ("text-prefix-other", _t("REBAL*"), {"B.summary"}),
    ("text-phrase", _t('"guarantee returns"'), {"A.chat"}),
    ("text-phrase-in-order", _t('"returns guarantee"'), set()),
    ("text-diacritics-ignored", _t("resume"), {"B.chat"}),
    ("text-diacritics-in-query", _t("RÉSUMÉ"), {"B.chat"}),
    ("text-folded-letters", _t("strasse aero"), {"B.transcript"}),
    ("text-people-names", _t("Soren"), _B),
    ("text-people-email-is-a-phrase", _t("elodie.muller@bank.example"), _B),
    ("text-thread-title", _t('"desk only"'), {"B.chat"}),
    ("text-shared-file-name", _t("guidance.pdf"), {"A.chat"}),
    ("text-segment", _t("ferry"), {"B.transcript"}),
    ("text-punctuation-is-not-syntax", _t("-guarantee (returns)"), {"A.chat"}),
    ("text-operators-are-words", _t("guarantee OR ferry"), set()),
    ("text-hyphenated-phrase", _t("E-MAIL"), {"B.chat"}),
    ("text-and-kind", _t("review", kind="transcript"), {"A.transcript"}),
    ("text-without-a-word", _t("*** --"), "holds no word"),
    # where: keyword exact, OR within an attribute, AND across attributes
    ("keyword-exact", _w("MeetingId", SAMPLE_MEETING_ID), _A),
    ("keyword-case-sensitive", _w("MeetingUUID", "abcd1234efgh=="), set()),
    ("keyword-any-of", _w("MeetingId", SAMPLE_MEETING_ID, "89999999999"), _ALL),
    (
        "attributes-all-of",
        Query(where={"MeetingId": [SAMPLE_MEETING_ID], "MeetingIsBreakoutRoom": ["true"]}),
        set(),
    ),
    ("keyword-list-any-element", _w("ParticipantsJoinWithArchiving", "bob@bank.example"), _A),
    ("integer-equal", _w("MeetingDurationInSecond", "1800"), _B),
    ("integer-not-a-number", _w("MeetingDurationInSecond", "1.5"), "not a whole number"),
    ("boolean-yes", _w("MeetingIsBreakoutRoom", "yes"), _B),
    ("boolean-zero", _w("MeetingIsBreakoutRoom", "0"), _A),
    ("boolean-unknown", _w("MeetingIsBreakoutRoom", "maybe"), "use true or false"),
    ("date-day", _w("MeetingCompleteTime", "2026-11-02"), _A),
    ("date-day-other", _w("MeetingCompleteTime", "2026-11-04"), _B),
    ("date-month", _w("MeetingCompleteTime", "2026-11"), _ALL),
    ("date-hour", _w("MeetingCompleteTime", "2026-11-02T15"), _A),
    ("date-minute-miss", _w("MeetingCompleteTime", "2026-11-02T15:01"), set()),
    ("date-instant", _w("MeetingCompleteTime", "2026-11-04T00:00:00.250Z"), _B),
    ("date-instant-offset", _w("MeetingCompleteTime", "2026-11-04T01:00:00.25+01:00"), _B),
    ("date-instant-miss", _w("MeetingCompleteTime", "2026-11-04T00:00:00Z"), set()),
    ("date-unreadable", _w("MeetingCompleteTime", "yesterday"), "is a date attribute"),
    ("text-attribute-contains", _w("MeetingAccountName", "BANK"), _A),
    ("text-attribute-other", _w("MeetingAccountName", "firm"), _B),
    ("text-attribute-unicode-case", _w("MeetingAccountName", "SOCIÉTÉ F"), _B),
    ("text-attribute-diacritics-count", _w("MeetingAccountName", "societe"), set()),
    # built-in filters: participant, risk category
    ("participant-email-any-case", _w("participant", "CAROL@client.example"), _A),
    ("participant-name-any-case", _w("participant", "carol client"), _A),
    ("participant-not-a-substring", _w("participant", "carol"), set()),
    ("participant-unicode-case", _w("participant", "ÉLODIE MÜLLER"), _B),
    ("participant-any-of", _w("participant", "bob broker", "soren@client.example"), _ALL),
    ("risk-category", _w("risk_category", "guarantee"), {"A.chat"}),
    ("risk-category-any-of", _w("risk_category", "guarantee", "off_channel"), {"A.chat", "B.chat"}),
    ("min-risk", Query(min_risk=50), {"A.chat"}),
    ("min-risk-lower", Query(min_risk=40), {"A.chat", "B.chat"}),
    # time: inclusive bounds; a date-only until is the whole day
    ("until-date-only-whole-day", Query(until=parse_time("2026-11-03", end=True)), _ALL),
    ("until-midnight", Query(until=_DAY_B), _A),
    ("since-inclusive", Query(since=B_AT), _B),
    ("until-inclusive", Query(until=B_AT), _ALL),
    ("since-after", Query(since=B_AT + timedelta(milliseconds=1)), set()),
    ("since-after-until", Query(since=B_AT, until=_DAY_B), "is after until"),
    # kinds: searchable ones only; capture records are never found
    ("kind", Query(kind="chat"), {"A.chat", "B.chat"}),
    ("kind-unknown", Query(kind="chats"), "did you mean chat"),
    ("kind-capture", Query(kind="capture"), "not a searchable kind"),
    ("everything-but-capture", Query(limit=100), _ALL),
    ("unknown-attribute", _w("MeetingID", "1"), "did you mean MeetingId"),
    ("kind-is-not-an-attribute", _w("kind", "chat"), "use --kind"),
    ("limit-too-large", Query(limit=100_000), "limit must be between"),
]
