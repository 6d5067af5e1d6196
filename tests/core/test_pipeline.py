"""The delivery guarantee, in-process: sinks failing, units failing, replays."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from core.errors import SinkUnavailable
from core.ledger import entries
from core.testing import read_acks
from tests.core.hosthelp import build

TWO_SINKS = """
[ecomms]
sink_retries = 1
sink_backoff = 0
[sources.fake]
units = 4
records = 3
files = 1
[sinks.a]
plugin = "fake_sink"
[sinks.b]
plugin = "fake_sink"
{b_options}
"""


def _copies(sink, kind: str = "") -> Counter[str]:
    """Copies of each stored record id: derived records, or only ``kind`` (``capture``)."""
    return Counter(r.id for r in sink.lines() if (r.kind == kind if kind else r.kind != "capture"))


def test_sink_failing_mid_batch_holds_checkpoint_and_ack(tmp_path: Path) -> None:
    """Sink b dies after 5 records: no commit past it, no ack; recovery gives one copy each."""
    failing = build(tmp_path, TWO_SINKS.format(b_options="fail_after = 5"))
    with pytest.raises(SinkUnavailable, match="sink b unavailable"):
        failing.pipeline.run_pass()
    # unit 1 (4 records) went through; unit 2 broke inside b's batch
    assert failing.state.checkpoint("fake") == "1"
    assert [a["key"] for a in read_acks(failing.settings.state_dir)] == ["u0001"]
    assert failing.state.unit("fake", "u0002").status == "pending"
    assert failing.state.status("fake")["last_error"].startswith("sink b unavailable")
    failing.close()

    healed = build(tmp_path, TWO_SINKS.format(b_options=""))
    report = healed.pipeline.run_pass()
    assert len(report.outcomes["committed"]) == 3
    assert healed.state.checkpoint("fake") == "4"
    acks = [a["key"] for a in read_acks(healed.settings.state_dir)]
    assert acks == ["u0001", "u0002", "u0003", "u0004"]
    for name in ("a", "b"):
        copies = _copies(healed.sink(name))
        assert len(copies) == 4 * 4 and set(copies.values()) == {1}, name
    healed.close()


def test_down_sink_commits_nothing_and_counts_no_attempt(tmp_path: Path) -> None:
    """An unreachable sink stops the pass; the units are not blamed (no attempt counted)."""
    marker = tmp_path / "down"
    marker.touch()
    built = build(tmp_path, TWO_SINKS.format(b_options=f'down_while = "{marker}"'))
    with pytest.raises(SinkUnavailable):
        built.pipeline.run_pass()
    assert built.state.checkpoint("fake") is None
    assert read_acks(built.settings.state_dir) == []
    assert built.state.unit("fake", "u0001").attempts == 0
    marker.unlink()
    built.pipeline.run_pass()
    assert built.state.checkpoint("fake") == "4"
    assert len(_copies(built.sink("a"))) == 16
    built.close()


FLAKY = """
[ecomms]
max_attempts = 3
sink_backoff = 0
[sources.fake]
units = 4
fail = {{ u0002 = "{mode}" }}
fail_while = "{marker}"
[sinks.a]
plugin = "fake_sink"
"""


def test_transient_failure_holds_checkpoint_then_dead_letters(tmp_path: Path) -> None:
    """A transiently failing unit is retried with the checkpoint held, then dead-lettered."""
    marker = tmp_path / "broken"
    marker.touch()
    built = build(tmp_path, FLAKY.format(mode="transient", marker=marker))
    first = built.pipeline.run_pass()
    assert first.outcomes["failed"] == ["fake/u0002"]
    assert first.outcomes["committed"] == ["fake/u0001", "fake/u0003", "fake/u0004"]
    assert built.state.checkpoint("fake") == "1"  # held before the failing unit
    built.pipeline.run_pass()
    third = built.pipeline.run_pass()
    assert third.outcomes["dead"] == ["fake/u0002"]
    assert third.outcomes["skipped"] == ["fake/u0003", "fake/u0004"]
    assert built.state.checkpoint("fake") == "4"
    [dead] = built.state.dead_letters()
    assert dead.key == "u0002" and dead.attempts == 3 and "transient failure" in dead.error
    acks = Counter(a["key"] for a in read_acks(built.settings.state_dir))
    assert acks == {"u0001": 1, "u0003": 1, "u0004": 1}
    marker.unlink()
    assert built.pipeline.retry_dead_letters() == {dead.id: "committed"}
    assert built.state.dead_letters() == []
    assert Counter(a["key"] for a in read_acks(built.settings.state_dir))["u0002"] == 1
    events = [e.event for e in entries(built.state.db)]
    assert events[-4:] == ["dlq_retry", "commit", "derive", "acknowledge"]
    built.close()


def test_malformed_payload_is_archived_and_its_derivation_dead_lettered(tmp_path: Path) -> None:
    """A PayloadError from a transformer: the unit is archived and acknowledged all the same;
    its derivation is given up at once (terminal) and listed as a dead letter."""
    marker = tmp_path / "broken"
    marker.touch()
    built = build(tmp_path, FLAKY.format(mode="malformed", marker=marker))
    report = built.pipeline.run_pass()
    assert report.outcomes["committed"] == ["fake/u0001", "fake/u0002", "fake/u0003", "fake/u0004"]
    assert report.derived["dead"] == ["fake/u0002"]
    assert "fake/u0002" not in report.derived["ok"]
    assert built.state.checkpoint("fake") == "4"
    assert [a["key"] for a in read_acks(built.settings.state_dir)][1] == "u0002"
    [dead] = built.state.dead_letters()
    assert dead.stage == "derive" and dead.attempts == 1
    assert "derivation failed" in dead.error and "texts is not a list" in dead.error
    assert built.state.unit("fake", "u0002").status == "committed"
    lines = built.sink("a").lines()
    assert "u0002" in {r.key for r in lines if r.kind == "capture"}
    assert "u0002" not in {r.attributes.get("FakeUnitKey") for r in lines if r.kind != "capture"}
    built.close()


def test_replay_gives_identical_records(tmp_path: Path) -> None:
    """A unit replayed after a lost checkpoint gives identical records (same captured_at)."""
    built = build(tmp_path, TWO_SINKS.format(b_options=""))
    built.pipeline.run_pass()
    before = {r.id: r for r in built.sink("a").lines()}
    built.state.db.execute("DELETE FROM checkpoints")
    built.state.db.execute("UPDATE units SET version = 'old'")
    built.pipeline.run_pass()
    lines = built.sink("a").lines()
    assert len(lines) == len(before)
    assert all(r.captured_at is not None and r == before[r.id] for r in lines)
    built.close()
