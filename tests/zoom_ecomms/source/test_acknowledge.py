"""Auto-delete and delete mode: tagging is decided per file (a verified file a custody
receipt lists); deleting the whole meeting needs every listed file and attachment committed
and no file gap."""

from __future__ import annotations

from pathlib import Path

import msgspec

from core.protocols import Failure, Gap, Receipt
from tests.zoom_ecomms.source.conftest import parts

SKIPPED = "no sink receipt lists the file's SHA-256"


def test_no_tagging_when_auto_delete_is_off(zoom_simulator, make_source, stored_receipt):
    source = make_source(zoom_simulator)
    units = list(source.pull(None))
    assert any(parts(unit) for unit in units)
    for unit in units:
        assert source.acknowledge(unit, [stored_receipt(unit)]) == []
    assert zoom_simulator.inspect()["tagged_for_deletion"] == []


def test_tags_exactly_the_committed_files(zoom_simulator, make_source, stored_receipt):
    source = make_source(zoom_simulator, auto_delete=True)
    committed = []
    for unit in source.pull(None):
        actions = source.acknowledge(unit, [stored_receipt(unit)])
        committed += [f.file_id for f in parts(unit)]
        assert [a["status"] for a in actions] == [204] * len(parts(unit))
        assert not any(Path(f.path).exists() for f in unit.files)  # the spool is dropped
    assert committed
    assert sorted(zoom_simulator.inspect()["tagged_for_deletion"]) == sorted(committed)


def test_nothing_tagged_for_failed_units_or_unstored_files(zoom_simulator, make_source):
    source = make_source(zoom_simulator, auto_delete=True)
    units = [u for u in source.pull(None) if len(parts(u)) > 1]
    first, second = units[0], units[1]
    first.failure = Failure(message="sink refused", transient=False)
    everything = Receipt(sink="x", record_ids=[], artifacts=[f.sha256 for f in first.files])
    assert source.acknowledge(first, [everything]) == []  # a failed unit releases nothing
    keep = parts(second)[0]
    stored = [f.sha256 for f in second.files if f is not keep]
    actions = source.acknowledge(second, [Receipt(sink="s", record_ids=[], artifacts=stored)])
    assert {"action": "auto_delete_skipped", "file_id": keep.file_id, "reason": SKIPPED} in actions
    tagged = zoom_simulator.inspect()["tagged_for_deletion"]
    assert keep.file_id not in tagged
    assert not {f.file_id for f in first.files} & set(tagged)
    assert {f.file_id for f in parts(second)} - {keep.file_id} <= set(tagged)


def test_files_of_a_unit_with_gaps_are_tagged_but_the_meeting_is_not_deleted(
    zoom_simulator, make_source, stored_receipt
):
    """The rule of docs/zoom.md §6: tagging is per file, deletion needs everything."""
    source = make_source(zoom_simulator, auto_delete=True, delete_mode=True, media="video")
    units = list(source.pull(None))
    gapped = next(u for u in units if any(g.kind == "file" for g in u.gaps))
    actions = source.acknowledge(gapped, [stored_receipt(gapped)])
    tags = {a["file_id"] for a in actions if a["action"] == "auto_delete"}
    assert tags == {f.file_id for f in parts(gapped)} and tags
    assert actions[-1]["action"] == "delete_archive_files"
    assert actions[-1]["status"] == "skipped"
    clean = [u for u in units if not [g for g in u.gaps if g.kind == "file"]]
    # a file gap alone (an attachment that did not download) keeps the meeting at Zoom ...
    clean[0].gaps.append(Gap(part="attachment a1 (deck.pdf)", reason="HTTP 503", kind="file"))
    delete = source.acknowledge(clean[0], [stored_receipt(clean[0])])[-1]
    assert delete["status"] == "skipped" and "attachment a1" in delete["reason"]
    # ... while a lookup gap (an optional enrichment) blocks nothing
    clean[1].gaps.append(Gap(part="GET /report/meetings/{uuid}/participants", reason="HTTP 400"))
    assert all(g.kind == "lookup" for g in clean[1].gaps)
    assert source.acknowledge(clean[1], [stored_receipt(clean[1])])[-1]["status"] == 204
    assert set(zoom_simulator.inspect()["deleted"]) == {clean[1].key}


def test_delete_mode_needs_every_attachment_committed(zoom_simulator, make_source, stored_receipt):
    source = make_source(zoom_simulator, delete_mode=True, media="video")
    unit = next(u for u in source.pull(None) if not [g for g in u.gaps if g.kind == "file"])
    snapshot = msgspec.json.encode(unit)
    unit.meta["attachment_ids"] = ["deck-7"]  # Zoom listed a chat attachment not committed
    action = source.acknowledge(unit, [stored_receipt(unit)])[-1]
    assert action["status"] == "skipped" and "deck-7" in action["reason"]
    assert zoom_simulator.inspect()["deleted"] == []
    unit = msgspec.json.decode(snapshot, type=type(unit))
    assert source.acknowledge(unit, [stored_receipt(unit)])[-1]["status"] == 204


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
            assert not [g for g in unit.gaps if g.kind == "file"]
            deleted.add(unit.key)
    assert set(zoom_simulator.inspect()["deleted"]) == deleted
    assert deleted
