"""The meeting a unit captures: its shared facts, and the MeetingRecord itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from core.protocols import Unit
from core.records import Artifact, MeetingRecord, Party, Record, record_id

from .attributes import meeting_attributes, optional_archiving_attributes
from .guard import try_value
from .participants import Roster, roster_from_payloads
from .values import as_datetime, as_str

__all__ = ["MeetingContext", "build_meeting_record", "meeting_context"]

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


def meeting_context(unit: Unit) -> MeetingContext:
    """Read the unit's meeting payload into the context its records share.

    Never raises: what cannot be read is left out and named in ``errors`` (they go on the
    MeetingRecord). Without a readable meeting payload the source's bookkeeping of the
    listed meeting (``unit.meta["meeting"]``) stands in; without any start time the records
    are dated at the Unix epoch, so the unit is still archived and searchable by its id.
    """
    errors: list[str] = []
    meeting = unit.payloads.get("meeting")
    if not isinstance(meeting, dict):
        errors.append(f"zoom unit {unit.key}: payloads.meeting: missing or not an object")
        listed = unit.meta.get("meeting")
        meeting = dict(listed) if isinstance(listed, dict) else {}
    where = "payload meeting"
    uuid = try_value(errors, where, lambda: as_str(meeting.get("uuid"), where, "uuid"), "")
    uuid = uuid or unit.key
    start = try_value(
        errors, where, lambda: as_datetime(meeting.get("start_time"), where, "start_time"), None
    )
    occurred = start or unit.occurred_at
    if occurred is None:
        errors.append(f"{where}: start_time: missing: the meeting has no start time")
        occurred = _EPOCH
    only_uuid: dict[str, Any] = {"MeetingUUID": uuid}
    attrs = try_value(errors, where, lambda: meeting_attributes(meeting), only_uuid)
    dashboard = unit.payloads.get("dashboard_participants")
    optional = try_value(
        errors,
        "payload dashboard_participants",
        lambda: optional_archiving_attributes(dashboard),
        dict[str, Any](),
    )
    attrs.update(optional)
    topic = try_value(errors, where, lambda: as_str(meeting.get("topic"), where, "topic"), "")
    topic = topic.strip() or unit.title
    is_external = attrs.get("MeetingMeetingType") == "external"
    kind = "External meeting" if is_external else "Meeting"
    host_id = attrs.get("MeetingHostId", "")
    parent = try_value(
        errors,
        where,
        lambda: as_str(meeting.get("parent_meeting_id"), where, "parent_meeting_id"),
        "",
    )
    return MeetingContext(
        source=unit.source,
        uuid=uuid,
        topic=topic,
        title=topic or f"{kind} {uuid}",
        start=start,
        occurred_at=occurred,
        host_id=host_id,
        is_breakout=bool(attrs.get("MeetingIsBreakoutRoom")),
        parent_uuid=parent,
        attributes=attrs,
        roster=roster_from_payloads(unit.payloads, host_id, errors),
        artifacts=[artifact_of(f) for f in unit.files],
        errors=errors,
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
