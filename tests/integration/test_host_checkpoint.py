"""The checkpoint never moves backwards (issue 14 item 4).

Each pass re-lists ``lookback_hours`` before the checkpoint to catch late completions. A
pass that fails with work to write (a sink down) must leave the stored checkpoint where it
was, never ``lookback_hours`` earlier, however often it fails; the next good pass moves it
on from there. (A full disk fails a pass the same way: tests/integration/test_host_diskfull.py.)
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.fixtures.zoom_simulator import run_ecomms, zoom_source_toml


def _checkpoint(config: Path, sim) -> str:
    with sqlite3.connect(config.parent / ".ecomms" / "state.db") as db:
        return db.execute("SELECT value FROM checkpoints").fetchone()[0]


def test_failed_passes_never_move_the_checkpoint_back(tmp_path: Path, zoom_simulator) -> None:
    sim = zoom_simulator
    config = tmp_path / "ecomms.toml"

    def configure(media: str) -> None:
        config.write_text(
            '[ecomms]\nstate_dir = ".ecomms"\nsink_retries = 0\nsink_backoff = 0\n'
            + zoom_source_toml(sim, lookback_hours=72, media=media)
            + "[sinks.fake_sink]\n"
        )

    configure("none")
    env = {"ECOMMS_EXTRA_PLUGINS": "core.testing"}
    first = run_ecomms(config, sim, "run", "--once", **env)
    assert first.returncode == 0, first.stderr
    settled = _checkpoint(config, sim)
    assert settled is not None
    configure("audio")  # every meeting has new parts to capture: each pass writes
    for _ in range(2):  # each failed pass re-lists 72 h before the checkpoint
        failed = run_ecomms(
            config, sim, "run", "--once", **env, ECOMMS__SINKS__FAKE_SINK__FAIL_AFTER="0"
        )
        assert failed.returncode == 1 and "sink fake_sink unavailable" in failed.stderr
        assert _checkpoint(config, sim) == settled
    again = run_ecomms(config, sim, "run", "--once", **env)
    assert again.returncode == 0, again.stderr
    assert _checkpoint(config, sim) >= settled  # ISO instants in one format: ordered as text
