"""The declared attribute schema: DESIGN §4.3 names exactly, each typed and described."""

from __future__ import annotations

from datetime import datetime

import msgspec

from plugins.zoom_ecomms.models import ArchiveFile, ArchiveMeeting, DashboardParticipant
from plugins.zoom_ecomms.transform import ATTRIBUTES
from plugins.zoom_ecomms.transform.attributes import (
    file_attributes,
    meeting_attributes,
    optional_archiving_attributes,
)
from tests.zoom_ecomms.transform.zoomdata import load

DESIGN_NAMES = {
    "ArchiveFileFileExtension", "ArchiveFileFileSize", "ArchiveFileFileType", "ArchiveFileId",
    "ArchiveFileIsIndividual", "ArchiveFileParticipantEmail", "ArchiveFileParticipantJoinTime",
    "ArchiveFileParticipantLeaveTime", "ArchiveFileRecordingType", "IsOptionalRecording",
    "MeetingAccountName", "MeetingCompleteTime", "MeetingDurationInSecond", "MeetingHostId",
    "MeetingId", "MeetingIsBreakoutRoom", "MeetingMeetingType", "MeetingUUID",
    "ParticipantsJoinWithArchiving", "ParticipantsJoinWithoutArchiving",
    "ParticipantsNoOptionalArchiving", "SummaryCreatedTime", "SummaryEndTime",
    "SummaryLastModifiedTime", "SummaryStartTime",
}  # fmt: skip


def typed(model, value):
    """``value`` (JSON as Zoom sends it) as the model the transformer reads it with."""
    return msgspec.convert(value, model, strict=False)


PYTHON_TYPES = {
    "keyword": str,
    "integer": int,
    "boolean": bool,
    "date": datetime,
    "keyword_list": list,
}


def test_schema_has_exactly_the_design_names_once_each() -> None:
    names = [spec.name for spec in ATTRIBUTES]
    assert sorted(names) == sorted(DESIGN_NAMES)
    assert all(spec.description.strip() for spec in ATTRIBUTES)


def test_values_have_the_declared_types() -> None:
    meeting = load("meeting.json")
    values = meeting_attributes(typed(ArchiveMeeting, meeting))
    values.update(file_attributes(typed(ArchiveFile, meeting["archive_files"][1])))
    dashboard = load("payloads.json")["dashboard_participants"]
    values.update(optional_archiving_attributes(typed(list[DashboardParticipant], dashboard)))
    types = {spec.name: spec.type for spec in ATTRIBUTES}
    assert len(values) == 21  # every meeting, file and optional-archiving attribute
    for name, value in values.items():
        assert isinstance(value, PYTHON_TYPES[types[name]]), name
        if types[name] == "date":
            assert value.utcoffset().total_seconds() == 0, name


def test_optional_archiving_absent_without_dashboard_and_false_when_nobody_chose() -> None:
    assert optional_archiving_attributes(None) == {}
    nobody = [{"email": "a@x.example", "optional_archiving": "no optional archiving"}]
    assert optional_archiving_attributes(typed(list[DashboardParticipant], nobody)) == {
        "IsOptionalRecording": False,
        "ParticipantsJoinWithArchiving": [],
        "ParticipantsJoinWithoutArchiving": [],
        "ParticipantsNoOptionalArchiving": ["a@x.example"],
    }


def test_participant_email_only_for_individual_files_and_offsets_normalised() -> None:
    whole = load("meeting.json")["archive_files"][0]
    whole["participant_email"] = "gateway@x.example"
    whole["participant_join_time"] = "2026-11-03T09:00:02-05:00"
    attrs = file_attributes(typed(ArchiveFile, whole))
    assert "ArchiveFileParticipantEmail" not in attrs
    assert attrs["ArchiveFileParticipantJoinTime"].isoformat() == "2026-11-03T14:00:02+00:00"


def test_a_field_zoom_leaves_out_gives_no_attribute() -> None:
    meeting = {"uuid": "u1", "start_time": "2026-11-03T14:00:00Z"}
    assert meeting_attributes(typed(ArchiveMeeting, meeting)) == {"MeetingUUID": "u1"}
    assert file_attributes(typed(ArchiveFile, {"id": "f1"})) == {"ArchiveFileId": "f1"}
