"""Capturing a simulated account through ZoomSource: complete, verified, selected exactly,
every vendor answer kept byte for byte as a part of the unit."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

from core.protocols import Unit
from plugins.zoom_ecomms.checkpoint import ZoomCheckpoint
from tests.zoom_ecomms.source.conftest import meeting, parts, payload, responses


def by_key(units: list[Unit]) -> dict[str, Unit]:
    return {u.key: u for u in units}


def test_every_completed_meeting_is_captured_and_verified(
    zoom_simulator, make_source, file_digest, listed_meetings
):
    source = make_source(zoom_simulator)
    units = list(source.pull(None))
    assert units and all(u.failure is None for u in units)
    assert len({u.key for u in units}) == len(units)
    listed = listed_meetings(zoom_simulator)
    assert {u.key for u in units} == {k for k, m in listed.items() if m["status"] == "completed"}
    for unit in units:
        assert unit.platform == "zoom" and unit.source == "zoom_ecomms" and unit.payloads == {}
        for spooled in unit.files:
            assert file_digest(spooled.path) == spooled.sha256
            assert Path(spooled.path).stat().st_size == spooled.size
        for spooled in parts(unit):
            assert spooled.fingerprint == "source"
            assert spooled.sha256 == spooled.meta["encryption_fingerprint"]
            assert spooled.size == spooled.meta["file_size"]
            assert spooled.name == f"{spooled.file_id}.{spooled.meta['file_extension'].lower()}"
        assert meeting(unit)["uuid"] == unit.key
        assert meeting(unit)["archive_files"] == listed[unit.key]["archive_files"]


def test_each_answer_is_a_response_part_byte_for_byte(zoom_simulator, make_source):
    units = list(make_source(zoom_simulator).pull(None))
    internal = next(u for u in units if meeting(u)["meeting_type"] == "internal")
    pages = responses(internal, "participants")
    assert pages and [p.meta["page"] for p in pages] == list(range(1, len(pages) + 1))
    for part in parts(internal, "response"):
        assert part.fingerprint == "computed" and part.media_type == "application/json"
        assert {"payload", "endpoint", "page", "status", "content_type"} <= set(part.meta)
        assert part.sha256 == hashlib.sha256(Path(part.path).read_bytes()).hexdigest()
    endpoints = {p.meta["payload"]: p.meta["endpoint"] for p in parts(internal, "response")}
    assert endpoints["meeting"] == "GET /archive_files"
    assert endpoints["participants"] == "GET /past_meetings/{uuid}/participants"
    assert endpoints["dashboard_participants"] == "GET /metrics/meetings/{uuid}/participants"
    assert len({p.file_id for p in internal.files}) == len(internal.files)


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
    gapped = [u for u in units if any(g.kind == "file" for g in u.gaps)]
    assert gapped
    for unit in gapped:
        failed = [f for f in meeting(unit)["archive_files"] if f["status"] == "failed"]
        file_gaps = [g for g in unit.gaps if g.kind == "file"]
        assert len(file_gaps) == len(failed)
        assert all(f"file {f['id']}" in " ".join(g.part for g in file_gaps) for f in failed)
        assert all(g.reason == "failed at Zoom" and g.retry_until is None for g in file_gaps)
        assert {f["id"] for f in failed}.isdisjoint({s.file_id for s in parts(unit)})


def test_enrichment_follows_the_unit_contract(zoom_simulator, make_source):
    units = list(make_source(zoom_simulator).pull(None))
    kinds: dict[str, Unit] = {}
    for unit in units:
        m = meeting(unit)
        if m["meeting_type"] == "external":
            kinds["external"] = unit
        elif m["is_breakout_room"]:
            kinds["breakout"] = unit
        elif m["type"] in (5, 6, 9):
            kinds["webinar"] = unit
        else:
            kinds.setdefault("internal", unit)
    assert set(kinds) == {"external", "breakout", "webinar", "internal"}
    external = kinds["external"]
    assert payload(external, "host") is None and external.title == ""
    assert "topic" not in meeting(external)
    internal = kinds["internal"]
    assert payload(internal, "host")["id"] == meeting(internal)["host_id"]
    assert payload(internal, "participants") and payload(internal, "report_participants")
    assert all("optional_archiving" in p for p in payload(internal, "dashboard_participants"))
    assert payload(kinds["webinar"], "panelists") is not None
    parent = meeting(kinds["breakout"])["parent_meeting_id"]
    assert parent in {u.key for u in units}
    assert kinds["internal"].meta["listed_file_ids"] == [
        f["id"] for f in meeting(kinds["internal"])["archive_files"]
    ]


def test_webinars_use_documented_endpoints_only(zoom_simulator, make_source):
    units = list(make_source(zoom_simulator).pull(None))
    webinar = next(u for u in units if meeting(u)["type"] in (5, 6, 9))
    paths = [r["path"] for r in zoom_simulator.inspect()["requests"]]
    encoded = quote(quote(webinar.key, safe=""), safe="")
    assert f"/v2/past_webinars/{encoded}" not in paths  # no such endpoint at Zoom
    assert f"/v2/meetings/{encoded}/meeting_summary" in paths  # webinars have summaries too
    assert payload(webinar, "past_meeting") is None
    assert "GET /past_webinars/{uuid}" not in {g.part for g in webinar.gaps}


def test_selection_is_honoured_exactly(zoom_simulator, make_source):
    units = list(make_source(zoom_simulator, media="none", content=["chat", "qa"]).pull(None))
    types = {f.meta["file_type"] for u in units for f in parts(u)}
    assert types and types <= {"CHAT", "CHAT_MESSAGE"}
    names = {p.meta["payload"] for u in units for p in parts(u, "response")}
    assert not names & {"poll_definitions", "poll_results", "summary", "survey_report"}
    assert "qa" in names
    assert all(set(u.meta["selected_file_ids"]) == {f.file_id for f in parts(u)} or u.gaps
               for u in units)  # fmt: skip


def test_transcripts_and_media_when_enabled(zoom_simulator, make_source):
    units = list(make_source(zoom_simulator, media="audio").pull(None))
    types = {f.meta["file_type"] for u in units for f in parts(u)}
    assert "M4A" in types and "MP4" not in types
    assert "TRANSCRIPT" in types


def test_uuids_are_double_encoded_in_paths(zoom_simulator, make_source):
    units = list(make_source(zoom_simulator).pull(None))
    slashed = next(u.key for u in units if u.key.startswith("/") or "//" in u.key)
    paths = [r.get("path", "") for r in zoom_simulator.inspect()["requests"]]
    encoded = quote(quote(slashed, safe=""), safe="")
    assert any(encoded in p or slashed in p for p in paths)
    assert not any(p.startswith(f"/v2/past_meetings/{slashed}") for p in paths)


def test_versions_come_from_the_listing_and_checkpoints_are_readable(zoom_simulator, make_source):
    source = make_source(zoom_simulator)
    first = [(u.key, u.version) for u in source.pull(None)]
    again = [(u.key, u.version) for u in source.pull(None)]
    assert first == again
    for unit in source.pull(None):
        assert unit.checkpoint.startswith('{"from":"') and unit.checkpoint.endswith('Z"}')
        assert ZoomCheckpoint.parse(unit.checkpoint).from_.tzinfo is not None
    other = [(u.key, u.version) for u in make_source(zoom_simulator, media="none").pull(None)]
    assert dict(other) != dict(first)  # a different selection is a different version
