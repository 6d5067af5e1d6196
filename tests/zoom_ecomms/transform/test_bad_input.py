"""Malformed payloads and files: a terminal PayloadError naming the file, field and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import PayloadError, TerminalError
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


def fails_with(unit) -> str:
    with pytest.raises(PayloadError) as caught:
        build_records(unit)
    assert isinstance(caught.value, TerminalError) and not caught.value.transient
    return str(caught.value)


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
        (b'{"uuid": "u", "messages": [', "body: Input data was truncated"),
        (b'{"uuid": "u"}', "Object missing required field `messages`"),
    ],
)
def test_bad_json_chat_body(tmp_path: Path, body: bytes, expected: str) -> None:
    error = fails_with(json_chat_unit(tmp_path, body))
    assert error.startswith("chat file 7f3a: ") and expected in error


def test_bad_txt_chat_names_the_line(tmp_path: Path) -> None:
    body = b"\nthis is not a chat line\n00:00:01 From A to Everyone: hi\n"
    unit = unit_with(tmp_path, [(chat_meta("t1", "CHAT"), body)])
    assert fails_with(unit).startswith("chat file t1: line 2: not a chat line")


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
    (lambda p: p.pop("meeting"), "payloads.meeting: missing or not an object"),
    (_set("meeting", start_time="yesterday"), "payload meeting: start_time: not an ISO 8601"),
    (
        _set("meeting", duration_in_second="long"),
        "payload meeting: duration_in_second: expected an integer",
    ),
    (
        _set("meeting", is_breakout_room="maybe"),
        "payload meeting: is_breakout_room: expected a boolean",
    ),
    (
        lambda p: p.update(dashboard_participants={"x": 1}),
        "payload dashboard_participants: participants: expected a list (or a body",
    ),
    (
        _set("participants", 1, join_time=17),
        "payload participants[1]: join_time: expected an ISO 8601",
    ),
    (
        _set("poll_results", "questions", 0, question_details="Yes"),
        "payload poll_results: questions[0].question_details: expected a list",
    ),
    (
        lambda p: p["poll_definitions"]["polls"][0]["questions"].append("Rates down?"),
        "payload poll_definitions: polls[0].questions[1]: expected an object",
    ),
    (
        lambda p: p.update(poll_results=["Yes"]),
        "payload poll_results: body: expected an object",
    ),
    (
        lambda p: p["survey_report"]["survey_answers"].append("Carol"),
        "payload survey_report survey_answers[1]: item: expected an object",
    ),
    (
        lambda p: p["qa"]["questions"][0]["question_details"].append(3),
        "payload qa: questions[0].question_details[2]: expected an object",
    ),
    (
        _set("survey_report", survey_answers=[{"answer_details": [{"date_time": "soon"}]}]),
        "payload survey_report: survey_answers[0].answer_details[0].date_time",
    ),
    (_set("summary", summary_created_time=5), "payload summary: summary_created_time"),
    (_set("summary", next_steps="do it"), "payload summary: next_steps: expected a list"),
]


@pytest.mark.parametrize(("change", "expected"), BAD_PAYLOADS)
def test_bad_payload_field(tmp_path: Path, change, expected: str) -> None:
    unit = make_unit(tmp_path)
    change(unit.payloads)
    assert expected in fails_with(unit)


def test_error_carries_context_and_no_partial_result(tmp_path: Path) -> None:
    unit = json_chat_unit(tmp_path, raw_chat(broken(s_email=b64("ok")[:-1])))
    with pytest.raises(PayloadError) as caught:
        build_records(unit)
    assert caught.value.context == {"where": "chat file 7f3a", "field": "messages[0].s_email"}
    assert "messages[0].s_email" in caught.value.one_line()


def test_payloads_as_zoom_returns_them_still_build(tmp_path: Path) -> None:
    payloads = load("payloads.json")
    payloads["participants"] = {"participants": payloads["participants"], "total_records": 7}
    records = build_records(make_unit(tmp_path, payloads=payloads))
    assert len(records[0].participants) == 6
