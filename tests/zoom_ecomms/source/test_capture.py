"""Capturing a simulated account through ZoomSource: complete, verified, selected exactly."""

from __future__ import annotations

import json
from urllib.parse import quote

from core.protocols import Unit


def by_key(units: list[Unit]) -> dict[str, Unit]:
    return {u.key: u for u in units}


def test_every_completed_meeting_is_captured_and_verified(
    zoom_simulator, make_source, file_digest, listed_meetings
):
    source = make_source(zoom_simulator)
    units = list(source.pull(None))
    assert units and all(u.failure is None for u in units)
    assert len({u.key for u in units}) == len(units)
    expected = {
        uuid for uuid, m in listed_meetings(zoom_simulator).items() if m["status"] == "completed"
    }
    assert {u.key for u in units} == expected
    for unit in units:
        assert unit.platform == "zoom" and unit.source == "zoom_ecomms"
        for spooled in unit.files:
            assert file_digest(spooled.path) == spooled.sha256
            assert spooled.sha256 == spooled.meta["encryption_fingerprint"]
            assert spooled.size == spooled.meta["file_size"]
            assert spooled.name == f"{spooled.file_id}.{spooled.meta['file_extension'].lower()}"


def test_processing_meeting_waits_and_holds_the_checkpoint(zoom_simulator, make_source):
    source = make_source(zoom_simulator)
    first = list(source.pull(None))
    processing = set(zoom_simulator.inspect()["processing"])
    assert processing and not processing & {u.key for u in first}
    resume = first[-1].checkpoint
    zoom_simulator.complete_processing()
    again = by_key(source.pull(resume))
    assert processing <= set(again)
    assert all(again[k].failure is None for k in processing)


def test_failed_file_is_a_reported_gap(zoom_simulator, make_source):
    units = list(make_source(zoom_simulator).pull(None))
    gapped = [u for u in units if u.gaps]
    assert gapped
    for unit in gapped:
        failed = [f for f in unit.payloads["meeting"]["archive_files"] if f["status"] == "failed"]
        assert len(unit.gaps) == len(failed)
        assert all(f"file {f['id']}" in " ".join(g.part for g in unit.gaps) for f in failed)
        assert {f["id"] for f in failed}.isdisjoint({s.file_id for s in unit.files})


def test_payloads_follow_the_unit_contract(zoom_simulator, make_source):
    units = list(make_source(zoom_simulator).pull(None))
    kinds = {}
    for unit in units:
        meeting = unit.payloads["meeting"]
        if meeting["meeting_type"] == "external":
            kinds["external"] = unit
        elif meeting["is_breakout_room"]:
            kinds["breakout"] = unit
        elif meeting["type"] in (5, 6, 9):
            kinds["webinar"] = unit
        else:
            kinds.setdefault("internal", unit)
    assert set(kinds) == {"external", "breakout", "webinar", "internal"}
    external = kinds["external"]
    assert "past_meeting" not in external.payloads and "host" not in external.payloads
    assert external.title == "" and "topic" not in external.payloads["meeting"]
    internal = kinds["internal"].payloads
    assert internal["host"]["id"] == internal["meeting"]["host_id"]
    assert internal["participants"] and internal["report_participants"]
    assert all("optional_archiving" in p for p in internal["dashboard_participants"])
    assert "panelists" in kinds["webinar"].payloads
    parent = kinds["breakout"].payloads["meeting"]["parent_meeting_id"]
    assert parent in {u.key for u in units}


def test_selection_is_honoured_exactly(zoom_simulator, make_source):
    units = list(make_source(zoom_simulator, media="none", content=["chat", "qa"]).pull(None))
    types = {f.meta["file_type"] for u in units for f in u.files}
    assert types and types <= {"CHAT", "CHAT_MESSAGE"}
    assert all(
        f["file_type"] in ("CHAT", "CHAT_MESSAGE")
        for u in units
        for f in u.payloads["meeting"]["archive_files"]
    )
    keys = {k for u in units for k in u.payloads}
    assert not keys & {"poll_definitions", "poll_results", "summary", "survey_report"}
    assert "qa" in keys


def test_transcripts_and_media_when_enabled(zoom_simulator, make_source):
    units = list(make_source(zoom_simulator, media="audio").pull(None))
    types = {f.meta["file_type"] for u in units for f in u.files}
    assert "M4A" in types and "MP4" not in types
    assert "TRANSCRIPT" in types


def test_uuids_are_double_encoded_in_paths(zoom_simulator, make_source):
    units = list(make_source(zoom_simulator).pull(None))
    slashed = next(u.key for u in units if u.key.startswith("/") or "//" in u.key)
    paths = [r.get("path", "") for r in zoom_simulator.inspect()["requests"]]
    encoded = quote(quote(slashed, safe=""), safe="")
    assert any(encoded in p or slashed in p for p in paths)
    assert not any(p.startswith(f"/v2/past_meetings/{slashed}") for p in paths)


def test_versions_are_deterministic_and_checkpoints_readable(zoom_simulator, make_source):
    source = make_source(zoom_simulator)
    first = [(u.key, u.version) for u in source.pull(None)]
    again = [(u.key, u.version) for u in source.pull(None)]
    assert first == again
    assert all(json.loads(u.checkpoint)["from"].endswith("Z") for u in source.pull(None))
