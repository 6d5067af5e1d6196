"""Auto-delete and delete mode: only for verified files that a sink committed."""

from __future__ import annotations

from pathlib import Path

from core.protocols import Failure, Receipt


def test_no_tagging_when_auto_delete_is_off(zoom_simulator, make_source, stored_receipt):
    source = make_source(zoom_simulator)
    units = list(source.pull(None))
    assert any(unit.files for unit in units)
    for unit in units:
        assert source.acknowledge(unit, [stored_receipt(unit)]) == []
    assert zoom_simulator.inspect()["tagged_for_deletion"] == []


def test_tags_exactly_the_committed_files(zoom_simulator, make_source, stored_receipt):
    source = make_source(zoom_simulator, auto_delete=True)
    committed = []
    for unit in source.pull(None):
        actions = source.acknowledge(unit, [stored_receipt(unit)])
        committed += [f.file_id for f in unit.files]
        assert [a["status"] for a in actions] == [204] * len(unit.files)
        assert not any(Path(f.path).exists() for f in unit.files)
    assert committed
    assert sorted(zoom_simulator.inspect()["tagged_for_deletion"]) == sorted(committed)


def test_nothing_tagged_for_failed_units_or_unstored_files(zoom_simulator, make_source):
    source = make_source(zoom_simulator, auto_delete=True)
    units = [u for u in source.pull(None) if u.files]
    first, second = units[0], units[1]
    first.failure = Failure(message="sink refused", transient=False)
    assert source.acknowledge(
        first, [Receipt(sink="x", record_ids=[], artifacts=[f.sha256 for f in first.files])]
    ) == [
        {
            "action": "auto_delete_skipped",
            "file_id": f.file_id,
            "reason": "no sink receipt lists the file's SHA-256",
        }
        for f in first.files
    ]
    keep = second.files[0]
    receipt = Receipt(
        sink="sqlite", record_ids=[second.key], artifacts=[f.sha256 for f in second.files[1:]]
    )
    actions = source.acknowledge(second, [receipt])
    assert {
        "action": "auto_delete_skipped",
        "file_id": keep.file_id,
        "reason": "no sink receipt lists the file's SHA-256",
    } in actions
    tagged = zoom_simulator.inspect()["tagged_for_deletion"]
    assert keep.file_id not in tagged
    assert not {f.file_id for f in first.files} & set(tagged)


def test_delete_mode_only_when_every_file_is_committed(zoom_simulator, make_source, stored_receipt):
    source = make_source(zoom_simulator, media="none", delete_mode=True)
    units = list(source.pull(None))
    deleted = set()
    for unit in units:
        action = source.acknowledge(unit, [stored_receipt(unit)])[-1]
        assert action["action"] == "delete_archive_files"
        if action["status"] == 204:
            deleted.add(unit.key)
    # media = "none": meetings with video/audio keep their archives at Zoom
    assert set(zoom_simulator.inspect()["deleted"]) == deleted and len(deleted) < len(units)
    full = make_source(zoom_simulator, name="full", media="video", delete_mode=True)
    for unit in full.pull(None):
        action = full.acknowledge(unit, [stored_receipt(unit)])[-1]
        if action["status"] == 204:
            assert not unit.gaps
            deleted.add(unit.key)
    assert set(zoom_simulator.inspect()["deleted"]) == deleted
    assert deleted
