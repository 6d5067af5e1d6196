'''The state database's schema version: older databases migrate, newer ones are refused.

``tests/fixtures/state_v1.db`` was made by the code as it was before schema versions existed
(``user_version`` 0), from the repository root, with::

    import sqlite3, tempfile
    from pathlib import Path
    from tests.core.hosthelp import build

    CONFIG = """
    [ecomms]
    max_attempts = 1
    [sources.fake]
    units = 3
    files = 1
    file_size = 64
    fail = { u0002 = "malformed" }
    gaps = { u0003 = ["file f9 (MP4): processing"] }
    [sinks.a]
    plugin = "fake_sink"
    """
    tmp = Path(tempfile.mkdtemp())
    built = build(tmp, CONFIG)
    built.pipeline.run_pass()
    built.close()
    con = sqlite3.connect(next(tmp.rglob("state.db")))
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("VACUUM INTO 'tests/fixtures/state_v1.db'")

It holds two committed units (one with a file gap), one dead letter and five ledger entries.
'''

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from core.errors import StateError
from core.migrations import SCHEMA_VERSION
from core.state import State

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "state_v1.db"


def _copy(tmp_path: Path) -> Path:
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    shutil.copyfile(FIXTURE, state_dir / "state.db")
    return state_dir


def _rows(path: Path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(path)
    try:
        queries = {
            "units": "SELECT source, key, status, attempts, gaps FROM units",
            "dead_letters": "SELECT id, key, error, snapshot FROM dead_letters",
            "ledger": "SELECT * FROM ledger ORDER BY seq",
            "checkpoints": "SELECT source, value FROM checkpoints",
        }
        return {name: db.execute(sql).fetchall() for name, sql in queries.items()}
    finally:
        db.close()


def test_database_of_the_first_releases_migrates_keeping_every_row(tmp_path: Path) -> None:
    """Opening the v1 fixture migrates it; units, dead letters, ledger and checkpoint remain."""
    state_dir = _copy(tmp_path)
    before = _rows(state_dir / "state.db")
    state = State(state_dir)
    try:
        assert state.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert _rows(state_dir / "state.db") == before
        assert state.verify_ledger() == (5, [])
        assert state.unit("fake", "u0001").status == "committed"
        assert state.unit("fake", "u0001").derive_status == "ok"  # derived when committed
        assert state.derive_due("fake") == []
        assert [g.line() for g in state.unit("fake", "u0003").gaps] == ["file f9 (MP4): processing"]
        [dead] = state.dead_letters()
        assert dead.key == "u0002" and dead.unit().key == "u0002" and dead.stage == "capture"
        assert state.checkpoint("fake") == "3"
        state.append_event("legal_hold", "fake", "u0001", {"hold": "case-1"})
        assert state.verify_ledger() == (6, [])
    finally:
        state.close()
    again = State(state_dir)  # a migrated database opens as it is
    try:
        assert again.verify_ledger() == (6, [])
    finally:
        again.close()


def test_database_of_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    """A database from a newer ecomms is refused with one line and left unchanged."""
    state_dir = _copy(tmp_path)
    db = sqlite3.connect(state_dir / "state.db")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = (state_dir / "state.db").read_bytes()
    with pytest.raises(StateError) as caught:
        State(state_dir)
    line = caught.value.one_line()
    assert "newer than this ecomms knows" in line and "upgrade ecomms" in line
    assert "\n" not in line
    assert (state_dir / "state.db").read_bytes() == before


def test_new_database_starts_at_the_current_version(tmp_path: Path) -> None:
    """A new state directory gets the current schema version."""
    state = State(tmp_path / "fresh")
    try:
        assert state.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert state.checkpoint("fake") is None
    finally:
        state.close()
