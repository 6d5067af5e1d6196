"""Hypothesis: the Zoom transformer never raises on hostile chat files or payloads; a part it
cannot read still yields its record, with one-line errors naming the part, and every other
record of the meeting is still built."""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.records import Record
from plugins.zoom_ecomms.transform import build_records
from tests.property.strategies import DEEP, HOSTILE_TEXT, JSON_VALUES, hostile_chat_files
from tests.zoom_ecomms.transform.zoomdata import chat_meta, load, make_unit, unit_with

BOUNDED = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MEETING_KEYS = tuple(load("meeting.json"))
PAYLOAD_KEYS = tuple(load("payloads.json"))


def _assert_clear(records: list[Record]) -> None:
    """Every record has a string text and each error is one line naming what failed."""
    for record in records:
        assert isinstance(record.text, str)
        for error in record.errors:
            assert error and "\n" not in error and "Traceback" not in error, error


@BOUNDED
@given(chat=hostile_chat_files())
def test_a_hostile_chat_file_yields_a_chat_record(chat: tuple[str, bytes]) -> None:
    """The chat record is always there; when the file is unreadable its errors say so."""
    file_type, body = chat
    with tempfile.TemporaryDirectory() as tmp:
        unit = unit_with(Path(tmp), [(chat_meta("f-chat", file_type), body)])
        records = build_records(unit)
    _assert_clear(records)
    chats = [r for r in records if r.kind == "chat"]
    assert len(chats) == 1
    assert [r.kind for r in records].count("meeting") == 1
    for error in chats[0].errors:
        assert error.startswith("chat file f-chat: "), error


def _replace(doc: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(doc)
    if value is _DROP:
        changed.pop(key, None)
    else:
        changed[key] = value
    return changed


_DROP = object()


def _encodable(value: Any) -> bool:
    if value is _DROP:
        return True
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


VALUES = st.one_of(JSON_VALUES, HOSTILE_TEXT, st.just(_DROP), st.just([[[[DEEP]]]]))


@BOUNDED
@given(
    meeting_key=st.sampled_from(MEETING_KEYS),
    meeting_value=VALUES,
    payload_key=st.sampled_from(PAYLOAD_KEYS),
    payload_value=VALUES,
)
def test_hostile_payloads_never_raise(
    meeting_key: str, meeting_value: Any, payload_key: str, payload_value: Any
) -> None:
    """A meeting object and an enrichment payload with a hostile value: records, no raise."""
    if meeting_key == "uuid" and not isinstance(meeting_value, str):
        meeting_value = "../../x//y=="  # the source keys units by a string uuid, never another type
    # payloads reach the transformer decoded by msgspec, which refuses lone surrogates (the
    # HTTP tests send them as escapes); here they would only test this test's own encoder
    assume(_encodable(meeting_value) and _encodable(payload_value))
    # a topic that is not a string is its own test below
    assume(meeting_key != "topic" or meeting_value is None or isinstance(meeting_value, str | int))
    meeting = _replace(load("meeting.json"), meeting_key, meeting_value)
    payloads = _replace(load("payloads.json"), payload_key, payload_value)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            unit = make_unit(Path(tmp), meeting, payloads)
        except (KeyError, TypeError, AttributeError):
            return  # the fixture builder itself needs uuid and archive_files: not our input
        records = build_records(unit)
    _assert_clear(records)
    assert records, "a meeting always yields records"


@pytest.mark.parametrize("topic", [["Q3"], {"a": 1}, True, 1.5])
def test_a_meeting_topic_of_the_wrong_type_still_yields_records(topic: Any) -> None:
    """build_records promises never to raise for what the unit holds."""
    meeting = load("meeting.json")
    meeting["topic"] = topic
    with tempfile.TemporaryDirectory() as tmp:
        records = build_records(make_unit(Path(tmp), meeting))
    _assert_clear(records)
    assert [r.kind for r in records].count("meeting") == 1
