"""Delete mode decides from the unit itself, so an acknowledgement after a restart (from the
unit's stored snapshot, by a new source instance) deletes exactly what a live one would:
a meeting's archives only when every file Zoom listed for it was committed."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

from core.app import App
from core.plugins import build_host
from core.protocols import Receipt, Unit
from tests.fixtures.zoom_simulator import zoom_source_toml
from tests.zoom_ecomms.source.conftest import parts


def listed_files(listed_meetings, sim) -> dict[str, dict[str, str]]:
    """What Zoom lists: meeting UUID -> {file id: fingerprint}."""
    return {
        uuid: {f["id"]: f["encryption_fingerprint"] for f in m["archive_files"]}
        for uuid, m in listed_meetings(sim).items()
    }


def test_snapshot_acknowledged_by_a_new_instance_deletes_the_same_way(
    zoom_simulator, make_source, stored_receipt, listed_meetings
):
    listing = listed_files(listed_meetings, zoom_simulator)
    before = make_source(zoom_simulator, media="audio", delete_mode=True)
    snapshots = [msgspec.json.encode(unit) for unit in before.pull(None)]
    before.close()  # the process "dies": nothing of the first instance is left in memory
    after = make_source(zoom_simulator, name="zoom_ecomms", media="audio", delete_mode=True)
    deleted, kept = set(), set()
    for snapshot in snapshots:
        unit = msgspec.json.decode(snapshot, type=Unit)
        action = after.acknowledge(unit, [stored_receipt(unit)])[-1]
        assert action["action"] == "delete_archive_files"
        (deleted if action["status"] == 204 else kept).add(unit.key)
        stored = {f.file_id for f in parts(unit)}
        file_gaps = [g for g in unit.gaps if g.kind == "file"]
        everything_committed = set(listing[unit.key]) <= stored and not file_gaps
        assert (action["status"] == 204) == everything_committed, action
    assert deleted and kept  # MP4 files are not selected with media = "audio"
    assert set(zoom_simulator.inspect()["deleted"]) == deleted


def test_missing_receipt_for_one_file_keeps_the_meeting(zoom_simulator, make_source):
    source = make_source(zoom_simulator, media="audio", delete_mode=True)
    units = [msgspec.json.decode(msgspec.json.encode(u), type=Unit) for u in source.pull(None)]
    complete = [u for u in units if parts(u) and set(u.meta["listed_file_ids"]) == _file_ids(u)]
    assert complete
    unit = complete[0]
    missing = parts(unit)[0]
    stored = [f.sha256 for f in unit.files if f is not missing]
    action = source.acknowledge(unit, [Receipt(sink="s", record_ids=[], artifacts=stored)])[-1]
    assert action["status"] == "skipped"
    assert missing.file_id in action["reason"]
    assert zoom_simulator.inspect()["deleted"] == []


def _file_ids(unit: Unit) -> set[str]:
    return {f.file_id for f in parts(unit)}


def test_units_committed_before_the_upgrade_are_decided_the_same_way(
    zoom_simulator, make_source, stored_receipt
):
    """A snapshot stored by the previous version keeps the listed ids in its payloads."""
    source = make_source(zoom_simulator, media="video", delete_mode=True)
    unit = next(u for u in source.pull(None) if not u.gaps and parts(u))
    old = msgspec.structs.replace(
        unit, meta={}, payloads={"archive_file_ids": unit.meta["listed_file_ids"]}
    )
    assert source.acknowledge(old, [stored_receipt(old)])[-1]["status"] == 204


def _config(tmp_path: Path, sim) -> Path:
    source = zoom_source_toml(sim, media="audio", delete_mode=True, max_attempts=1, workers=1)
    path = tmp_path / "ecomms.toml"
    path.write_text('[ecomms]\nstate_dir = ".ecomms"\n' + source + "[sinks.fake_sink]\n")
    return path


def test_pipeline_acknowledges_after_restart_from_the_snapshot(
    tmp_path, zoom_simulator, listed_meetings
):
    sim = zoom_simulator
    env = dict(
        os.environ, ECOMMS_EXTRA_PLUGINS="core.testing", ZOOM_CLIENT_SECRET=sim.client_secret
    )
    config = _config(tmp_path, sim)
    listing = listed_files(listed_meetings, sim)
    first = App(build_host(env), config, env)
    source, pipeline = first.components.sources["zoom_ecomms"], first.pipeline()
    units = list(source.pull(None))
    sim.set_faults(["5xx:1.0"])  # Zoom fails every call after the commits: no acknowledgement
    assert {pipeline.process(source, unit) for unit in units} == {"committed"}
    assert sim.inspect()["deleted"] == []
    blobs = tmp_path / ".ecomms" / "fake-sink-fake_sink" / "blobs"
    stored = {p.name for p in blobs.iterdir()}
    expected = {uuid for uuid, files in listing.items() if set(files.values()) <= stored}
    assert expected and expected != set(listing)
    # only the meetings whose DELETE failed wait for an acknowledgement
    assert {unit.key for unit, _ in first.state.unacked("zoom_ecomms")} == expected
    first.close()

    sim.set_faults([])
    second = App(build_host(env), config, env)  # a new process: only the state on disk
    second.run(once=True, only=[])
    assert second.state.unacked("zoom_ecomms") == []
    second.close()
    assert set(sim.inspect()["deleted"]) == expected
