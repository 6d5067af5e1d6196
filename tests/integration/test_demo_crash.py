"""``ecomms run`` of the demo's configuration killed with SIGKILL mid-capture, then run again:
the archive ends with no duplicate, no partial or temporary file, and verifies.
"""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from ecomms_zoom_simulator.demo import SECRET_VARIABLE, write_config

from tests.fixtures.cli import ecomms, start_ecomms
from tests.integration.test_demo import DEMO_MEETINGS, cli_search, stored_records


def _status(config: Path, env: dict[str, str]) -> dict[str, Any]:
    done = ecomms("--config", str(config), "status", "--json", env=env, cwd=config.parent)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)[0]


def _kill_mid_capture(config: Path, env: dict[str, str]) -> int:
    """Start ``run --once``, SIGKILL it once some meetings are committed; committed count."""
    process = start_ecomms(
        "--config",
        config,
        "run",
        "--once",
        cwd=config.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while _status(config, env)["committed"] == 0:
            assert process.poll() is None, "the capture ended before it could be killed"
            assert time.monotonic() < deadline, "no meeting was committed"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
    return _status(config, env)["committed"]


def test_a_capture_killed_with_sigkill_and_rerun_leaves_no_duplicate_or_partial_file(
    zoom_simulator_factory, tmp_path: Path
) -> None:
    """SIGKILL mid-capture, run again: the records of a clean run, once each, no temp file."""
    sim = zoom_simulator_factory(seed=7, meetings=DEMO_MEETINGS, faults=["slow:0.05"])
    config = write_config(tmp_path / "demo", sim)
    env = {SECRET_VARIABLE: sim.client_secret}
    committed = _kill_mid_capture(config, env)
    assert 0 < committed < DEMO_MEETINGS
    rerun = ecomms("--config", str(config), "run", "--once", env=env, cwd=config.parent)
    assert rerun.returncode == 0, rerun.stderr
    assert _status(config, env)["committed"] == DEMO_MEETINGS
    archive = config.parent / "archive"
    records = stored_records(archive)
    assert all(len(versions) == 1 for versions in records.values())
    assert len(cli_search(config, env=env)) == len(records)
    stray = [p for p in config.parent.rglob("*") if p.is_file() and ".tmp" in p.name]
    assert stray == []
    assert [p for p in (config.parent / ".ecomms" / "spool").rglob("*") if p.is_file()] == []
    for blob in (p for p in (archive / "blobs").rglob("*") if p.is_file()):
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == blob.name
    audit = ecomms("--config", str(config), "audit", "verify", env=env, cwd=config.parent)
    assert audit.returncode == 0, audit.stdout
    clean = zoom_simulator_factory(seed=7, meetings=DEMO_MEETINGS)
    clean_config = write_config(tmp_path / "clean", clean)
    done = ecomms("--config", str(clean_config), "run", "--once", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert records.keys() == stored_records(clean_config.parent / "archive").keys()
