"""The simulated account's state: meetings, their archive files and their attendees."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ecomms_zoom_simulator.media import Blob
from ecomms_zoom_simulator.people import Group, Person

__all__ = ["Account", "ArchiveFile", "Attachment", "Attendance", "Meeting"]

EXTENSIONS = {
    "MP4": "MP4",
    "M4A": "M4A",
    "CHAT": "TXT",
    "CHAT_MESSAGE": "JSON",
    "CC": "VTT",
    "TRANSCRIPT": "VTT",
    "CSV": "CSV",
    "SUBGROUP_ACTIVITY": "JSON",
}


@dataclass
class ArchiveFile:
    """One archive file; ``final_status`` is what it becomes once processing finishes."""

    id: str
    file_type: str
    recording_type: str
    blob: Blob
    join_time: datetime
    leave_time: datetime
    status: str = "completed"
    final_status: str = "completed"
    individual: bool = False
    participant_email: str = ""
    number_of_messages: int | None = None
    auto_delete: bool = False

    @property
    def extension(self) -> str:
        """The upper-case file extension Zoom reports."""
        return EXTENSIONS.get(self.file_type, "BIN")


@dataclass
class Attachment:
    """A file shared in the meeting chat (``physical_files[]``): no fingerprint at Zoom."""

    id: str
    name: str
    blob: Blob


@dataclass
class Attendance:
    """One person's presence in a meeting instance."""

    person: Person
    join_time: datetime
    leave_time: datetime
    role: str = "attendee"
    optional_archiving: str = "no optional archiving"
    participant_uuid: str = ""
    user_id: str = ""


@dataclass
class Meeting:
    """One meeting, webinar or breakout-room instance and everything archived about it."""

    uuid: str
    number: int
    type: int
    topic: str
    host: Person
    start_time: datetime
    duration_s: int
    timezone: str
    complete_time: datetime | None
    group_id: str
    external: bool = False
    webinar: bool = False
    parent_uuid: str = ""
    refusal: int = 0  # code of the refusal of an external meeting's lookups (300 or 1010)
    status: str = "completed"
    files: list[ArchiveFile] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    attendees: list[Attendance] = field(default_factory=list)
    panelists: list[Person] = field(default_factory=list)
    polls: list[dict[str, Any]] = field(default_factory=list)
    poll_answers: list[dict[str, Any]] = field(default_factory=list)
    qa: list[dict[str, Any]] = field(default_factory=list)
    survey: dict[str, Any] | None = None
    survey_answers: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] | None = None

    @property
    def is_breakout(self) -> bool:
        """Whether this instance is a breakout room of another meeting."""
        return bool(self.parent_uuid)

    @property
    def end_time(self) -> datetime:
        """When the instance ended."""
        return self.start_time + timedelta(seconds=self.duration_s)


@dataclass
class Account:
    """The whole simulated Zoom account."""

    id: str
    name: str
    users: list[Person]
    groups: list[Group]
    meetings: list[Meeting]
    deleted: list[str] = field(default_factory=list)

    def files_by_id(self) -> dict[str, tuple[Meeting, ArchiveFile]]:
        """Index every archive file by its id."""
        return {f.id: (m, f) for m in self.meetings for f in m.files}
