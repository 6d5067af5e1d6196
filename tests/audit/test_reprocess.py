"""``ecomms reprocess``: records derived again from the archive of record, without Zoom.

A capture of the Zoom simulator with the default policy pack; then the policies change and
``reprocess`` updates the risk in every sink, under the same record ids. A reprocess killed
midway resumes after the last unit it finished.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from core.protocols import Context
from plugins.sinks.filesystem import FilesystemSink
from tests.fixtures.cli import ecomms
from tests.fixtures.zoom_simulator import run_ecomms, zoom_source_toml


def _search(config: Path, sim, *args: str) -> dict[str, dict]:
    done = run_ecomms(config, sim, "search", *args, "--json", "--limit", "10000")
    assert done.returncode == 0, done.stderr
    found = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return {r["id"]: r for r in found}


def _archive(directory: Path) -> FilesystemSink:
    context = Context(name="filesystem", state_dir=directory, spool_dir=directory / "spool")
    return FilesystemSink(FilesystemSink.Config(path=str(directory / "archive")), context)


@pytest.mark.slow
def test_reprocess_after_a_policy_change_updates_risk_everywhere_under_the_same_ids(
    zoom_simulator_factory, tmp_path
):
    sim = zoom_simulator_factory(seed=5, meetings=6, small_media=True, plan="unlimited")
    config = tmp_path / "ecomms.toml"
    head = '[ecomms]\nstate_dir = ".ecomms"\n' + zoom_source_toml(sim)
    sinks = '[sinks.filesystem]\npath = "archive"\n[sinks.sqlite]\npath = "search.db"\n'
    config.write_text(head + "[transformers.policies]\n" + sinks)
    assert run_ecomms(config, sim, "run", "--once").returncode == 0
    before = _search(config, sim)
    risky = _search(config, sim, "--min-risk", "1")
    assert risky, "the default pack should score some simulated chats"

    config.write_text(head + "[transformers.policies]\npacks = []\n" + sinks)
    sim.stop()  # no Zoom access from here on
    done = ecomms("--config", config, "reprocess", env={"ZOOM_CLIENT_SECRET": "unused"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "reprocessed" in done.stdout and "ok" in done.stdout

    after = _search(config, sim)
    assert after.keys() == before.keys()  # the same ids, nothing added or lost
    assert all(r["risk"]["score"] == 0 for r in after.values())
    assert _search(config, sim, "--min-risk", "1") == {}
    archive = _archive(tmp_path)
    for record_id in risky:
        versions = archive.versions(record_id)
        assert versions[0].risk.score > 0 and versions[-1].risk.score == 0
    audit = ecomms("--config", config, "audit", "verify")
    assert audit.returncode == 0, audit.stdout

    stored = sorted(p.name for p in (tmp_path / "archive" / "records").rglob("v*.json"))
    again = ecomms("--config", config, "reprocess", env={"ZOOM_CLIENT_SECRET": "unused"})
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in (tmp_path / "archive" / "records").rglob("v*.json")) == stored


_CONFIG = """
[ecomms]
state_dir = ".ecomms"
[sources.fake]
units = 6
files = 1
[sinks.filesystem]
path = "archive"
[sinks.copy]
plugin = "fake_sink"
"""


def test_a_killed_reprocess_resumes_after_the_last_unit_it_finished(tmp_path):
    (tmp_path / "ecomms.toml").write_text(_CONFIG)
    fake = {"ECOMMS_EXTRA_PLUGINS": "core.testing"}
    assert ecomms("run", "--once", cwd=tmp_path, env=fake).returncode == 0
    killed = ecomms("reprocess", cwd=tmp_path, env={**fake, "ECOMMS_FAKE_CRASH": "sink_write:3"})
    assert killed.returncode == -signal.SIGKILL
    progress = json.loads((tmp_path / ".ecomms" / "reprocess.json").read_bytes())
    assert sum(progress["statuses"].values()) == 2
    resumed = ecomms("reprocess", cwd=tmp_path, env=fake)
    assert resumed.returncode == 0, resumed.stderr
    assert "reprocessed 6 units from filesystem: ok 6 (resumed after 2 done before)" in (
        resumed.stdout
    )
    assert not (tmp_path / ".ecomms" / "reprocess.json").exists()
    one = ecomms("reprocess", "--unit", "u0003", cwd=tmp_path, env=fake)
    assert "reprocessed 1 units from filesystem: ok 1" in one.stdout
    assert ecomms("audit", "verify", cwd=tmp_path, env=fake).returncode == 0


def test_filters_select_by_source_unit_and_time():
    from datetime import UTC, datetime

    from core.records import CaptureRecord
    from core.reprocess import Filters

    at = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    capture = CaptureRecord(id="c1", source="zoom", platform="zoom", occurred_at=at, key="k1")
    assert Filters().match(capture)
    assert Filters(source="zoom", unit="k1", since=at).match(capture)
    assert not Filters(source="other").match(capture)
    assert not Filters(unit="k2").match(capture)
    assert not Filters(since=datetime(2026, 11, 3, tzinfo=UTC)).match(capture)
