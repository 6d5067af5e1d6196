"""Records of one meeting, parameterised by its UUID and media blob, with attributes of
every type: for sink tests that write several meetings or real artifact bytes.

:func:`meeting_records` gives one record of every kind of the meeting ``uuid`` whose media
record references the blob ``(sha256, size)``; :func:`make_blob` writes such a blob to a
spool directory. :data:`MEETING_ATTRIBUTES` declares every attribute they carry (one of each
attribute type, :data:`MEETING_ATTRIBUTE_TYPES`). Re-exported by :mod:`core.testing.samples`.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.records import (
    Artifact,
    AttributeSpec,
    AttributeType,
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
    SummaryRecord,
    SurveyRecord,
    Thread,
    TranscriptRecord,
    record_id,
)

__all__ = [
    "MEETING_ATTRIBUTES",
    "MEETING_ATTRIBUTE_TYPES",
    "file_attributes",
    "make_blob",
    "meeting_attributes",
    "meeting_records",
]

MEETING_ATTRIBUTE_TYPES: dict[str, AttributeType] = {
    "ArchiveFileFileExtension": "keyword",
    "ArchiveFileFileSize": "integer",
    "ArchiveFileFileType": "keyword",
    "ArchiveFileId": "keyword",
    "ArchiveFileIsIndividual": "boolean",
    "ArchiveFileParticipantEmail": "keyword",
    "ArchiveFileParticipantJoinTime": "date",
    "ArchiveFileParticipantLeaveTime": "date",
    "ArchiveFileRecordingType": "keyword",
    "IsOptionalRecording": "boolean",
    "MeetingAccountName": "keyword",
    "MeetingCompleteTime": "date",
    "MeetingDurationInSecond": "integer",
    "MeetingHostId": "keyword",
    "MeetingId": "keyword",
    "MeetingIsBreakoutRoom": "boolean",
    "MeetingMeetingType": "keyword",
    "MeetingUUID": "keyword",
    "ParticipantsJoinWithArchiving": "keyword_list",
    "ParticipantsJoinWithoutArchiving": "keyword_list",
    "ParticipantsNoOptionalArchiving": "keyword_list",
    "SummaryCreatedTime": "date",
    "SummaryEndTime": "date",
    "SummaryLastModifiedTime": "date",
    "SummaryStartTime": "date",
    "MeetingTopicNote": "text",
}
MEETING_ATTRIBUTES = [
    AttributeSpec(name=n, type=t, description=f"{n} ({t})")
    for n, t in MEETING_ATTRIBUTE_TYPES.items()
]

START = datetime(2026, 10, 3, 14, 0, tzinfo=UTC)
ALICE = Party(name="Alice Archer", email="alice@bank.example", role="host")
BOB = Party(name="Bob Broker", email="bob@bank.example")
CAROL = Party(name="Carol Client", email="carol@client.example")


def meeting_attributes(uuid: str, duration: int = 3600) -> dict[str, Any]:
    """Meeting-level attributes every record of a meeting carries."""
    return {
        "IsOptionalRecording": True,
        "MeetingAccountName": "Example Bank",
        "MeetingCompleteTime": datetime(2026, 10, 3, 15, 0, 12, 250000, tzinfo=UTC),
        "MeetingDurationInSecond": duration,
        "MeetingHostId": "host-abc",
        "MeetingId": "81234567890",
        "MeetingIsBreakoutRoom": False,
        "MeetingMeetingType": "external",
        "MeetingUUID": uuid,
        "ParticipantsJoinWithArchiving": ["alice@bank.example", "bob@bank.example"],
        "ParticipantsJoinWithoutArchiving": ["carol@client.example"],
        "ParticipantsNoOptionalArchiving": [],
        "MeetingTopicNote": "Quarterly Bond Review",
    }


def file_attributes(file_id: str, size: int, ext: str = "MP4") -> dict[str, Any]:
    """ArchiveFile* attributes of one archive file."""
    return {
        "ArchiveFileFileExtension": ext,
        "ArchiveFileFileSize": size,
        "ArchiveFileFileType": "MP4" if ext == "MP4" else "CHAT",
        "ArchiveFileId": file_id,
        "ArchiveFileIsIndividual": True,
        "ArchiveFileParticipantEmail": "bob@bank.example",
        "ArchiveFileParticipantJoinTime": datetime(2026, 10, 3, 14, 1, tzinfo=UTC),
        "ArchiveFileParticipantLeaveTime": "2026-10-03T14:59:00Z",
        "ArchiveFileRecordingType": "shared_screen_with_speaker_view",
    }


def make_blob(directory: Path, content: bytes) -> tuple[str, Path]:
    """Write ``content`` to a spool file; return its SHA-256 and path."""
    directory.mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha256(content).hexdigest()
    path = directory / f"{sha[:8]}.bin"
    path.write_bytes(content)
    return sha, path


def _threads() -> list[Thread]:
    """The public chat and a private chat nested in it; message text lives only here."""
    bond = "Can you guarantee the coupon on the municipal bond?"
    whatsapp = "Let's move this to my personal WhatsApp tonight"
    public = Thread(id="public", type="public", participants=[ALICE, BOB, CAROL],
                    started="00:01:00", ended="00:40:00", messages=[
                        Message(id="m1", thread_id="public", sender=ALICE, text="Welcome all"),
                        Message(id="m2", thread_id="public", sender=CAROL, text=bond),
                    ])  # fmt: skip
    private = Thread(id="p1", type="private", parent="public", participants=[BOB, CAROL],
                     started="00:05:00", ended="00:06:00", messages=[
                         Message(id="m3", thread_id="p1", sender=BOB, receivers=[CAROL],
                                 text=whatsapp),
                     ])  # fmt: skip
    return [public, private]


def _chat(uuid: str, meeting: dict[str, Any]) -> ChatRecord:
    hit = Hit(rule="off-channel", category="off_channel", weight=0.7, matched="WhatsApp",
              where="thread=p1 message=m3")  # fmt: skip
    return ChatRecord(
        **_base(uuid, "chat", {**meeting, **file_attributes("chat-file-1", 2048, "JSON")}),
        title="Chat: Quarterly review",
        participants=[ALICE, BOB, CAROL],
        threads=_threads(),
        risk=Risk(score=72, categories=["off_channel", "guarantee"], hits=[hit]),
    )


_SUMMARY_TIMES = {
    "SummaryCreatedTime": datetime(2026, 10, 3, 15, 5, tzinfo=UTC),
    "SummaryEndTime": datetime(2026, 10, 3, 15, 0, tzinfo=UTC),
    "SummaryLastModifiedTime": datetime(2026, 10, 3, 15, 6, tzinfo=UTC),
    "SummaryStartTime": datetime(2026, 10, 3, 14, 0, tzinfo=UTC),
}


def _timed(uuid: str, meeting: dict[str, Any]) -> list[Record]:
    """Transcript and captions: segments with speaker and time."""
    line = "the portfolio rebalancing happens in November"
    return [
        TranscriptRecord(
            **_base(uuid, "transcript", meeting),
            title="Transcript",
            text=f"Alice: {line}",
            segments=[Segment(start=1.0, end=4.5, speaker="Alice", text=line)],
        ),
        CaptionsRecord(
            **_base(uuid, "captions", meeting),
            title="Captions",
            segments=[Segment(start=2.0, end=3.0, speaker="Bob", text="caption on derivatives")],
        ),
    ]


def _answers(uuid: str, meeting: dict[str, Any]) -> list[Record]:
    """Poll, Q&A and survey: structured entries whose text lives only in the entries."""
    poll = Entry(kind="poll_answer", title="Risk appetite", question="How much risk?",
                 answer="Moderate", author=CAROL)  # fmt: skip
    question = Entry(kind="question", question="What are the custody fees?", author=CAROL)
    answer = Entry(kind="answer", answer="Twelve basis points", author=ALICE)
    survey = Entry(kind="survey_answer", question="Rate the session", answer="Excellent",
                   author=BOB)  # fmt: skip
    return [
        PollRecord(**_base(uuid, "poll", meeting), title="Poll", entries=[poll]),
        QARecord(**_base(uuid, "qa", meeting), title="Q&A", entries=[question, answer]),
        SurveyRecord(**_base(uuid, "survey", meeting), title="Survey", entries=[survey]),
    ]


def _base(uuid: str, part: str, attributes: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record_id("zoom_ecomms", uuid, part),
        "source": "zoom_ecomms",
        "platform": "zoom",
        "occurred_at": START,
        "attributes": attributes,
    }


def meeting_records(uuid: str, blob_sha: str, blob_size: int) -> list[Record]:
    """One record of every kind for the meeting ``uuid``; the media record uses the blob."""
    meeting = meeting_attributes(uuid)
    media = Artifact(sha256=blob_sha, size=blob_size, media_type="video/mp4", file_id="mp4-1")
    return [
        MeetingRecord(
            **_base(uuid, "meeting", meeting),
            title="Quarterly review",
            participants=[ALICE, BOB, CAROL],
        ),
        MediaRecord(
            **_base(uuid, "media", {**meeting, **file_attributes("mp4-1", blob_size)}),
            parent_id=record_id("zoom_ecomms", uuid, "meeting"),
            title="Recording",
            artifacts=[media],
        ),
        _chat(uuid, meeting),
        *_timed(uuid, meeting),
        *_answers(uuid, meeting),
        SummaryRecord(
            **_base(uuid, "summary", {**meeting, **_SUMMARY_TIMES}),
            title="Meeting summary",
            text="The team agreed to review the emerging markets allocation. "
            "Next steps were assigned to Bob.",
        ),
    ]
