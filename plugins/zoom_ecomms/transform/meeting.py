"""The meeting a unit captures: its shared facts, and the MeetingRecord itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import msgspec

from core.protocols import Unit
from core.records import Artifact, MeetingRecord, Party, Record, record_id
from plugins.zoom_ecomms.models import ArchiveMeeting, zoom_time

from .attributes import meeting_attributes, optional_archiving_attributes
from .participants import Roster, roster_from_payloads
from .payloads import Payloads

__all__ = ["MeetingContext", "bare_context", "build_meeting_record", "meeting_context"]

R = TypeVar("R", bound=Record)


@dataclass
class MeetingContext:
    """What every record of one meeting shares: ids, times, attributes and participants.

    ``errors`` names what of the meeting and participant payloads could not be read.
    """

    source: str
    uuid: str
    topic: str
    title: str
    start: datetime | None
    occurred_at: datetime
    host_id: str
    is_breakout: bool
    parent_uuid: str
    attributes: dict[str, Any]
    roster: Roster
    artifacts: list[Artifact] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def record_id(self, *parts: str) -> str:
        """The deterministic id of one of this meeting's records."""
        return record_id(self.source, self.uuid, *parts)

    @property
    def meeting_id(self) -> str:
        """The id of this meeting's MeetingRecord (every other record's ``parent_id``)."""
        return self.record_id("meeting")

    def base(self, record_type: type[R], rid: str, **fields: Any) -> R:
        """A record of this meeting with the shared fields filled in; ``fields`` override."""
        values: dict[str, Any] = {
            "id": rid,
            "source": self.source,
            "platform": "zoom",
            "occurred_at": self.occurred_at,
            "title": self.title,
            "participants": self.roster.parties(),
            "attributes": dict(self.attributes),
            "parent_id": self.meeting_id,
        }
        values.update(fields)
        return record_type(**values)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PEOPLE = ("participants", "report_participants", "dashboard_participants", "panelists")


def _title(unit: Unit) -> str:
    """The title the source gave the unit (only a string counts: it is not checked)."""
    return unit.title.strip() if isinstance(unit.title, str) else ""


def _listed(unit: Unit) -> ArchiveMeeting:
    """The source's bookkeeping of the listed meeting, or an empty meeting of the unit's key."""
    listed = unit.meta.get("meeting")
    try:
        return msgspec.convert(listed, ArchiveMeeting, strict=False)
    except msgspec.ValidationError:
        return ArchiveMeeting(uuid=unit.key)


def meeting_context(unit: Unit, payloads: Payloads) -> MeetingContext:
    """Read the unit's meeting payload into the context its records share.

    Never raises: what cannot be read is left out and named in ``errors`` (they go on the
    MeetingRecord). Without a readable meeting payload the source's bookkeeping of the
    listed meeting (``unit.meta["meeting"]``) stands in; without any start time the records
    are dated at the Unix epoch, so the unit is still archived and searchable by its id.
    """
    errors = payloads.errors_of("meeting", "host", *_PEOPLE)
    meeting = payloads.meeting
    if meeting is None:
        if "meeting" not in payloads.errors:
            errors.insert(0, f"zoom unit {unit.key}: payload meeting: missing")
        meeting = _listed(unit)
    uuid = meeting.uuid or unit.key
    start = zoom_time(meeting.start_time)
    if start is None and meeting.start_time:
        errors.append(f"payload meeting: start_time: not a date-time: {meeting.start_time!r}")
    occurred = start or unit.occurred_at
    if occurred is None:
        errors.append("payload meeting: start_time: missing: the meeting has no start time")
        occurred = _EPOCH
    attrs = meeting_attributes(meeting)
    attrs.update(optional_archiving_attributes(payloads.dashboard_participants))
    topic = meeting.topic.strip() or _title(unit)
    kind = "External meeting" if meeting.is_external else "Meeting"
    return MeetingContext(
        source=unit.source,
        uuid=uuid,
        topic=topic,
        title=topic or f"{kind} {uuid}",
        start=start,
        occurred_at=occurred,
        host_id=meeting.host_id,
        is_breakout=bool(meeting.is_breakout_room),
        parent_uuid=meeting.parent_meeting_id,
        attributes=attrs,
        roster=roster_from_payloads(payloads, meeting.host_id),
        artifacts=[artifact_of(f) for f in unit.files],
        errors=errors,
    )


def bare_context(unit: Unit, errors: list[str]) -> MeetingContext:
    """The context of a unit whose meeting could not be read at all (``errors`` say why):
    its key, title and start time as the source gave them, nobody, the meeting's UUID only."""
    return MeetingContext(
        source=unit.source,
        uuid=unit.key,
        topic=_title(unit),
        title=_title(unit) or f"Meeting {unit.key}",
        start=unit.occurred_at,
        occurred_at=unit.occurred_at or _EPOCH,
        host_id="",
        is_breakout=False,
        parent_uuid="",
        attributes={"MeetingUUID": unit.key},
        roster=Roster(),
        artifacts=[artifact_of(f) for f in unit.files],
        errors=list(errors),
    )


def artifact_of(spooled: Any) -> Artifact:
    """The Artifact a record uses to reference a spooled file's bytes."""
    return Artifact(
        sha256=spooled.sha256,
        size=spooled.size,
        media_type=spooled.media_type,
        file_id=spooled.file_id,
        name=spooled.name,
    )


def _party_line(party: Party) -> str:
    label = party.name or party.email or party.id
    if party.email and party.name:
        label = f"{party.name} <{party.email}>"
    return f"{label} ({party.role})" if party.role else label


def build_meeting_record(ctx: MeetingContext, unit: Unit) -> MeetingRecord:
    """The MeetingRecord: participants, every artifact, and a searchable description."""
    lines = [ctx.title]
    host = next((p for p in ctx.roster.parties() if p.role == "host"), None)
    if host is not None:
        lines.append(f"Host: {_party_line(host)}")
    lines.append(f"Meeting UUID: {ctx.uuid}")
    lines.extend(f"Participant: {_party_line(p)}" for p in ctx.roster.parties())
    lines.extend(f"File: {f.name or f.file_id} ({f.media_type})" for f in unit.files)
    lines.extend(f"Capture gap: {gap.line()}" for gap in unit.gaps)
    parent = record_id(ctx.source, ctx.parent_uuid, "meeting") if ctx.parent_uuid else ""
    return ctx.base(
        MeetingRecord,
        ctx.meeting_id,
        text="\n".join(lines),
        artifacts=list(ctx.artifacts),
        parent_id=parent,
        errors=list(ctx.errors),
    )
