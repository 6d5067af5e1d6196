"""Capture first, in-process: custody never waits for derivation; poison never blocks."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from core.errors import SinkUnavailable
from core.ledger import entries
from core.testing import read_acks
from tests.core.hosthelp import build

ENV = {"ECOMMS_EXTRA_PLUGINS": "core.testing,tests.core.poison_plugin"}

POISONED = """
[ecomms]
max_attempts = 2
sink_backoff = 0
[sources.fake]
units = 3
files = 1
[transformers.poison]
plugin = "poison_transformer"
keys = ["u0002"]
mode = "{mode}"
while_file = "{marker}"
[sinks.a]
plugin = "fake_sink"
"""


def _derived(sink, key: str) -> Counter[str]:
    """Copies of each derived (non-capture) record of unit ``key`` in a fake sink."""
    return Counter(
        r.id for r in sink.lines() if r.kind != "capture" and r.attributes.get("FakeUnitKey") == key
    )


def test_transformer_bug_never_holds_back_custody(tmp_path: Path) -> None:
    """A transformer that raises on one unit: every unit is archived and acknowledged; the
    broken derivation is retried from the archive, then dead-lettered with its archive
    intact; once fixed, `dlq retry` derives it from the archive."""
    marker = tmp_path / "broken"
    marker.touch()
    built = build(tmp_path, POISONED.format(mode="bug", marker=marker), ENV)
    first = built.pipeline.run_pass()
    assert first.outcomes["committed"] == ["fake/u0001", "fake/u0002", "fake/u0003"]
    assert first.derived == {"ok": ["fake/u0001", "fake/u0003"], "failed": ["fake/u0002"]}
    assert [a["key"] for a in read_acks(built.settings.state_dir)] == ["u0001", "u0002", "u0003"]
    assert built.state.checkpoint("fake") == "3"
    assert not _derived(built.sink("a"), "u0002")

    second = built.pipeline.run_pass()  # retried from the archive, spool long gone
    assert second.derived == {"dead": ["fake/u0002"]}
    assert second.outcomes == {}  # nothing new at the source
    [dead] = built.state.dead_letters()
    assert dead.stage == "derive" and dead.attempts == 2
    assert "ValueError: policy bug on u0002" in dead.error
    status = built.state.status("fake")
    assert status["committed"] == 3 and status["derivation"]["dead"] == 1
    assert status["derive_errors"][0]["key"] == "u0002"
    assert built.state.unit("fake", "u0002").status == "committed"
    [part] = [p for r in built.sink("a").lines() if r.kind == "capture" for p in r.parts][1:2]
    assert built.sink("a").fetch(part.sha256, tmp_path).stat().st_size == part.size
    assert built.pipeline.run_pass().derived == {}  # given up on: not retried every pass

    marker.unlink()
    assert built.pipeline.retry_dead_letters() == {dead.id: "committed"}
    assert built.state.dead_letters() == []
    assert built.state.unit("fake", "u0002").derive_status == "ok"
    assert set(_derived(built.sink("a"), "u0002").values()) == {1}
    assert len(_derived(built.sink("a"), "u0002")) == 3  # meeting + 2 chat records
    assert Counter(a["key"] for a in read_acks(built.settings.state_dir)) == {
        "u0001": 1,
        "u0002": 1,
        "u0003": 1,
    }
    derive = [e.payload() for e in entries(built.state.db) if e.event == "derive"]
    assert [(d["status"], d["reason"]) for d in derive][-1] == ("ok", "reprocess")
    built.close()


def test_records_with_derivation_errors_make_a_partial_derivation(tmp_path: Path) -> None:
    """Records carrying errors are stored; the unit's derivation is partial and says why."""
    built = build(tmp_path, POISONED.format(mode="errors", marker=""), ENV)
    report = built.pipeline.run_pass()
    assert report.derived == {"ok": ["fake/u0001", "fake/u0003"], "partial": ["fake/u0002"]}
    assert len(_derived(built.sink("a"), "u0002")) == 3
    [problem] = built.state.derive_problems()
    assert problem["key"] == "u0002" and problem["status"] == "partial"
    assert len(problem["errors"]) == 2 and "could not be parsed" in problem["errors"][0]
    assert built.state.status("fake")["derivation"]["partial"] == 1
    assert built.state.dead_letters() == []
    assert built.pipeline.run_pass().derived == {}  # partial is final until reprocessed
    built.close()


def test_terminal_derivation_error_is_dead_at_once_and_custody_stays(tmp_path: Path) -> None:
    """A PayloadError (terminal) is not retried: dead at once; the unit stays committed."""
    built = build(tmp_path, POISONED.format(mode="payload", marker=""), ENV)
    report = built.pipeline.run_pass()
    assert report.derived["dead"] == ["fake/u0002"]
    assert len(report.outcomes["committed"]) == 3
    [dead] = built.state.dead_letters()
    assert dead.stage == "derive" and "poisoned payload" in dead.error
    built.close()


POISON_UNIT = """
[ecomms]
max_attempts = 2
sink_backoff = 0
[sources.fake]
units = 4
files = 1
fail = { u0002 = "poison" }
[sinks.a]
plugin = "fake_sink"
"""


