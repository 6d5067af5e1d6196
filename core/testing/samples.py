"""Realistic sample records, one of every kind, for tests of sinks and renderers.

:func:`sample_records` returns the same records on every call (fixed ids and times), so a
sink test can write them, read them back and compare. :func:`sample_artifacts` writes the
bytes the records reference to a directory and returns the ``{sha256: Path}`` map a
sink's ``write`` expects. The samples of one meeting parameterised by its UUID and blob
(:func:`meeting_records`, :func:`make_blob`, :data:`MEETING_ATTRIBUTES`) live in
:mod:`core.testing.meeting_samples` and are re-exported here.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from core.records import (
    Artifact,
    AttributeSpec,
    CaptionsRecord,
    ChatRecord,
    Entry,
    Hit,
    MediaRecord,
    MeetingRecord,
    Message,
    Party,
    PollRecord,
    QARecord,
    Record,
    Risk,
    Segment,
    SharedFile,
    SummaryRecord,
    SurveyRecord,
    Thread,
    TranscriptRecord,
    record_id,
)
from core.testing.meeting_samples import (
    MEETING_ATTRIBUTE_TYPES,
    MEETING_ATTRIBUTES,
    make_blob,
    meeting_records,
)

__all__ = [
    "MEETING_ATTRIBUTES",
    "MEETING_ATTRIBUTE_TYPES",
    "SAMPLE_ATTRIBUTES",
    "SAMPLE_MEDIA",
    "SAMPLE_MEETING_ID",
    "SAMPLE_WORD",
    "make_blob",
    "meeting_records",
    "sample_artifacts",
    "sample_records",
]

SAMPLE_MEETING_ID = "81234567890"
SAMPLE_WORD = "quarterlyguidance"  # one word only the chat record contains
SAMPLE_MEDIA = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8
_SHA = hashlib.sha256(SAMPLE_MEDIA).hexdigest()
_START = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)

SAMPLE_ATTRIBUTES: list[AttributeSpec] = [
    AttributeSpec(name="MeetingId", type="keyword", description="Meeting number"),
    AttributeSpec(name="MeetingUUID", type="keyword", description="Meeting instance UUID"),
    AttributeSpec(name="MeetingDurationInSecond", type="integer", description="Duration"),
    AttributeSpec(name="MeetingIsBreakoutRoom", type="boolean", description="Breakout room"),
    AttributeSpec(name="MeetingCompleteTime", type="date", description="Completion time"),
    AttributeSpec(name="ParticipantsJoinWithArchiving", type="keyword_list", description="Emails"),
    AttributeSpec(name="MeetingAccountName", type="text", description="Account name"),
]

_ALICE = Party(name="Alice Trader", email="alice@bank.example", id="u-alice", role="host")
_BOB = Party(name="Bob Broker", email="bob@bank.example", id="u-bob", role="attendee")
_CAROL = Party(name="Carol Client", email="carol@client.example", id="u-carol")


def _attributes() -> dict[str, Any]:
    return {
        "MeetingId": SAMPLE_MEETING_ID,
        "MeetingUUID": "aBcD1234efGH==",
        "MeetingDurationInSecond": 3600,
        "MeetingIsBreakoutRoom": False,
        "MeetingCompleteTime": _START + timedelta(hours=1),
        "ParticipantsJoinWithArchiving": [_ALICE.email, _BOB.email],
        "MeetingAccountName": "Example Bank",
    }


def _base(part: str) -> dict[str, Any]:
    return {
        "id": record_id("sample", "aBcD1234efGH==", part),
        "source": "sample",
        "platform": "zoom",
        "occurred_at": _START,
        "title": "Q4 desk review",
        "participants": [_ALICE, _BOB, _CAROL],
        "attributes": _attributes(),
    }


def _public() -> Thread:
    return Thread(
        id="t-public",
        type="public",
        title="Everyone",
        participants=[_ALICE, _BOB, _CAROL],
        started="00:01:00",
        ended="00:20:00",
        messages=[
            Message(
                id="m1", thread_id="t-public", sender=_ALICE, text="Welcome all", offset="00:01:00"
            ),
            Message(
                id="m2",
                thread_id="t-public",
                sender=_BOB,
                text=f"Our {SAMPLE_WORD} is attached",
                offset="00:05:00",
                files=[SharedFile(id="f1", name="guidance.pdf", size=1024)],
            ),
            Message(
                id="m3",
                thread_id="t-public",
                action="edit",
                sender=_BOB,
                refers_to="m2",
                text=f"Our {SAMPLE_WORD} (v2) is attached",
                offset="00:06:00",
            ),
            Message(
                id="m4",
                thread_id="t-public",
                action="reaction",
                sender=_CAROL,
                refers_to="m2",
                text="👍",
                offset="00:07:00",
            ),
            Message(
                id="m5",
                thread_id="t-public",
                action="delete",
                sender=_ALICE,
                refers_to="m1",
                offset="00:20:00",
            ),
        ],
    )


def _private() -> Thread:
    return Thread(
        id="t-private-1",
        type="private",
        parent="t-public",
        participants=[_ALICE, _CAROL],
        started="00:08:00",
        ended="00:09:00",
        messages=[
            Message(
                id="m6",
                thread_id="t-private-1",
                sender=_CAROL,
                receivers=[_ALICE],
                text="can you guarantee returns off the record?",
                offset="00:08:00",
            ),
            Message(
                id="m7",
                thread_id="t-private-1",
                action="reply",
                sender=_ALICE,
                receivers=[_CAROL],
                refers_to="m6",
                text="No, never.",
                offset="00:09:00",
            ),
        ],
    )


def _chat() -> ChatRecord:
    public, private = _public(), _private()
    text = "\n".join(m.text for t in (public, private) for m in t.messages if m.text)
    risk = Risk(
        score=70,
        categories=["guarantee"],
        hits=[
            Hit(
                rule="guarantee-returns",
                category="guarantee",
                weight=0.7,
                matched="guarantee returns",
                where="thread=t-private-1 message=m6",
            )
        ],
    )
    return ChatRecord(**_base("chat"), text=text, threads=[public, private], risk=risk)


def _segments() -> list[Segment]:
    return [
        Segment(
            start=0.0, end=4.5, text="Good afternoon, desk review begins", speaker="Alice Trader"
        ),
        Segment(start=4.5, end=9.0, text="Rates outlook is stable", speaker="Bob Broker"),
    ]


def _media() -> MediaRecord:
    art = Artifact(
        sha256=_SHA,
        size=len(SAMPLE_MEDIA),
        media_type="video/mp4",
        file_id="file-1",
        name="meeting.mp4",
    )
    attrs = {**_attributes()}
    return MediaRecord(
        **{**_base("media"), "attributes": attrs}, artifacts=[art], text="meeting.mp4"
    )


def sample_records() -> list[Record]:
    """One realistic record of every kind (fixed ids), all sharing the meeting attributes."""
    return [
        MeetingRecord(**_base("meeting"), text="Q4 desk review"),
        _media(),
        _chat(),
        TranscriptRecord(
            **_base("transcript"), segments=_segments(), text="\n".join(s.text for s in _segments())
        ),
        CaptionsRecord(**_base("captions"), segments=_segments()[:1], text=_segments()[0].text),
        PollRecord(
            **_base("poll"),
            text="Which product? Bonds",
            entries=[
                Entry(
                    kind="poll_answer",
                    title="Product poll",
                    question="Which product?",
                    answer="Bonds",
                    author=_CAROL,
                    at=_START,
                    id="p1",
                )
            ],
        ),
        QARecord(
            **_base("qa"),
            text="Fees? Zero",
            entries=[
                Entry(kind="question", question="Fees?", author=_CAROL, id="q1"),
                Entry(kind="answer", question="Fees?", answer="Zero", author=_ALICE, id="a1"),
            ],
        ),
        SurveyRecord(
            **_base("survey"),
            text="Useful? Yes",
            entries=[
                Entry(kind="survey_answer", question="Useful?", answer="Yes", author=_BOB, id="s1")
            ],
        ),
        SummaryRecord(**_base("summary"), text="The desk reviewed Q4 rates."),
    ]


def sample_artifacts(directory: Path) -> dict[str, Path]:
    """Write the bytes the sample records reference; return ``{sha256: path}``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "meeting.mp4"
    path.write_bytes(SAMPLE_MEDIA)
    return {_SHA: path}
