"""A whole captured meeting through ZoomTransformer: kinds, ids, attributes, participants."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.protocols import Context, Unit
from core.records import decode_record, encode_record, record_id
from plugins.zoom_ecomms.transform import ATTRIBUTES, ZoomTransformer, build_records
from tests.zoom_ecomms.transform.zoomdata import SOURCE, load, make_unit

UUID = "aBc/12+xyz=="
MEETING_ATTRS = {
    "MeetingAccountName", "MeetingCompleteTime", "MeetingDurationInSecond", "MeetingHostId",
    "MeetingId", "MeetingIsBreakoutRoom", "MeetingMeetingType", "MeetingUUID",
    "IsOptionalRecording", "ParticipantsJoinWithArchiving", "ParticipantsJoinWithoutArchiving",
    "ParticipantsNoOptionalArchiving",
}  # fmt: skip


def by_kind(records):
    out: dict[str, list] = {}
    for record in records:
        out.setdefault(record.kind, []).append(record)
    return out


@pytest.fixture
def records(tmp_path: Path):
    return build_records(make_unit(tmp_path))


def test_one_record_of_each_kind_with_deterministic_distinct_ids(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = build_records(make_unit(tmp_path / "a"))
    second = build_records(make_unit(tmp_path / "b"))
    kinds = by_kind(first)
    assert {k: len(v) for k, v in kinds.items()} == {
        "meeting": 1, "media": 3, "chat": 1, "transcript": 1, "captions": 1,
        "poll": 1, "qa": 1, "survey": 1, "summary": 1,
    }  # fmt: skip
    assert [r.id for r in first] == [r.id for r in second]
    assert len({r.id for r in first}) == len(first)
    assert kinds["meeting"][0].id == record_id(SOURCE, UUID, "meeting")
    assert kinds["chat"][0].id == record_id(SOURCE, UUID, "chat")
    assert all(r.captured_at is None and r.source == SOURCE and r.platform == "zoom" for r in first)


def test_every_record_carries_the_meeting_attributes_typed(records) -> None:
    for record in records:
        attrs = record.attributes
        assert set(attrs) >= MEETING_ATTRS, record.kind
        assert attrs["MeetingUUID"] == UUID
        assert attrs["MeetingId"] == "81234567890"
        assert attrs["MeetingCompleteTime"] == datetime(2026, 11, 3, 15, 20, tzinfo=UTC)
        assert attrs["MeetingDurationInSecond"] == 3605
        assert attrs["MeetingIsBreakoutRoom"] is False
        assert attrs["IsOptionalRecording"] is True
        assert attrs["ParticipantsJoinWithArchiving"] == ["bob@acme.example"]
        assert attrs["ParticipantsJoinWithoutArchiving"] == ["zoe@partner.example"]
        assert attrs["ParticipantsNoOptionalArchiving"] == [
            "alice@acme.example",
            "carol@acme.example",
        ]
        declared = {spec.name for spec in ATTRIBUTES}
        assert set(attrs) <= declared


def test_records_built_from_a_file_carry_that_files_attributes(records) -> None:
    files = {f["id"]: f for f in load("meeting.json")["archive_files"]}
    from_files = [r for r in records if "ArchiveFileId" in r.attributes]
    assert {r.kind for r in from_files} == {"media", "chat", "transcript", "captions"}
    for record in from_files:
        meta = files[record.attributes["ArchiveFileId"]]
        attrs = record.attributes
        assert attrs["ArchiveFileFileType"] == meta["file_type"]
        assert attrs["ArchiveFileFileExtension"] == meta["file_extension"]
        assert attrs["ArchiveFileFileSize"] == meta["file_size"]
        assert attrs["ArchiveFileRecordingType"] == meta["recording_type"]
        assert attrs["ArchiveFileIsIndividual"] is meta["individual"]
        assert attrs["ArchiveFileParticipantJoinTime"].tzinfo is not None
    audio = next(r for r in from_files if r.attributes["ArchiveFileId"] == "f-m4a-bob")
    assert audio.attributes["ArchiveFileParticipantEmail"] == "bob@acme.example"
    assert [p.email for p in audio.participants] == ["bob@acme.example"]
    chat = next(r for r in records if r.kind == "chat")
    assert chat.attributes["ArchiveFileFileType"] == "CHAT_MESSAGE"  # JSON preferred over TXT
    assert {a.file_id for a in chat.artifacts} == {"f-json", "f-txt"}  # TXT still kept
    for record in records:
        if record.kind in ("meeting", "poll", "qa", "survey", "summary"):
            assert not any(k.startswith("ArchiveFile") for k in record.attributes)


def test_meeting_record_lists_participants_and_every_artifact(records) -> None:
    meeting = by_kind(records)["meeting"][0]
    assert meeting.title == "Q4 desk review 📈"
    assert {a.file_id for a in meeting.artifacts} == {
        "f-mp4", "f-m4a-bob", "f-txt", "f-json", "f-cc", "f-tr", "f-new"
    }  # fmt: skip
    people = {p.name: p for p in meeting.participants}
    assert list(people) == [
        "Alice Smith",
        "Bob Jones",
        "李雷 🚀",
        "Zoë Ø'Brien 😀",
        "Carol Diaz",
        "Dan",
    ]
    assert people["Alice Smith"].role == "host"
    bob = people["Bob Jones"]  # joined twice and appears in three payloads: one party
    assert bob.join_time == datetime(2026, 11, 3, 14, 1, tzinfo=UTC)
    assert bob.leave_time == datetime(2026, 11, 3, 15, 0, tzinfo=UTC)
    assert people["李雷 🚀"].email == "" and people["Dan"].email == ""
    assert "Host: Alice Smith <alice@acme.example>" in meeting.text
    assert "Participant: 李雷 🚀" in meeting.text
    assert meeting.parent_id == ""
    assert all(r.parent_id == meeting.id for r in records if r is not meeting)


def test_unknown_file_type_is_kept_as_media_with_its_artifact(records) -> None:
    media = {r.attributes["ArchiveFileId"]: r for r in by_kind(records)["media"]}
    new = media["f-new"]
    assert new.attributes["ArchiveFileFileType"] == "WHITEBOARD"
    assert [a.file_id for a in new.artifacts] == ["f-new"]
    assert new.artifacts[0].media_type == "application/octet-stream"
    assert "Video of Q4 desk review" in media["f-mp4"].text


def test_polls_qa_survey_summary(records) -> None:
    kinds = by_kind(records)
    poll = kinds["poll"][0]
    assert [(e.author.name, e.answer, e.title) for e in poll.entries] == [
        ("Bob Jones", "Yes", "Desk sentiment"), ("Anonymous", "No", "Desk sentiment"),
    ]  # fmt: skip
    assert poll.entries[0].at == datetime(2026, 11, 3, 14, 30, 5, tzinfo=UTC)
    assert "Rates up in December? (options: Yes, No)" in poll.text
    qa = kinds["qa"][0]
    assert [e.kind for e in qa.entries] == ["question", "answer", "question"]
    assert qa.entries[1].id == qa.entries[0].id + "a"
    assert "Q (Zoë Ø'Brien 😀): Is the return guaranteed?" in qa.text
    survey = kinds["survey"][0]
    assert survey.title == "Survey: Session feedback"
    assert [(e.author.email, e.question, e.answer) for e in survey.entries] == [
        ("carol@acme.example", "Was this useful?", "Yes")
    ]
    summary = kinds["summary"][0]
    assert summary.attributes["SummaryCreatedTime"] == datetime(2026, 11, 3, 15, 2, tzinfo=UTC)
    assert summary.attributes["SummaryLastModifiedTime"] == datetime(
        2026, 11, 3, 15, 10, tzinfo=UTC
    )
    assert {"SummaryStartTime", "SummaryEndTime"} <= set(summary.attributes)
    for text in ("The desk reviewed Q4", "Rates: Team expects", "- Bob to send the risk memo",
                 "Edited summary:", "Team discussed a possible hike."):  # fmt: skip
        assert text in summary.text
    assert not any(
        k.startswith("Summary") for r in records if r is not summary for k in r.attributes
    )


def test_transcript_and_captions_segments(records) -> None:
    transcript = by_kind(records)["transcript"][0]
    assert [(s.speaker, s.start) for s in transcript.segments][:3] == [
        ("Alice Smith", 1.0), ("Bob Jones", 5.0), ("李雷 🚀", 10.0),
    ]  # fmt: skip
    assert (
        "[00:00:05] Bob Jones: I think rates go up in December.\nNot financial advice."
        in transcript.text
    )
    captions = by_kind(records)["captions"][0]
    assert all(s.speaker == "" for s in captions.segments)  # no labels: nothing invented
    assert captions.segments[1].text == "Note the time: five o'clock."


def test_records_survive_the_canonical_encoding(records) -> None:
    for record in records:
        encoded = encode_record(record)
        again = decode_record(encoded)
        assert (again.kind, again.id, again.threads, again.segments) == (
            record.kind, record.id, record.threads, record.segments
        )  # fmt: skip
        assert encode_record(again) == encoded


def test_external_meeting_has_no_invented_ids(tmp_path: Path) -> None:
    meeting = load("meeting.json")
    for key in ("id", "host_id", "topic"):
        del meeting[key]
    meeting["meeting_type"] = "external"
    meeting["complete_time"] = ""
    payloads = {k: v for k, v in load("payloads.json").items() if k not in ("host", "past_meeting")}
    records = build_records(make_unit(tmp_path, meeting, payloads))
    for record in records:
        assert "MeetingId" not in record.attributes and "MeetingHostId" not in record.attributes
        assert "MeetingCompleteTime" not in record.attributes
        assert record.attributes["MeetingMeetingType"] == "external"
        assert record.attributes["MeetingUUID"] == UUID
    meeting_record = by_kind(records)["meeting"][0]
    assert meeting_record.title == f"External meeting {UUID}"
    assert len(by_kind(records)["chat"][0].threads) == 6


def test_external_meeting_with_emptied_rather_than_removed_fields(tmp_path: Path) -> None:
    meeting = load("meeting.json")
    meeting.update(id=0, host_id="", topic="", meeting_type="external")
    records = build_records(make_unit(tmp_path, meeting, {}))
    assert all("MeetingId" not in r.attributes for r in records)
    assert all("MeetingHostId" not in r.attributes for r in records)
    assert records[0].title == f"External meeting {UUID}"


def test_breakout_room_links_to_its_parent_and_owns_its_chat(tmp_path: Path) -> None:
    meeting = load("meeting.json")
    meeting.update(uuid="room/2==", type=100, is_breakout_room=True, parent_meeting_id=UUID)
    records = build_records(make_unit(tmp_path, meeting, {}))
    room = by_kind(records)["meeting"][0]
    assert room.parent_id == record_id(SOURCE, UUID, "meeting")
    assert room.attributes["MeetingIsBreakoutRoom"] is True
    assert "IsOptionalRecording" not in room.attributes  # no dashboard payload: not False
    chat = by_kind(records)["chat"][0]
    types = [t.type for t in chat.threads]
    assert "breakout" not in types  # in a room, room chat is the room's public conversation
    public = chat.threads[0]
    assert "Room 2 here, we are done" in [m.text for m in public.messages]


def test_webinar_panelists_join_the_participants(tmp_path: Path) -> None:
    payloads = load("payloads.json")
    payloads["panelists"] = {
        "panelists": [
            {"id": "p-1", "email": "pat@partner.example", "name": "Pat Panel"},
            {"id": "", "email": "CAROL@acme.example", "name": "Carol D."},
        ],
        "total_records": 2,
    }
    meeting = load("meeting.json")
    meeting["type"] = 5
    people = build_records(make_unit(tmp_path, meeting, payloads))[0].participants
    roles = {p.email.lower(): p.role for p in people}
    assert roles["pat@partner.example"] == "panelist"
    assert roles["carol@acme.example"] == "panelist"  # the same person, matched by email
    assert len(people) == 7


def test_transformer_component_contract(tmp_path: Path) -> None:
    context = Context(name="zoom_ecomms", state_dir=tmp_path, spool_dir=tmp_path)
    transformer = ZoomTransformer(ZoomTransformer.Config(), context)
    assert (transformer.name, transformer.stage) == ("zoom_ecomms", "unit")
    assert transformer.consumes == frozenset({"zoom"})
    assert transformer.attributes is ATTRIBUTES
    unit = make_unit(tmp_path)
    built = transformer.transform(unit, [])
    assert [r.id for r in built] == [r.id for r in build_records(unit)]
    other = Unit(source="x", platform="teams", key="k")
    assert transformer.transform(other, built[:1]) == built[:1]
