"""``ecomms run`` killed with SIGKILL at several points, then run again: nothing lost or doubled."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

import pytest

from core.records import decode_record
from core.testing import read_acks
from tests.core.hosthelp import ecomms

UNITS, RECORDS_PER_UNIT = 6, 3  # 2 chat records + 1 meeting record per unit

CONFIG = f"""
[ecomms]
sink_backoff = 0
[sources.fake]
units = {UNITS}
records = {RECORDS_PER_UNIT - 1}
files = 2
[sinks.a]
plugin = "fake_sink"
[sinks.b]
plugin = "fake_sink"
"""


def _assert_complete(tmp_path: Path) -> None:
    state = tmp_path / ".ecomms"
    for sink in ("a", "b"):
        lines = (state / f"fake-sink-{sink}" / "records.jsonl").read_bytes().splitlines()
        records = [decode_record(line) for line in lines if line]
        copies = Counter(r.id for r in records if r.kind != "capture")
        assert len(copies) == UNITS * RECORDS_PER_UNIT, sink
        assert set(copies.values()) == {1}, f"duplicates in {sink}"
        captures = Counter(r.id for r in records if r.kind == "capture")
        assert len(captures) == UNITS and set(captures.values()) == {1}, sink
        blobs = list((state / f"fake-sink-{sink}" / "blobs").iterdir())
        assert len(blobs) == UNITS * 2, sink
    acks = Counter(a["key"] for a in read_acks(state))
    assert acks == {f"u{i:04d}": 1 for i in range(1, UNITS + 1)}


def _kill_then_finish(tmp_path: Path, points: list[str]) -> None:
    (tmp_path / "ecomms.toml").write_text(CONFIG)
    for point in points:
        killed = ecomms(tmp_path, "run", "--once", env={"ECOMMS_FAKE_CRASH": point})
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
    final = ecomms(tmp_path, "run", "--once")
    assert final.returncode == 0, final.stderr
    _assert_complete(tmp_path)
    audit = ecomms(tmp_path, "audit", "verify")
    assert audit.returncode == 0, audit.stdout


@pytest.mark.parametrize("point", ["pull:2", "sink_write:3", "acknowledge:2", "after_commit:2"])
def test_killed_once_then_resumed(tmp_path: Path, point: str) -> None:
    """One SIGKILL at a named point; the next run completes the capture exactly."""
    _kill_then_finish(tmp_path, [point])


def test_killed_repeatedly_then_resumed(tmp_path: Path) -> None:
    """SIGKILLs at every point in turn, each resuming from the previous one's state."""
    _kill_then_finish(
        tmp_path, ["sink_write:2", "acknowledge:1", "pull:1", "after_commit:1", "sink_write:1"]
    )
