"""Incremental capture through ``ecomms run`` (issue 14 items 3 and 4): a meeting already
committed at the same listing state costs no download and no enrichment call; progress is
monotonic under repeated SIGKILLs; the stored checkpoint never moves backwards, also when
passes fail (a sink that is down)."""

from __future__ import annotations

import itertools
import json
import signal
import sqlite3
from collections import Counter
from pathlib import Path

from plugins.zoom_ecomms.checkpoint import ZoomCheckpoint
from tests.fixtures.zoom_simulator import run_ecomms, zoom_source_toml

ALL_OF_IT = 24 * 90  # a lookback that re-lists the whole simulated account every pass


def write_config(tmp_path: Path, sim, sink: str = "", **overrides: object) -> Path:
    config = tmp_path / "ecomms.toml"
    source = zoom_source_toml(sim, media="video", workers=1, **overrides)
    config.write_text(f'[ecomms]\nstate_dir = ".ecomms"\n{source}[sinks.fake_sink]\n{sink}')
    return config


def ecomms(config: Path, sim, *args: str, **env: str):
    return run_ecomms(config, sim, *args, ECOMMS_EXTRA_PLUGINS="core.testing", **env)


def state(tmp_path: Path, sql: str) -> list[tuple]:
    db = sqlite3.connect(tmp_path / ".ecomms" / "state.db")
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def committed(tmp_path: Path) -> set[str]:
    return {k for (k,) in state(tmp_path, "SELECT key FROM units WHERE status='committed'")}


def checkpoint(tmp_path: Path):
    rows = state(tmp_path, "SELECT value FROM checkpoints WHERE source='zoom_ecomms'")
    return ZoomCheckpoint.parse(rows[0][0]).from_ if rows else None


def test_a_pass_over_an_unchanged_account_only_lists(tmp_path, zoom_simulator):
    sim = zoom_simulator
    config = write_config(tmp_path, sim, lookback_hours=ALL_OF_IT)
    assert ecomms(config, sim, "run", "--once").returncode == 0
    # the next pass retries each retryable lookup gap once (refill); later ones are spaced out
    assert ecomms(config, sim, "run", "--once").returncode == 0
    before = sim.inspect()
    again = ecomms(config, sim, "run", "--once")
    assert again.returncode == 0, again.stderr
    after = sim.inspect()
    calls = Counter(after["request_counts"]) - Counter(before["request_counts"])
    # a new process mints its token; then only listings: no lookup, no tag, nothing else
    assert set(calls) == {"oauth_token", "list_archive_files"}, calls
    assert after["downloads"] == before["downloads"]  # 0 downloads


def test_progress_is_monotonic_under_repeated_kills(tmp_path, zoom_simulator):
    sim = zoom_simulator
    # no refill of lookup gaps: its writes would move the kill point from run to run
    config = write_config(tmp_path, sim, lookback_hours=ALL_OF_IT, gap_retry_hours=0)
    done: list[set[str]] = [set()]
    # killed right after the third write of each run to the fake sink (capture-first: a
    # unit's custody then its records; a restart first derives the unit killed before)
    for _ in range(3):
        killed = ecomms(config, sim, "run", "--once", ECOMMS_FAKE_CRASH="sink_write:3")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        done.append(committed(tmp_path))
        assert done[-2] < done[-1]  # each restart commits more than the one before
    downloads = Counter(sim.inspect()["downloads"])
    final = ecomms(config, sim, "run", "--once")
    assert final.returncode == 0, final.stderr
    # files of meetings committed before a kill are never downloaded again
    fresh = Counter(sim.inspect()["downloads"]) - downloads
    first = _files_of(tmp_path, done[1])
    assert first and not first & set(fresh)
    assert all(downloads[f] == 1 for f in first)  # downloaded once, by the run that committed


def _files_of(tmp_path: Path, keys: set[str]) -> set[str]:
    """The archive files the meeting records of ``keys`` reference."""
    records = tmp_path / ".ecomms" / "fake-sink-fake_sink" / "records.jsonl"
    return {
        a["file_id"]
        for line in records.read_text().splitlines()
        for record in [json.loads(line)]
        if record.get("kind") == "meeting" and record["attributes"].get("MeetingUUID") in keys
        for a in record.get("artifacts", [])
        if not a["file_id"].startswith("response:")
    }


def test_the_stored_checkpoint_never_moves_back_when_passes_fail(tmp_path, zoom_simulator):
    sim = zoom_simulator
    marker = tmp_path / "sink-down"
    config = write_config(
        tmp_path, sim, sink=f'down_while = "{marker}"\n', lookback_hours=ALL_OF_IT
    )
    assert ecomms(config, sim, "run", "--once").returncode == 0
    seen = [checkpoint(tmp_path)]
    assert seen[0] is not None
    late = set(sim.complete_processing())  # new work the sink cannot take while it is down
    marker.touch()
    for _ in range(2):
        failed = ecomms(config, sim, "run", "--once")
        assert failed.returncode != 0
        seen.append(checkpoint(tmp_path))
    marker.unlink()
    assert ecomms(config, sim, "run", "--once").returncode == 0
    seen.append(checkpoint(tmp_path))
    assert all(a <= b for a, b in itertools.pairwise(seen)), seen
    assert late and late <= committed(tmp_path)
