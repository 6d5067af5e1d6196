"""Records: what every sink stores and every reviewer searches.

All structs share :class:`Base` (keyword-only, omit defaults when encoding). Records are a
tagged union on ``kind``: decode any of them with ``decode_record`` / ``decode_records``.
Schema evolution follows msgspec's rules: a new field always has a default, a field's type
never changes, and readers **ignore unknown fields**, so a record written by a newer version
is readable by an older one; ``schema_version`` tells readers which set of fields to expect.

:class:`CaptureRecord` (kind ``capture``) is not a searchable record: it is the raw unit as
the archive of record keeps it (every part by SHA-256, gaps, the source's bookkeeping), written
only to archive sinks; ``reprocess`` derives the other records from it again.

A record never holds media bytes: it references them as :class:`Artifact` (SHA-256, size,
media type, original file id), and the bytes travel beside the records to the sinks.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal

import msgspec

__all__ = [
    "CAPTURE_KIND",
    "RECORD_KINDS",
    "SCHEMA_VERSION",
    "AnyRecord",
    "Artifact",
    "AttributeSpec",
    "AttributeType",
    "Base",
    "CaptionsRecord",
    "CaptureRecord",
    "ChatRecord",
    "Entry",
    "Hit",
    "MediaRecord",
    "MeetingRecord",
    "Message",
    "Part",
    "Party",
    "PollRecord",
    "QARecord",
    "Record",
    "Risk",
    "Segment",
    "SharedFile",
    "SummaryRecord",
    "SurveyRecord",
    "Thread",
    "TranscriptRecord",
    "decode_record",
    "decode_records",
    "encode_record",
    "record_id",
]

SCHEMA_VERSION = 1

AttributeType = Literal["keyword", "text", "integer", "boolean", "date", "keyword_list"]


class Base(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Shared options of every record struct: keyword-only, compact; unknown fields are
    ignored on decode (forward compatibility: newer writers, older readers)."""


class FrozenBase(msgspec.Struct, kw_only=True, omit_defaults=True, frozen=True):
    """:class:`Base` for immutable values (a frozen struct cannot extend a mutable one)."""


class AttributeSpec(FrozenBase, frozen=True):
    """One searchable metadata attribute a source declares: its public name, type, meaning.

    ``type`` is one of ``keyword`` (exact match), ``text`` (analysed), ``integer``,
    ``boolean``, ``date`` (UTC timestamp) and ``keyword_list`` (several exact values).
    """

    name: str
    type: AttributeType
    description: str


class Party(Base):
    """A person in a communication: participant, sender, receiver, host or respondent."""

    name: str = ""
    email: str = ""
    id: str = ""
    role: str = ""
    join_time: datetime | None = None
    leave_time: datetime | None = None


class Artifact(FrozenBase, frozen=True):
    """Reference to bytes stored beside the record (never inside it)."""

    sha256: str
    size: int
    media_type: str
    file_id: str = ""
    name: str = ""


class SharedFile(Base):
    """A file shared inside a chat message (metadata only).

    When the source captured the file itself, ``record_id`` is the id of the record that
    holds it and ``sha256`` the digest of its bytes (an artifact of that record).
    """

    id: str = ""
    name: str = ""
    size: int = 0
    record_id: str = ""
    sha256: str = ""


class Message(Base):
    """One chat event, in send order: a message, reply, edit, deletion, reaction or feedback.

    Edits and deletions are kept as events; ``refers_to`` names the original message.
    ``offset`` is the elapsed time since the meeting started (``HH:MM:SS``) as the source
    gave it; ``sent_at`` is the absolute UTC time when it can be derived.
    """

    id: str
    thread_id: str
    action: str = "message"  # message | reply | edit | delete | reaction | feedback
    sender: Party = msgspec.field(default_factory=Party)
    receivers: list[Party] = msgspec.field(default_factory=list)
    text: str = ""
    offset: str = ""
    sent_at: datetime | None = None
    refers_to: str = ""
    sender_location: str = ""
    receiver_location: str = ""
    receiver_kind: str = ""
    files: list[SharedFile] = msgspec.field(default_factory=list)


class Thread(Base):
    """A conversation thread: the public chat, or a private / sub-group chat nested in it.

    ``parent`` is the id of the thread this one is nested in ("" for the top thread).
    ``started`` / ``ended`` mark the thread's first and last message (offsets or times).
    """

    id: str
    type: str  # public | private | subgroup | waiting_room | breakout | backstage | ...
    parent: str = ""
    title: str = ""
    participants: list[Party] = msgspec.field(default_factory=list)
    started: str = ""
    ended: str = ""
    messages: list[Message] = msgspec.field(default_factory=list)


class Segment(Base):
    """A timed piece of text (transcript or caption cue); times in seconds from the start."""

    start: float
    end: float
    text: str
    speaker: str = ""
    id: str = ""


class Entry(Base):
    """One structured answer: a poll response, a Q&A question or answer, a survey answer."""

    kind: str  # poll_answer | question | answer | survey_answer
    title: str = ""
    question: str = ""
    answer: str = ""
    author: Party = msgspec.field(default_factory=Party)
    at: datetime | None = None
    id: str = ""


class Hit(Base):
    """One policy match that explains part of a record's risk score."""

    rule: str
    category: str
    weight: float
    matched: str
    where: str = ""  # e.g. "thread=t1 message=m9", "cue 00:01:02.500", "text"
    description: str = ""


