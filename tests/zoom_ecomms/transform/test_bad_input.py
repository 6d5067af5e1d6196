"""Malformed payloads and files: the part's record still comes, its errors naming the file,
field and reason; every other record of the unit is built as usual."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.records import Record
from plugins.zoom_ecomms.transform import build_records
from tests.zoom_ecomms.transform.zoomdata import (
    b64,
    chat_json_bytes,
    chat_meta,
    encode_message,
    load,
    make_unit,
    unit_with,
)

GOOD = {"msg_type": 1, "e_time": "00:00:01", "s_id": "u", "s_name": "Ann", "s_email": "",
        "msg_id": "m1", "msg_extended_type": "010101000100", "msg_content": "hi"}  # fmt: skip


ALL_KINDS = {"meeting": 1, "media": 3, "chat": 1, "transcript": 1, "captions": 1,
             "poll": 1, "qa": 1, "survey": 1, "summary": 1}  # fmt: skip


def kinds(records: list[Record]) -> dict[str, int]:
    out: dict[str, int] = {}
    for record in records:
        out[record.kind] = out.get(record.kind, 0) + 1
    return out


def errors_of(records: list[Record], kind: str) -> str:
    """The errors of the one record of ``kind`` that has any; no other record has errors."""
    failed = [r for r in records if r.errors]
    assert [r.kind for r in failed] == [kind], [(r.kind, r.errors) for r in failed]
    return "\n".join(failed[0].errors)


def fails_with(unit, kind: str = "chat") -> str:
    """The errors of the ``kind`` record of ``unit`` (the only record with errors)."""
    return errors_of(build_records(unit), kind)


def json_chat_unit(tmp: Path, body: bytes):
    return unit_with(tmp, [(chat_meta("7f3a"), body)])


def raw_chat(*messages: dict) -> bytes:
    """A chat whose messages are given already encoded (so they can be broken on purpose)."""
    return json.dumps({"uuid": "u", "messages": list(messages)}).encode()


def broken(**fields) -> dict:
    """The GOOD message, encoded, with some fields replaced by bad values."""
    return {**encode_message(GOOD), **fields}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (broken(s_name="not base64!"), "messages[1].s_name: invalid base64"),
        (broken(msg_content="//79"), "messages[1].msg_content: base64 of invalid UTF-8"),
        (broken(msg_extended_type="0101"), "messages[1].msg_extended_type: expected 12 digits"),
        (broken(e_time="1:2"), "messages[1].e_time: expected HH:MM:SS"),
        (broken(msg_type="one"), "$.messages[1].msg_type: Expected `int`"),
        (broken(files="deck.pdf"), "$.messages[1].files: Expected `array`"),
    ],
)
def test_bad_json_chat_field(tmp_path: Path, message: dict, expected: str) -> None:
    error = fails_with(json_chat_unit(tmp_path, raw_chat(encode_message(GOOD), message)))
    assert error.startswith("chat file 7f3a: ")
    assert expected in error


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<html>error page</html>", "body: neither JSON nor base64-wrapped JSON"),
        (b'{"uuid": "u", "messages": [', "body: not valid JSON (Input data was truncated)"),
        (b'{"uuid": "u"}', "Object missing required field `messages`"),
    ],
)
def test_bad_json_chat_body(tmp_path: Path, body: bytes, expected: str) -> None:
    error = fails_with(json_chat_unit(tmp_path, body))
    assert error.startswith("chat file 7f3a: ") and expected in error


def test_txt_chat_that_is_not_utf8_names_the_byte_and_keeps_the_messages(tmp_path: Path) -> None:
    body = b"00:00:01 From A to Everyone: caf\xe9\n"
    unit = unit_with(tmp_path, [(chat_meta("t1", "CHAT"), body)])
    assert fails_with(unit) == "chat file t1: byte 32: not UTF-8 text (shown as U+FFFD)"
    chat = next(r for r in build_records(unit) if r.kind == "chat")
    assert [m.text for t in chat.threads for m in t.messages] == ["caf\ufffd"]


def test_missing_spooled_file(tmp_path: Path) -> None:
    unit = json_chat_unit(tmp_path, chat_json_bytes("u", [GOOD]))
    Path(unit.files[0].path).unlink()
    assert fails_with(unit).startswith("chat file 7f3a: path: cannot read spooled file")


def _set(*path: str | int, **values):
    """A change that updates the object at ``path`` in the payloads with ``values``."""

    def change(payloads: dict) -> None:
        target = payloads
        for key in path:
            target = target[key]
        target.update(values)

    return change


BAD_PAYLOADS = [
    (lambda p: p.pop("meeting"), "meeting", "payload meeting: missing"),
    (_set("meeting", start_time="yesterday"), "meeting",
     "payload meeting: start_time: not a date-time: 'yesterday'"),
    (_set("meeting", duration_in_second="long"), "meeting",
     "payload meeting: Expected `int | null`, got `str` - at `$.duration_in_second`"),
    (_set("meeting", is_breakout_room="maybe"), "meeting",
     "payload meeting: Expected `bool | null`, got `str` - at `$.is_breakout_room`"),
    (lambda p: p.update(dashboard_participants={"participants": {"x": 1}}), "meeting",
     "payload dashboard_participants: Expected `array`, got `object` - at `$.participants`"),
    (_set("participants", 1, join_time=17), "meeting",
     "payload participants: Expected `str`, got `int` - at `$.participants[1].join_time`"),
    (_set("poll_results", "questions", 0, question_details="Yes"), "poll",
     "payload poll_results: Expected `array`, got `str` - at `$.questions[0].question_details`"),
    (lambda p: p["poll_definitions"]["polls"][0]["questions"].append("Rates down?"), "poll",
     "payload poll_definitions: Expected `object`, got `str` - at `$.polls[0].questions[1]`"),
    (lambda p: p.update(poll_results=["Yes"]), "poll",
     "payload poll_results: Expected `object`, got `array`"),
    (lambda p: p["survey_report"]["survey_answers"].append("Carol"), "survey",
     "payload survey_report: Expected `object`, got `str` - at `$.survey_answers[1]`"),
    (lambda p: p["qa"]["questions"][0]["question_details"].append(3), "qa",
     "payload qa: Expected `object`, got `int` - at `$.questions[0].question_details[2]`"),
    (_set("survey_report", survey_answers=[{"answer_details": [{"date_time": 5}]}]), "survey",
     "payload survey_report: Expected `str`, got `int` - at "
     "`$.survey_answers[0].answer_details[0].date_time`"),
    (_set("summary", summary_created_time=5), "summary",
     "payload summary: Expected `str`, got `int` - at `$.summary_created_time`"),
    (_set("summary", next_steps="do it"), "summary",
     "payload summary: Expected `array`, got `str` - at `$.next_steps`"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "kind", "expected"), BAD_PAYLOADS)
def test_bad_payload_field_costs_only_its_record(tmp_path: Path, change, kind, expected) -> None:
    unit = make_unit(tmp_path)
    change(unit.payloads)
    records = build_records(unit)
    assert kinds(records) == ALL_KINDS
    assert expected in errors_of(records, kind)


def test_a_bad_payload_record_keeps_its_id_and_the_meeting_attributes(tmp_path: Path) -> None:
    good = {r.kind: r for r in build_records(make_unit(tmp_path))}
    unit = make_unit(tmp_path)
    unit.payloads["qa"] = ["not", "an", "object"]
    qa = {r.kind: r for r in build_records(unit)}["qa"]
    assert qa.id == good["qa"].id and qa.title == good["qa"].title
    assert qa.attributes == good["meeting"].attributes
    assert qa.entries == [] and qa.errors == ["payload qa: Expected `object`, got `array`"]


def test_without_a_readable_meeting_the_listed_meeting_stands_in(tmp_path: Path) -> None:
    unit = make_unit(tmp_path)
    listed = dict(unit.payloads.pop("meeting"))
    unit.meta["meeting"] = {k: listed[k] for k in ("uuid", "topic", "start_time")}
    meeting = build_records(unit)[0]
    assert meeting.title == "Q4 desk review 📈"
    assert meeting.occurred_at == datetime(2026, 11, 3, 14, 0, tzinfo=UTC)
    assert meeting.errors == [f"zoom unit {unit.key}: payload meeting: missing"]


def test_error_line_names_the_file_and_field(tmp_path: Path) -> None:
    unit = json_chat_unit(tmp_path, raw_chat(broken(s_email=b64("ok")[:-1])))
    chat = next(r for r in build_records(unit) if r.kind == "chat")
    assert chat.errors == [
        "chat file 7f3a: messages[0].s_email: invalid base64; the message is kept as Zoom sent it"
    ]


def test_a_message_that_does_not_decode_is_kept_as_zoom_sent_it(tmp_path: Path) -> None:
    bad_name = broken(s_name="not base64!", e_time="later")
    unit = json_chat_unit(tmp_path, raw_chat(encode_message(GOOD), bad_name))
    chat = next(r for r in build_records(unit) if r.kind == "chat")
    kept = {m.sender.name: m for m in chat.threads[0].messages}
    assert kept["Ann"].text == "hi"
    second = kept["not base64!"]
    assert (second.text, second.offset, second.sent_at, second.id) == ("hi", "later", None, "m1")
    assert chat.errors == [
        "chat file 7f3a: messages[1].s_name: invalid base64; the message is kept as Zoom sent it"
    ]


def test_many_messages_that_do_not_decode_are_counted(tmp_path: Path) -> None:
    body = raw_chat(*[broken(msg_content="%%%") for _ in range(8)])
    chat = next(r for r in build_records(json_chat_unit(tmp_path, body)) if r.kind == "chat")
    assert sum(len(t.messages) for t in chat.threads) == 8
    assert len(chat.errors) == 6
    assert chat.errors[-1] == "chat file 7f3a: 8 messages in all kept with fields as Zoom sent them"


def test_payloads_as_zoom_returns_them_still_build(tmp_path: Path) -> None:
    payloads = load("payloads.json")
    payloads["participants"] = {"participants": payloads["participants"], "total_records": 7}
    records = build_records(make_unit(tmp_path, payloads=payloads))
    assert len(records[0].participants) == 6


def _replace_file(unit, file_id: str, data: bytes):
    part = next(f for f in unit.files if f.file_id == file_id)
    Path(part.path).write_bytes(data)
    return part


def _lone_surrogate_chat() -> bytes:
    message = json.dumps(encode_message(GOOD)).replace('"u"', '"\\ud800"', 1)
    return f'{{"uuid": "u", "messages": [{message}]}}'.encode()


HOSTILE = [
    ("f-json", b'{"uuid": "u", "messages": [{"msg_type": 1, "e_ti', "chat",
     "chat file f-json: body: not valid JSON (Input data was truncated)"),
    ("f-json", _lone_surrogate_chat(), "chat", "lone UTF-16 surrogate escape"),
    ("f-json", b'{"messages": [], "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "chat",
     "chat file f-json: body: JSON nested too deeply to decode"),
    ("f-json", raw_chat(broken(msg_content="aGk=!")), "chat",
     "chat file f-json: messages[0].msg_content: invalid base64"),
    ("f-json", b"not json, not base64 either!", "chat",
     "chat file f-json: body: neither JSON nor base64-wrapped JSON"),
    ("f-cc", b"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nBob: caf\xe9\n", "captions",
     "captions file f-cc: byte 48: not UTF-8 text"),
    ("f-tr", b"WEBVTT\n\n1\n00:00:01.000 --> soon\nBob: hi\n", "transcript",
     "transcript file f-tr: line 4: bad cue timing"),
]  # fmt: skip


@pytest.mark.parametrize(("file_id", "data", "kind", "expected"), HOSTILE)
def test_hostile_file_costs_only_its_own_content(tmp_path: Path, file_id, data, kind, expected):
    good = {r.id: r for r in build_records(make_unit(tmp_path))}
    unit = make_unit(tmp_path)
    part = _replace_file(unit, file_id, data)
    records = build_records(unit)
    assert kinds(records) == ALL_KINDS
    assert expected in errors_of(records, kind)
    for record in records:
        if not record.errors:
            assert record == good[record.id], record.kind  # the other records are intact
    failed = next(r for r in records if r.errors)
    assert part.sha256 in {a.sha256 for a in failed.artifacts}
    assert failed.id == next(r.id for r in good.values() if r.kind == kind)


def test_unreadable_json_chat_falls_back_to_the_txt_chat(tmp_path: Path) -> None:
    unit = make_unit(tmp_path)
    _replace_file(unit, "f-json", b'{"uuid": "u", "messages": [')
    chat = next(r for r in build_records(unit) if r.kind == "chat")
    assert chat.attributes["ArchiveFileFileType"] == "CHAT"  # built from the TXT file
    assert sum(len(t.messages) for t in chat.threads) == 5
    assert {a.file_id for a in chat.artifacts} == {"f-json", "f-txt"}
    assert chat.errors and chat.errors[0].startswith("chat file f-json: body: not valid JSON")


def test_unreadable_file_record_has_its_attributes_and_no_content(tmp_path: Path) -> None:
    unit = make_unit(tmp_path)
    _replace_file(unit, "f-tr", b"\xff\xfe not text")
    transcript = next(r for r in build_records(unit) if r.kind == "transcript")
    assert transcript.segments == []
    assert transcript.attributes["ArchiveFileId"] == "f-tr"
    assert transcript.attributes["ArchiveFileFileType"] == "TRANSCRIPT"
    assert [a.media_type for a in transcript.artifacts] == ["text/vtt"]
    assert transcript.errors == ["transcript file f-tr: line 1: missing the WEBVTT header"]


def test_a_transformer_bug_in_one_part_costs_only_that_part(tmp_path, monkeypatch) -> None:
    """A fault injected into the captions builder (no input reaches such a bug today)."""
    from plugins.zoom_ecomms.transform import transformer

    def broken_builder(ctx, spooled, kind):
        if kind == "captions":
            raise KeyError("segments")
        return real(ctx, spooled, kind)

    real = transformer.build_timed_text_record
    monkeypatch.setattr(transformer, "build_timed_text_record", broken_builder)
    records = build_records(make_unit(tmp_path))
    assert kinds(records) == ALL_KINDS
    errors = errors_of(records, "captions")
    assert errors == "captions file f-cc: transformer error KeyError: 'segments'"


def _response(tmp: Path, payload: str, page: int, body: bytes):
    """A ``response`` part as the source spools it: one page of an API answer, as received."""
    from plugins.zoom_ecomms.parts import write_response

    return write_response(tmp, payload, page, body, {"endpoint": f"GET /{payload}"})


def test_a_page_that_does_not_decode_costs_only_that_page(tmp_path: Path) -> None:
    payloads = load("payloads.json")
    people = payloads.pop("participants")
    unit = make_unit(tmp_path, payloads=payloads)
    first = json.dumps({"participants": people[:2], "next_page_token": "t"}).encode()
    second = json.dumps({"participants": [{"name": "Eve", "join_time": 17}]}).encode()
    unit.files += [
        _response(tmp_path, "participants", 1, first),
        _response(tmp_path, "participants", 2, second),
    ]
    meeting = build_records(unit)[0]
    assert meeting.errors == [
        "payload participants page 2: Expected `str`, got `int` - at `$.participants[0].join_time`"
    ]
    names = {p.name for p in meeting.participants}
    assert {people[0]["name"], people[1]["name"]} <= names and "Eve" not in names


def test_a_transformer_bug_reading_the_meeting_keeps_every_record(tmp_path, monkeypatch):
    """A fault injected where the meeting is read (no input reaches such a bug today)."""
    from plugins.zoom_ecomms.transform import transformer

    def broken(unit, payloads):
        raise ValueError("boom")

    monkeypatch.setattr(transformer, "meeting_context", broken)
    unit = make_unit(tmp_path)
    records = build_records(unit)
    assert kinds(records) == ALL_KINDS
    assert errors_of(records, "meeting") == (
        f"zoom unit {unit.key}: transformer error ValueError: boom"
    )
    assert all(r.attributes["MeetingUUID"] == unit.key for r in records)
