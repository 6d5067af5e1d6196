"""The Zoom metadata attributes (DESIGN §4.3): the public search contract, and their values.

``ATTRIBUTES`` declares each attribute's name, type and meaning; the functions below compute
the values from the typed Zoom objects of a meeting, an archive file and a summary, typed as
declared (dates as aware UTC datetimes, sizes as ints, booleans as bools). An absent Zoom
field gives no attribute: nothing is invented (external meetings have no ``MeetingId`` /
``MeetingHostId``).
"""

from __future__ import annotations

from typing import Any

from core.records import AttributeSpec
from plugins.zoom_ecomms.models import (
    ArchiveFile,
    ArchiveMeeting,
    DashboardParticipant,
    MeetingSummary,
    zoom_time,
)

__all__ = [
    "ATTRIBUTES",
    "file_attributes",
    "meeting_attributes",
    "optional_archiving_attributes",
    "summary_attributes",
]

_A = AttributeSpec

ATTRIBUTES: list[AttributeSpec] = [
    _A(name="ArchiveFileFileExtension", type="keyword",
       description="Extension of the record's archive file (MP4, M4A, TXT, VTT, JSON)."),
    _A(name="ArchiveFileFileSize", type="integer",
       description="Size in bytes of the archive file the record was built from."),
    _A(name="ArchiveFileFileType", type="keyword",
       description="Zoom file type (MP4, M4A, CHAT, CHAT_MESSAGE, CC, TRANSCRIPT...)."),
    _A(name="ArchiveFileId", type="keyword",
       description="Zoom id of the archive file the record was built from."),
    _A(name="ArchiveFileIsIndividual", type="boolean",
       description="True when the archive file holds one participant (per-participant audio)."),
    _A(name="ArchiveFileParticipantEmail", type="keyword",
       description="Email of the participant of an individual archive file."),
    _A(name="ArchiveFileParticipantJoinTime", type="date",
       description="When the file's participant (or the archiving gateway) joined, UTC."),
    _A(name="ArchiveFileParticipantLeaveTime", type="date",
       description="When the file's participant (or the archiving gateway) left, UTC."),
    _A(name="ArchiveFileRecordingType", type="keyword",
       description="Zoom recording type of the archive file (audio_only, chat_message, ...)."),
    _A(name="IsOptionalRecording", type="boolean",
       description="True when at least one participant joined with archiving by choice."),
    _A(name="MeetingAccountName", type="keyword",
       description="Name of the Zoom account that archived the meeting."),
    _A(name="MeetingCompleteTime", type="date",
       description="When Zoom completed the meeting's archive, UTC."),
    _A(name="MeetingDurationInSecond", type="integer",
       description="Actual duration of the meeting in seconds."),
    _A(name="MeetingHostId", type="keyword",
       description="Zoom user id of the host (absent for external meetings)."),
    _A(name="MeetingId", type="keyword",
       description="Meeting or webinar number (absent for external meetings)."),
    _A(name="MeetingIsBreakoutRoom", type="boolean",
       description="True when the record belongs to a breakout room."),
    _A(name="MeetingMeetingType", type="keyword",
       description="internal or external: whether the meeting was hosted by this account."),
    _A(name="MeetingUUID", type="keyword",
       description="Zoom UUID of the meeting or webinar instance."),
    _A(name="ParticipantsJoinWithArchiving", type="keyword_list",
       description="Emails of participants who chose to join with archiving."),
    _A(name="ParticipantsJoinWithoutArchiving", type="keyword_list",
       description="Emails of participants who chose to join without archiving."),
    _A(name="ParticipantsNoOptionalArchiving", type="keyword_list",
       description="Emails of participants who were not offered optional archiving."),
    _A(name="SummaryCreatedTime", type="date",
       description="When the AI Companion summary was created, UTC."),
    _A(name="SummaryEndTime", type="date",
       description="End of the part of the meeting the AI Companion summary covers, UTC."),
    _A(name="SummaryLastModifiedTime", type="date",
       description="When the AI Companion summary was last modified, UTC."),
    _A(name="SummaryStartTime", type="date",
       description="Start of the part of the meeting the AI Companion summary covers, UTC."),
]  # fmt: skip

_OPTIONAL = {
    "join with archiving": "ParticipantsJoinWithArchiving",
    "join without archiving": "ParticipantsJoinWithoutArchiving",
    "no optional archiving": "ParticipantsNoOptionalArchiving",
}


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` without the absent ones (``None``, ``""``): nothing is invented."""
    return {name: value for name, value in values.items() if value is not None and value != ""}


def meeting_attributes(meeting: ArchiveMeeting) -> dict[str, Any]:
    """Meeting-level attributes from the archive meeting object (ZOOM_API §2.4).

    A meeting number of 0 is how a stripped id may arrive (external meetings): omitted.
    """
    number = "" if meeting.id is None or str(meeting.id) == "0" else str(meeting.id)
    return _present({
        "MeetingAccountName": meeting.account_name,
        "MeetingCompleteTime": zoom_time(meeting.complete_time),
        "MeetingDurationInSecond": meeting.duration_in_second,
        "MeetingHostId": meeting.host_id,
        "MeetingId": number,
        "MeetingIsBreakoutRoom": meeting.is_breakout_room,
        "MeetingMeetingType": meeting.meeting_type,
        "MeetingUUID": meeting.uuid,
    })  # fmt: skip


def file_attributes(file: ArchiveFile) -> dict[str, Any]:
    """ArchiveFile* attributes from an archive file object (ZOOM_API §2.5)."""
    return _present({
        "ArchiveFileFileExtension": file.file_extension,
        "ArchiveFileFileSize": file.file_size,
        "ArchiveFileFileType": file.file_type,
        "ArchiveFileId": file.id,
        "ArchiveFileIsIndividual": file.individual,
        "ArchiveFileParticipantEmail": file.participant_email if file.individual else "",
        "ArchiveFileParticipantJoinTime": zoom_time(file.participant_join_time),
        "ArchiveFileParticipantLeaveTime": zoom_time(file.participant_leave_time),
        "ArchiveFileRecordingType": file.recording_type,
    })  # fmt: skip


def summary_attributes(summary: MeetingSummary) -> dict[str, Any]:
    """Summary* attributes from a meeting summary body (ZOOM_API §6.7)."""
    return _present({
        "SummaryCreatedTime": zoom_time(summary.summary_created_time),
        "SummaryEndTime": zoom_time(summary.summary_end_time),
        "SummaryLastModifiedTime": zoom_time(summary.summary_last_modified_time),
        "SummaryStartTime": zoom_time(summary.summary_start_time),
    })  # fmt: skip


def optional_archiving_attributes(dashboard: list[DashboardParticipant] | None) -> dict[str, Any]:
    """IsOptionalRecording and the Participants* email lists from dashboard participants.

    Without a dashboard payload (Pro plan) nothing is returned: absence is not ``False``.
    Participants without an email are counted for IsOptionalRecording but listed nowhere.
    """
    if dashboard is None:
        return {}
    lists: dict[str, list[str]] = {name: [] for name in _OPTIONAL.values()}
    chose = False
    for person in dashboard:
        value = person.optional_archiving.strip().lower()
        chose = chose or value == "join with archiving"
        email = person.email.strip()
        target = lists.get(_OPTIONAL.get(value, ""))
        if target is not None and email and email not in target:
            target.append(email)
    return {"IsOptionalRecording": chose, **lists}