class Risk(Base, omit_defaults=False):
    """A record's risk: a score from 0 to 100, the categories hit and the hits behind it.

    Encoded in full even when the score is 0, so stores can range-query every scored record.
    """

    score: int = 0
    categories: list[str] = msgspec.field(default_factory=list)
    hits: list[Hit] = msgspec.field(default_factory=list)


class Record(Base, tag_field="kind"):
    """Fields every record has. Use a concrete kind (``MeetingRecord``...), not this class.

    ``id`` is deterministic (``record_id``) so replays never make duplicates. ``attributes``
    holds the source's metadata attributes by their documented names, typed as the
    source's :class:`AttributeSpec` says (dates as UTC datetimes, sizes as ints).
    ``errors`` lists derivation errors: a part that could not be parsed still yields a record
    (its artifact, attributes and media type, no parsed content) naming what went wrong.
    """

    id: str
    source: str
    platform: str
    occurred_at: datetime
    title: str = ""
    text: str = ""
    participants: list[Party] = msgspec.field(default_factory=list)
    artifacts: list[Artifact] = msgspec.field(default_factory=list)
    attributes: dict[str, Any] = msgspec.field(default_factory=dict)
    threads: list[Thread] = msgspec.field(default_factory=list)
    segments: list[Segment] = msgspec.field(default_factory=list)
    entries: list[Entry] = msgspec.field(default_factory=list)
    parent_id: str = ""
    risk: Risk | None = None
    errors: list[str] = msgspec.field(default_factory=list)
    captured_at: datetime | None = None
    schema_version: int = SCHEMA_VERSION

    @property
    def kind(self) -> str:
        """The record's kind: the tag of its struct."""
        return type(self).__struct_config__.tag  # type: ignore[return-value]


class MeetingRecord(Record, tag="meeting"):
    """The meeting or webinar itself: participants and the list of its artifacts."""


class MediaRecord(Record, tag="media"):
    """One archived media file (video or audio), its bytes referenced as an artifact."""


class ChatRecord(Record, tag="chat"):
    """The meeting's chat as one conversation with nested threads."""


class TranscriptRecord(Record, tag="transcript"):
    """An audio transcript: segments with speaker and time."""


class CaptionsRecord(Record, tag="captions"):
    """Closed captions: segments with speaker and time."""


class PollRecord(Record, tag="poll"):
    """Poll questions and every respondent's answers."""


class QARecord(Record, tag="qa"):
    """Questions asked and answered during a webinar or meeting."""


class SurveyRecord(Record, tag="survey"):
    """Survey answers of every respondent."""


class SummaryRecord(Record, tag="summary"):
    """An AI-generated meeting summary."""


class Part(FrozenBase, frozen=True):
    """One part of a captured unit as archived: a spooled file without its local path."""

    file_id: str
    sha256: str
    size: int
    media_type: str
    name: str = ""
    meta: dict[str, Any] = msgspec.field(default_factory=dict)
    role: str = "file"
    fingerprint: str = "source"


class CaptureGap(FrozenBase, frozen=True):
    """A gap of a captured unit as archived (see ``core.protocols.Gap``)."""

    part: str
    reason: str = ""
    kind: str = "lookup"
    retry_until: datetime | None = None


CAPTURE_KIND = "capture"


class CaptureRecord(Record, tag="capture", kw_only=True):
    """The raw unit as the archive of record keeps it: every part by SHA-256, and the gaps.

    ``artifacts`` has one entry per part, so an archive refuses it unless it holds every
    part's bytes. Written only to archive sinks, never indexed for search.
    """

    key: str
    version: str = ""
    parts: list[Part] = msgspec.field(default_factory=list)
    payloads: dict[str, Any] = msgspec.field(default_factory=dict)
    gaps: list[CaptureGap] = msgspec.field(default_factory=list)
    meta: dict[str, Any] = msgspec.field(default_factory=dict)


AnyRecord = (
    MeetingRecord
    | MediaRecord
    | ChatRecord
    | TranscriptRecord
    | CaptionsRecord
    | PollRecord
    | QARecord
    | SurveyRecord
    | SummaryRecord
    | CaptureRecord
)

#: The searchable record kinds (every kind but ``capture``).
RECORD_KINDS: dict[str, type[Record]] = {
    cls.__struct_config__.tag: cls  # type: ignore[misc]
    for cls in (
        MeetingRecord,
        MediaRecord,
        ChatRecord,
        TranscriptRecord,
        CaptionsRecord,
        PollRecord,
        QARecord,
        SurveyRecord,
        SummaryRecord,
    )
}

_encoder = msgspec.json.Encoder(order="sorted")
_decoder = msgspec.json.Decoder(AnyRecord)
_list_decoder = msgspec.json.Decoder(list[AnyRecord])


def encode_record(record: Record) -> bytes:
    """Encode a record as canonical JSON (sorted keys, UTC timestamps, no defaults)."""
    return _encoder.encode(record)


def decode_record(data: bytes | str) -> Record:
    """Decode one record of any kind from JSON; errors name the JSON path at fault."""
    return _decoder.decode(data)


def decode_records(data: bytes | str) -> list[Record]:
    """Decode a JSON array of records of any kind."""
    return list(_list_decoder.decode(data))


def record_id(*parts: str) -> str:
    """Deterministic record id from a source instance and a natural key.

    ``record_id("zoom_ecomms", meeting_uuid, "chat")`` always gives the same 32 hex chars.
    """
    joined = "\x1f".join(parts).encode("utf-8")
    return hashlib.sha256(joined).hexdigest()[:32]
