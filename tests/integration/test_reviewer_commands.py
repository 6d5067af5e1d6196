"""Reviewer commands need no access to the source: after a capture of the Zoom simulator, with
the simulator stopped and the client secret's variable unset, ``reprocess``, ``rebuild``,
``search``, ``show``, ``status``, ``dlq list`` and ``audit verify`` all work; ``audit
completeness`` (which lists the source) says in one line which variable to set.
"""

from __future__ import annotations

import json

import pytest

from tests.fixtures.cli import ecomms
from tests.fixtures.zoom_simulator import run_ecomms, zoom_source_toml

_SINKS = '[sinks.filesystem]\npath = "archive"\n[sinks.sqlite]\npath = "search.db"\n'


@pytest.mark.slow  # one capture, then ten CLI invocations
def test_reviewer_commands_work_without_the_capture_secret(zoom_simulator_factory, tmp_path):
    sim = zoom_simulator_factory(seed=3, meetings=2, small_media=True, plan="unlimited")
    config = tmp_path / "ecomms.toml"
    config.write_text('[ecomms]\nstate_dir = ".ecomms"\n' + zoom_source_toml(sim) + _SINKS)
    assert run_ecomms(config, sim, "run", "--once").returncode == 0
    sim.stop()  # no Zoom from here on, and no ZOOM_CLIENT_SECRET in the environment

    def cli(*args: str):
        done = ecomms("--config", config, *args)
        assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
        return done

    found = [
        json.loads(line) for line in cli("search", "--json", "--limit", "10000").stdout.splitlines()
    ]
    assert found
    assert "reprocessed" in (done := cli("reprocess").stdout) and "failed" not in done
    (tmp_path / "search.db").unlink()
    assert f"{len(found)} records" in cli("rebuild", "sqlite").stdout
    again = [
        json.loads(line) for line in cli("search", "--json", "--limit", "10000").stdout.splitlines()
    ]
    assert {r["id"] for r in again} == {r["id"] for r in found}
    assert found[0]["id"] in cli("show", found[0]["id"]).stdout
    cli("status")
    cli("dlq", "list")
    cli("audit", "verify")

    completeness = ecomms("--config", config, "audit", "completeness")
    assert completeness.returncode != 0
    lines = completeness.stderr.strip().splitlines()
    assert len(lines) == 1 and "ZOOM_CLIENT_SECRET" in lines[0], completeness.stderr
