"""End to end through the real host: `ecomms run --once` against the simulator, with the
host's fake sink. Only files that every sink committed are ever tagged for deletion."""

from __future__ import annotations

import re
from pathlib import Path

from tests.fixtures.zoom_simulator import run_ecomms, zoom_source_toml


def write_config(path: Path, sim, **overrides: object) -> Path:
    config = path / "ecomms.toml"
    source = zoom_source_toml(sim, media="video", auto_delete=True, **overrides)
    config.write_text('[ecomms]\nstate_dir = ".ecomms"\n' + source + "[sinks.fake_sink]\n")
    return config


def ecomms(config: Path, sim, *args: str):
    return run_ecomms(config, sim, *args, ECOMMS_EXTRA_PLUGINS="core.testing")


def stored_blobs(tmp_path: Path) -> set[str]:
    blobs = tmp_path / ".ecomms" / "fake-sink-fake_sink" / "blobs"
    return {p.name for p in blobs.iterdir()} if blobs.exists() else set()


def test_run_commits_then_tags_only_committed_files(tmp_path, zoom_simulator, listed_meetings):
    sim = zoom_simulator
    config = write_config(tmp_path, sim)
    assert ecomms(config, sim, "check").returncode == 0
    first = ecomms(config, sim, "run", "--once")
    assert first.returncode == 0, first.stderr
    tagged = sim.inspect()["tagged_for_deletion"]
    stored = stored_blobs(tmp_path)
    assert tagged and stored
    assert len(tagged) == len(set(tagged))
    # every tagged file's bytes are in the sink, found by the fingerprint Zoom gave
    listing = {
        f["id"]: f["encryption_fingerprint"]
        for meeting in listed_meetings(sim).values()
        for f in meeting["archive_files"]
    }
    assert all(listing[file_id] in stored for file_id in tagged)
    # and every stored file was tagged (auto_delete on): nothing committed is left behind
    assert {fid for fid, sha in listing.items() if sha in stored} == set(tagged)
    again = ecomms(config, sim, "run", "--once")
    assert again.returncode == 0, again.stderr
    assert sorted(sim.inspect()["tagged_for_deletion"]) == sorted(tagged)
    records = (tmp_path / ".ecomms" / "fake-sink-fake_sink" / "records.jsonl").read_text()
    lines = records.splitlines()
    # no record stored twice; the second pass may add new versions (a refilled lookup gap)
    assert len(lines) == len(set(lines))


def test_corrupt_files_are_dead_lettered_and_never_tagged(tmp_path, zoom_simulator_factory):
    sim = zoom_simulator_factory(meetings=3, faults=["corrupt_download:always"])
    config = write_config(tmp_path, sim, download_attempts=2)
    run = ecomms(config, sim, "run", "--once")
    assert run.returncode == 0, run.stderr
    assert "SHA-256 differs" in run.stderr
    assert sim.inspect()["tagged_for_deletion"] == []
    status = ecomms(config, sim, "status")
    assert status.returncode == 0, status.stderr
    dead = re.search(r"dead_lettered=(\d+)", status.stdout)
    assert dead and int(dead.group(1)) > 0, status.stdout