def test_poisoned_unit_is_dead_lettered_and_never_blocks_later_units(tmp_path: Path) -> None:
    """A unit no store can encode (a lone surrogate) counts its attempts like any failure:
    dead-lettered after max_attempts; every later unit is captured meanwhile."""
    built = build(tmp_path, POISON_UNIT, ENV)
    first = built.pipeline.run_pass()
    assert first.outcomes["committed"] == ["fake/u0001", "fake/u0003", "fake/u0004"]
    assert first.outcomes["failed"] == ["fake/u0002"]
    assert built.state.checkpoint("fake") == "1"  # held before the unit still retried
    second = built.pipeline.run_pass()
    assert second.outcomes["dead"] == ["fake/u0002"]
    assert built.state.checkpoint("fake") == "4"
    [dead] = built.state.dead_letters()
    assert dead.stage == "capture" and dead.attempts == 2
    assert "UnicodeEncodeError" in dead.error
    assert "\\udc80" in dead.unit().title  # kept, escaped
    assert built.state.verify_ledger()[1] == []
    built.close()


SQLITE_INDEX = """
[ecomms]
sink_retries = 0
[sources.fake]
units = 2
files = 1
units_file = "{units_file}"
[sinks.archive]
plugin = "filesystem"
path = "archive"
[sinks.search]
plugin = "sqlite"
path = "search.db"
timeout = 0.05
"""


def _indexed(path: Path) -> Counter[str]:
    db = sqlite3.connect(path)
    try:
        return Counter(row[0] for row in db.execute("SELECT id FROM records"))
    finally:
        db.close()


def test_search_store_down_custody_goes_on_and_derivation_follows(tmp_path: Path) -> None:
    """The sqlite store locked by another writer (the filesystem archive up): later units are
    still archived and
    acknowledged, the pass says records will be derived later; once it is back the next
    pass derives them from the archive: same record ids, one copy each."""
    units_file = tmp_path / "units"
    built = build(tmp_path, SQLITE_INDEX.format(units_file=units_file))
    built.pipeline.run_pass()
    search_db = tmp_path / "search.db"
    before = _indexed(search_db)
    assert len(before) == 2 * 3

    units_file.write_text("4")
    blocker = sqlite3.connect(search_db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    with pytest.raises(SinkUnavailable) as caught:
        built.pipeline.run_pass()
    line = caught.value.one_line()
    assert "sink search unavailable" in line and "derived on a later pass" in line
    report = caught.value.report
    assert report.outcomes["committed"] == ["fake/u0003", "fake/u0004"]
    assert report.derived == {"pending": ["fake/u0003", "fake/u0004"]}
    assert [a["key"] for a in read_acks(built.settings.state_dir)][2:] == ["u0003", "u0004"]
    assert built.state.checkpoint("fake") == "4"
    assert built.state.unit("fake", "u0004").attempts == 0  # the store's fault, not the unit's
    assert "derived on a later pass" in built.state.status("fake")["last_error"]
    blocker.execute("ROLLBACK")
    blocker.close()

    healed = built.pipeline.run_pass()
    assert healed.derived == {"ok": ["fake/u0003", "fake/u0004"]}
    indexed = _indexed(search_db)
    archive = built.components.sinks["archive"]
    archived = {r.id for r in archive.records() if r.kind != "capture"}
    assert set(indexed) == archived and len(indexed) == 4 * 3 and set(indexed.values()) == {1}
    versions = list((tmp_path / "archive" / "records").rglob("*.json"))
    assert len(versions) == 4 * 4 and all(p.name == "v000001.json" for p in versions)
    assert built.state.status("fake")["last_error"] == ""
    built.close()


REFILL = """
[ecomms]
sink_backoff = 0
[sources.fake]
units = 3
files = 1
lookups = {{ u0002 = ["GET /qa"] }}
lookups_while = "{marker}"
[sinks.a]
plugin = "fake_sink"
"""


def test_a_failed_lookup_is_refilled_by_a_later_pass(tmp_path: Path) -> None:
    """A unit committed with a retryable lookup gap: once the lookup answers, the next pass
    commits a new version of its capture record with the answer, derives it again and
    acknowledges it; nothing is asked again afterwards."""
    marker = tmp_path / "lookup-refused"
    marker.touch()
    built = build(tmp_path, REFILL.format(marker=marker))
    built.pipeline.run_pass()
    [gap] = built.state.unit("fake", "u0002").gaps
    assert gap.part == "GET /qa" and gap.retry_until is not None
    assert built.pipeline.run_pass().outcomes == {}  # refused still: nothing changes

    marker.unlink()
    report = built.pipeline.run_pass()
    assert report.outcomes == {"refilled": ["fake/u0002"]}
    assert report.derived == {"ok": ["fake/u0002"]}
    assert built.state.unit("fake", "u0002").gaps == []
    captures = [r for r in built.sink("a").lines() if r.kind == "capture" and r.key == "u0002"]
    assert len(captures) == 2 and len({c.id for c in captures}) == 1  # a new version
    assert [p.role for p in captures[-1].parts] == ["file", "response"]
    answer = captures[-1].parts[1]
    assert b'"lookup": "GET /qa"' in built.sink("a").fetch(answer.sha256, tmp_path).read_bytes()
    commits = [e.payload() for e in entries(built.state.db) if e.event == "commit"]
    assert len(commits) == 4 and commits[-1]["gaps"] == []
    assert answer.sha256 in commits[-1]["artifacts"]
    derive = [e.payload() for e in entries(built.state.db) if e.event == "derive"]
    assert derive[-1]["reason"] == "refill"
    acks = Counter(a["key"] for a in read_acks(built.settings.state_dir))
    assert acks == {"u0001": 1, "u0002": 2, "u0003": 1}
    lines = (tmp_path / ".ecomms" / "fake-sink-a" / "records.jsonl").read_bytes().splitlines()
    assert len(lines) == len(set(lines))  # new versions where content changed, no duplicate
    assert built.pipeline.run_pass().outcomes == {}
    built.close()
