"""``ecomms audit completeness`` against the Zoom simulator over HTTP, through the CLI.

Everything Zoom lists for the period is given a fate from the state store and the custody
ledger: committed (with its ledger entry), processing, failed at Zoom, gap, dead-lettered,
excluded, or unaccounted, and anything unaccounted makes it exit 1, named.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ecomms_zoom_simulator import Simulator, SimulatorConfig

from tests.fixtures import cli
from tests.fixtures.zoom_simulator import run_ecomms, zoom_source_toml


def _setup(tmp_path: Path, sim: Any, state_dir: str = ".ecomms") -> Path:
    config = tmp_path / "ecomms.toml"
    source = zoom_source_toml(sim, media="audio", workers=2)
    sink = '[sinks.filesystem]\npath = "archive"\n'
    config.write_text(f'[ecomms]\nstate_dir = "{state_dir}"\n{source}{sink}')
    return config


def _capture(config: Path, sim: Any) -> None:
    done = run_ecomms(config, sim, "run", "--once")
    assert done.returncode == 0, done.stderr


@dataclass
class Captured:
    """One account captured once (seed 7, 6 meetings), shared by the tests that only read."""

    directory: Path
    sim: Simulator

    def copy(self, target: Path) -> Path:
        """A copy of the state directory in ``target`` with its config; the config path."""
        for name in (".ecomms", "archive"):
            shutil.copytree(self.directory / name, target / name)
        return _setup(target, self.sim)


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Captured]:
    """The account captured in one pass (its processing meeting still processing)."""
    directory = tmp_path_factory.mktemp("completeness")
    with Simulator(SimulatorConfig(seed=7, meetings=6)) as sim:
        _capture(_setup(directory, sim), sim)
        yield Captured(directory, sim)


def _audit(config: Path, sim: Any, *args: str) -> tuple[int, dict[str, Any]]:
    done = run_ecomms(config, sim, "audit", "completeness", "--json", *args)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def _entries(report: dict[str, Any], fate: str | None = None) -> list[dict[str, Any]]:
    (source,) = report["sources"]
    return [e for e in source["entries"] if fate is None or e["fate"] == fate]


def _ledger(tmp_path: Path, event: str) -> list[tuple[int, str, dict]]:
    db = sqlite3.connect(tmp_path / ".ecomms" / "state.db")
    try:
        rows = db.execute(
            "SELECT seq, unit_key, data FROM ledger WHERE event=? ORDER BY seq", (event,)
        ).fetchall()
    finally:
        db.close()
    return [(seq, key, json.loads(data)) for seq, key, data in rows]


def test_a_captured_account_is_complete_and_each_fate_is_reported(captured: Captured) -> None:
    """Committed items name their ledger entry; the meeting still processing and the file
    Zoom failed are reported as such, not as missing; exit 0."""
    sim, tmp_path = captured.sim, captured.directory
    config = tmp_path / "ecomms.toml"
    code, report = _audit(config, sim)
    assert code == 0 and report["complete"] and report["unaccounted"] == 0, report
    commits = {key: (seq, set(data["files"])) for seq, key, data in _ledger(tmp_path, "commit")}
    committed = _entries(report, "committed")
    assert {e["key"] for e in committed} == set(commits)
    for entry in committed:  # the ledger entry named really commits that item
        seq, files = commits[entry["key"]]
        assert entry["ledger_seq"] == seq and (not entry["file_id"] or entry["file_id"] in files)
    processing = [m.uuid for m in sim.account.meetings if m.status == "processing"]
    assert processing and {e["key"] for e in _entries(report, "processing")} == set(processing)
    failed = {
        f.id
        for m in sim.account.meetings
        if m.status != "processing"
        for f in m.files
        if f.status == "failed"
    }
    assert failed and {e["file_id"] for e in _entries(report, "failed_at_source")} == failed
    excluded = _entries(report, "excluded")  # media = "audio": the videos are not captured
    assert excluded and all(e["label"] == "MP4 file" for e in excluded)
    assert _entries(report, "gap")  # refused lookups of committed meetings are listed


def test_a_meeting_listed_after_the_capture_is_unaccounted_until_captured(tmp_path, zoom_simulator):
    """A meeting completing after the pass, and the processing one completing: both are
    named as unaccounted (exit 1); after the next pass, complete again."""
    sim = zoom_simulator
    config = _setup(tmp_path, sim)
    _capture(config, sim)
    late = {*sim.complete_meetings(1), *sim.complete_processing()}  # with its breakout rooms
    done = run_ecomms(config, sim, "audit", "completeness")
    assert done.returncode == 1, done.stdout + done.stderr
    lines = [line.split() for line in done.stdout.splitlines() if "UNACCOUNTED " in line]
    assert {words[1] for words in lines} == late  # each one named, and nothing else
    assert done.stdout.splitlines()[-1].startswith("INCOMPLETE:")
    _capture(config, sim)
    code, report = _audit(config, sim)
    assert code == 0 and report["unaccounted"] == 0


def test_a_unit_lost_from_the_state_store_is_unaccounted(tmp_path, captured: Captured) -> None:
    """A committed unit whose state row is gone: every item of it unaccounted, exit 1."""
    sim, config = captured.sim, captured.copy(tmp_path)
    seq, victim, _ = _ledger(tmp_path, "commit")[0]
    db = sqlite3.connect(tmp_path / ".ecomms" / "state.db")
    with db:
        db.execute("DELETE FROM units WHERE key=?", (victim,))
    db.close()
    code, report = _audit(config, sim)
    missing = _entries(report, "unaccounted")
    assert code == 1 and missing and {e["key"] for e in missing} == {victim}
    assert f"ledger entry {seq}" in missing[0]["detail"]


def test_dead_lettered_units_are_reported_as_such(tmp_path, zoom_simulator_factory):
    """Listing entries Zoom sent malformed are dead-lettered: reported so, with their dead
    letter, not as unaccounted."""
    sim = zoom_simulator_factory(seed=7, meetings=4, faults=["poison_listing"])
    config = _setup(tmp_path, sim)
    done = run_ecomms(config, sim, "run", "--once")
    assert done.returncode == 0, done.stderr
    listed = run_ecomms(config, sim, "dlq", "list", "--json")
    dead = {d["key"]: d["id"] for d in json.loads(listed.stdout)}
    assert dead
    code, report = _audit(config, sim)
    reported = {e["key"]: e["detail"] for e in _entries(report, "dead_lettered")}
    assert set(reported) == set(dead)
    assert all(reported[key].startswith(f"dead letter {n}:") for key, n in dead.items())
    assert code == 0 and report["unaccounted"] == 0, _entries(report, "unaccounted")


def _tree(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_it_changes_nothing_and_works_on_a_read_only_state_directory(
    tmp_path, captured: Captured
) -> None:
    """Every file of the state directory is byte for byte unchanged after a report (SQLite
    may add its empty coordination files beside the database); on a read-only mount of a
    copy (where the system allows one), the same report."""
    sim, config = captured.sim, captured.copy(tmp_path)
    before = _tree(tmp_path / ".ecomms")
    code, report = _audit(config, sim)
    after = _tree(tmp_path / ".ecomms")
    assert code == 0 and {k: after[k] for k in before} == before
    assert set(after) - set(before) <= {"state.db-wal", "state.db-shm"}
    copy = tmp_path / "reviewer"
    ro_config = captured.copy(copy)
    for extra in (copy / ".ecomms").glob("state.db-*"):  # as a backup copy would be
        extra.unlink()
    args = [*cli.command(), "--config", str(ro_config), "audit", "completeness", "--json"]
    state = copy / ".ecomms"
    script = f'mount --bind "{state}" "{state}" && mount -o remount,bind,ro "{state}" && exec "$@"'
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", *args],
        env=cli.environment({"ZOOM_CLIENT_SECRET": sim.client_secret}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode not in (0, 1) and "mount" in done.stderr + done.stdout:
        pytest.skip(f"no read-only mount here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    again = json.loads(done.stdout)
    assert [e["fate"] for e in _entries(again)] == [e["fate"] for e in _entries(report)]


def test_output_writes_a_signed_off_report_recorded_in_the_ledger(
    tmp_path, captured: Captured
) -> None:
    """--output: the JSON, the summary and their SHA256SUMS; a ``completeness`` ledger
    entry holds the same digests and the ledger still verifies."""
    sim, config = captured.sim, captured.copy(tmp_path)
    out = tmp_path / "reports"
    done = run_ecomms(config, sim, "audit", "completeness", "--output", str(out))
    assert done.returncode == 0, done.stderr
    files = {p.suffix: p for p in out.iterdir()}
    assert set(files) == {".json", ".txt", ".SHA256SUMS"}
    assert files[".txt"].read_text() in done.stdout
    assert json.loads(files[".json"].read_text())["complete"] is True
    lines = files[".SHA256SUMS"].read_text().splitlines()
    sums = {name: digest for digest, name in (line.split("  ") for line in lines)}
    for suffix in (".json", ".txt"):
        digest = hashlib.sha256(files[suffix].read_bytes()).hexdigest()
        assert sums[files[suffix].name] == digest
    ((seq, key, data),) = _ledger(tmp_path, "completeness")
    assert key == files[".json"].name and data["files"] == sums and data["unaccounted"] == 0
    assert f"ledger entry {seq}" in done.stdout
    verify = run_ecomms(config, sim, "audit", "verify")
    assert verify.returncode == 0, verify.stdout


def test_a_source_that_cannot_list_its_past_says_so(tmp_path):
    """A source without ``inventory``: named as not reconciled, exit 1."""
    (tmp_path / "ecomms.toml").write_text(
        '[ecomms]\nstate_dir = ".ecomms"\n[sources.fake]\nunits = 2\n[sinks.fake_sink]\n'
    )
    env = {"ECOMMS_EXTRA_PLUGINS": "core.testing"}
    assert cli.ecomms("run", "--once", cwd=tmp_path, env=env).returncode == 0
    done = cli.ecomms("audit", "completeness", cwd=tmp_path, env=env)
    assert done.returncode == 1, done.stderr
    assert "NOT RECONCILED: this source cannot list its past" in done.stdout


def test_the_period_bounds_what_is_listed(captured: Captured) -> None:
    """A period before the account holds nothing (complete, exit 0); --from after --to and
    an unknown --source are usage errors."""
    sim, config = captured.sim, captured.directory / "ecomms.toml"
    code, report = _audit(config, sim, "--from", "2020-01-01", "--to", "2020-01-07")
    assert code == 0 and _entries(report) == [] and report["end"].startswith("2020-01-07T23:59")
    backwards = run_ecomms(
        config, sim, "audit", "completeness", "--from", "2026-10-02", "--to", "2026-10-01"
    )
    assert backwards.returncode == 2 and "--from is later than --to" in backwards.stderr
    unknown = run_ecomms(config, sim, "audit", "completeness", "--source", "nope")
    assert unknown.returncode == 2 and "--source nope" in unknown.stderr
