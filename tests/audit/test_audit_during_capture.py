"""``audit verify`` run again and again beside a capturing ``ecomms run``: no false alarm.

Each verification proves what the ledger held when it started, while the capture keeps
writing the archive, its manifest and the search store against the Zoom simulator.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fixtures.cli import start_ecomms
from tests.fixtures.zoom_simulator import run_ecomms, zoom_source_toml


@pytest.mark.slow
def test_repeated_verification_beside_a_capture_never_fails(zoom_simulator_factory, tmp_path):
    sim = zoom_simulator_factory(seed=11, meetings=40, small_media=True, plan="unlimited")
    config = tmp_path / "ecomms.toml"
    config.write_text(
        '[ecomms]\nstate_dir = ".ecomms"\n'
        + zoom_source_toml(sim)
        + '[transformers.policies]\n[sinks.filesystem]\npath = "archive"\n'
        + '[sinks.sqlite]\npath = "search.db"\n'
    )
    seen: list[int] = []
    with (tmp_path / "run.err").open("w") as errors:
        capture = start_ecomms(
            "--config",
            config,
            "run",
            "--once",
            env={"ZOOM_CLIENT_SECRET": sim.client_secret},
            stdout=errors,
            stderr=errors,
        )
        _verify_while_running(capture, config, sim, seen)
    assert capture.returncode == 0, (tmp_path / "run.err").read_text()
    final = run_ecomms(config, sim, "audit", "verify")
    assert final.returncode == 0, final.stdout
    last = int(re.findall(r"as of entry (\d+)", final.stdout)[0])
    partial = {n for n in seen if 0 < n < last}
    assert len(partial) >= 2, f"verifications did not overlap the capture: {seen} vs {last}"


def _verify_while_running(capture, config: Path, sim, seen: list[int]) -> None:
    """Verify until the capture ends; each must pass. ``seen``: the ledger entry verified."""
    try:
        while capture.poll() is None:
            audit = run_ecomms(config, sim, "audit", "verify")
            if "as of entry 0" in audit.stdout or "no state database" in audit.stderr:
                continue  # nothing committed yet: the sinks may not even exist yet
            assert audit.returncode == 0, audit.stdout + audit.stderr
            seen += [int(n) for n in re.findall(r"as of entry (\d+)", audit.stdout)[:1]]
    finally:
        if capture.poll() is None:
            capture.kill()
        capture.wait()
