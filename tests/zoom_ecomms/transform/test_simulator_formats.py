"""The simulator, the source and the transformer agree on Zoom's formats: every unit the
source captures from a running simulator becomes complete records."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import msgspec
import pytest
from ecomms_zoom_simulator.chat_txt import STRAY_LINE

from core.protocols import Context, Unit
from core.records import ChatRecord, record_id
from plugins.zoom_ecomms.source import ZoomSource
from plugins.zoom_ecomms.transform import ATTRIBUTES, build_records
from tests.fixtures.zoom_simulator import zoom_source_config


@contextmanager
def captured(sim, tmp_path: Path) -> Iterator[list[Unit]]:
    """Every unit the source captures from ``sim`` (spooled files live until the end)."""
    sim.complete_processing()
    config = zoom_source_config(sim, media="video")
    context = Context(
        name="zoom_ecomms", state_dir=tmp_path / "state", spool_dir=tmp_path / "spool"
    )
    source = ZoomSource(config, context)
    try:
        units = [u for u in source.pull(None) if u.failure is None]
        assert units, "the simulated account yielded no unit"
        yield units
    finally:
        source.close()


@pytest.fixture
def units(zoom_simulator, tmp_path: Path) -> Iterator[list[Unit]]:
    with captured(zoom_simulator, tmp_path) as units:
        yield units


def _count(unit: Unit, file_type: str) -> int:
    return sum(int(f.meta.get("number_of_messages") or 0) for f in unit.files
               if f.meta.get("file_type") == file_type)  # fmt: skip


def test_every_captured_unit_builds_complete_records(units: list[Unit]) -> None:
    declared = {spec.name for spec in ATTRIBUTES}
    for unit in units:
        records = build_records(unit)
        meeting = records[0]
        assert meeting.kind == "meeting" and meeting.id == record_id(
            unit.source, unit.key, "meeting"
        )
        assert {a.file_id for a in meeting.artifacts} == {f.file_id for f in unit.files}
        for record in records:
            assert record.attributes["MeetingUUID"] == unit.key
            assert set(record.attributes) <= declared
        chats = [r for r in records if isinstance(r, ChatRecord)]
        json_messages = _count(unit, "CHAT_MESSAGE")
        if json_messages:
            placed = sum(len(t.messages) for t in chats[0].threads)
            assert placed == json_messages, unit.key
        listed = unit.meta["meeting"]  # the source's bookkeeping of the listed meeting
        if listed.get("is_breakout_room"):
            parent = listed["parent_meeting_id"]
            assert meeting.parent_id == record_id(unit.source, parent, "meeting")


def test_simulated_chat_features_are_all_understood(units: list[Unit]) -> None:
    actions: set[str] = set()
    thread_types: set[str] = set()
    speakers = 0
    for unit in units:
        for record in build_records(unit):
            if isinstance(record, ChatRecord):
                thread_types |= {t.type for t in record.threads}
                actions |= {m.action for t in record.threads for m in t.messages}
            if record.kind == "transcript":
                speakers += sum(1 for s in record.segments if s.speaker)
    assert {"message", "reply", "edit", "delete", "reaction", "feedback"} <= actions
    assert {"public", "private", "subgroup"} <= thread_types
    assert speakers > 0


def _txt_only_chats(units: list[Unit]) -> list[ChatRecord]:
    """The chat record of each unit's TXT chat alone, each with as many messages as Zoom
    counted and no error."""
    chats = []
    for unit in units:
        txt_only = msgspec.structs.replace(
            unit, files=[f for f in unit.files if f.meta.get("file_type") != "CHAT_MESSAGE"]
        )
        expected = _count(txt_only, "CHAT")
        if not expected:
            continue
        chat = next(r for r in build_records(txt_only) if isinstance(r, ChatRecord))
        assert sum(len(t.messages) for t in chat.threads) == expected, unit.key
        assert chat.errors == [], unit.key
        chats.append(chat)
    return chats


def test_txt_chat_of_each_unit_parses_alone(units: list[Unit]) -> None:
    assert _txt_only_chats(units)


def test_txt_chat_in_every_layout_zoom_writes(zoom_simulator_factory, tmp_path: Path) -> None:
    sim = zoom_simulator_factory(seed=7, meetings=8, plan="business", txt_layout="mix")
    with captured(sim, tmp_path) as units:
        chats = _txt_only_chats(units)  # one_line, two_spaces, next_line in turn
        assert len(chats) >= 3
        assert all(STRAY_LINE in chat.text for chat in chats)  # kept, never a failure
        actions = {m.action for chat in chats for t in chat.threads for m in t.messages}
        assert {"message", "reply", "reaction"} <= actions
        assert {"public", "private"} <= {t.type for chat in chats for t in chat.threads}
