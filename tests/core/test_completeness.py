"""The fate of each listed item, from a real state store written through ``State``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.cli_completeness import render_text
from core.completeness import Report, open_readonly, reconcile
from core.errors import StateError
from core.protocols import Gap, InventoryItem, Receipt, SpooledFile, Unit
from core.state import State

SOURCE = "src"


def _unit(key: str, files: list[str], gaps: list[Gap] | None = None, version: str = "1") -> Unit:
    parts = [
        SpooledFile(file_id=f, path="", sha256=f"{i:064x}", size=1, media_type="text/plain")
        for i, f in enumerate(files)
    ]
    return Unit(source=SOURCE, platform="p", key=key, version=version, files=parts, gaps=gaps or [])


def _commit(state: State, unit: Unit) -> int:
    state.begin(unit.source, unit.key)
    state.commit(unit, [Receipt(sink="a", record_ids=[unit.key])], [unit.key], None)
    return state.ledger_entries()[-1].seq


@pytest.fixture
def state(tmp_path: Path):
    state = State(tmp_path)
    yield state
    state.close()


def _fates(tmp_path: Path, items: list[InventoryItem]) -> dict[tuple[str, str], tuple]:
    db = open_readonly(tmp_path)
    try:
        report = reconcile(db, SOURCE, items)
    finally:
        db.close()
    return {(e.key, e.file_id or e.label): (e.fate, e.ledger_seq, e.detail) for e in report.entries}


def test_each_fate(tmp_path: Path, state: State) -> None:
    """committed (with its entry), gap, excluded, processing, failed at the source,
    dead-lettered, retrying and unaccounted (never seen, new since the commit, never
    committed) are told apart."""
    refused = Gap(part="GET /lookup", reason="HTTP 400")
    missing = Gap(part="attachment a2 (x.pdf)", reason="download refused", kind="file")
    seq = _commit(state, _unit("m1", ["f1", "a1"], [refused, missing]))
    dead = _unit("m2", ["g1"])
    state.dead_letter(dead, "bad payload", 3)
    state.record_failure(SOURCE, "m3", "1", "timeout")
    state.begin(SOURCE, "m4")  # a capture that never finished
    items = [
        InventoryItem(key="m1"),
        InventoryItem(key="m1", file_id="f1"),
        InventoryItem(key="m1", file_id="a1"),
        InventoryItem(key="m1", file_id="a2"),
        InventoryItem(key="m1", file_id="v1", selected=False),
        InventoryItem(key="m1", file_id="f9"),  # listed after the commit
        InventoryItem(key="m2", file_id="g1"),
        InventoryItem(key="m3"),
        InventoryItem(key="m4"),
        InventoryItem(key="m5", status="processing"),
        InventoryItem(key="m5", file_id="h1", status="failed"),
        InventoryItem(key="m6"),
    ]
    fates = _fates(tmp_path, items)
    assert fates[("m1", "")][:2] == ("committed", seq)
    assert fates[("m1", "f1")][:2] == fates[("m1", "a1")][:2] == ("committed", seq)
    assert fates[("m1", "a2")][0] == "gap" and "download refused" in fates[("m1", "a2")][2]
    assert fates[("m1", "GET /lookup")] == ("gap", None, "HTTP 400")  # the refused lookup
    assert fates[("m1", "v1")][0] == "excluded"
    assert fates[("m1", "f9")][0] == "unaccounted" and f"entry {seq}" in fates[("m1", "f9")][2]
    assert fates[("m2", "g1")][0] == "dead_lettered" and "bad payload" in fates[("m2", "g1")][2]
    assert fates[("m3", "")][0] == "retrying" and "timeout" in fates[("m3", "")][2]
    assert fates[("m4", "")][0] == "unaccounted" and "never committed" in fates[("m4", "")][2]
    assert fates[("m5", "")][0] == "processing"
    assert fates[("m5", "h1")][0] == "failed_at_source"
    assert fates[("m6", "")] == ("unaccounted", None, "never captured")


def test_a_later_dead_letter_keeps_what_an_earlier_version_committed(tmp_path, state) -> None:
    """Files of the committed version stay committed; the new one is dead-lettered."""
    seq = _commit(state, _unit("m1", ["f1"]))
    state.dead_letter(_unit("m1", ["f1", "f2"], version="2"), "poison", 1)
    fates = _fates(
        tmp_path, [InventoryItem(key="m1", file_id="f1"), InventoryItem(key="m1", file_id="f2")]
    )
    assert fates[("m1", "f1")][:2] == ("committed", seq)
    assert fates[("m1", "f2")][0] == "dead_lettered"


def test_a_committed_unit_whose_records_are_not_derived_says_so(tmp_path, state) -> None:
    """Custody decides the fate; a derivation that did not succeed is named beside it."""
    seq = _commit(state, _unit("m1", ["f1"]))
    state.db.execute("UPDATE units SET derive_status='dead' WHERE key='m1'")
    fates = _fates(tmp_path, [InventoryItem(key="m1"), InventoryItem(key="m1", file_id="f1")])
    assert fates[("m1", "")] == ("committed", seq, "archived; its records: derivation dead")
    assert fates[("m1", "f1")] == ("committed", seq, "")


def test_a_commit_missing_from_the_ledger_is_unaccounted(tmp_path, state) -> None:
    """The state says committed but no ledger entry does: custody is not proven."""
    _commit(state, _unit("m1", ["f1"]))
    state.db.execute("DELETE FROM ledger")
    fates = _fates(tmp_path, [InventoryItem(key="m1"), InventoryItem(key="m1", file_id="f1")])
    assert fates[("m1", "")] == fates[("m1", "f1")]
    assert fates[("m1", "")] == (
        "unaccounted",
        None,
        "committed in the state store but in no ledger entry",
    )


def test_the_state_store_is_opened_read_only(tmp_path: Path, state: State) -> None:
    """No write goes through; a directory without a state store is one clear error."""
    _commit(state, _unit("m1", ["f1"]))
    db = open_readonly(tmp_path)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        db.execute("DELETE FROM units")
    db.close()
    with pytest.raises(StateError, match="no state database"):
        open_readonly(tmp_path / "elsewhere")


def test_a_report_over_no_source_is_never_complete() -> None:
    """With no source enabled nothing was listed: the report must not claim completeness."""
    report = Report(generated_at="2026-12-02T00:00:00Z", start=None, end=None, ledger_seq=0)
    assert not report.complete()
    assert "INCOMPLETE: no source is enabled" in render_text(report)
