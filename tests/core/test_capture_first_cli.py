"""Capture first through the command line, with the real filesystem archive and sqlite store."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

from core.testing import read_acks
from tests.core.hosthelp import ecomms

ENV = {"ECOMMS_EXTRA_PLUGINS": "core.testing,tests.core.poison_plugin"}

CONFIG = """
[ecomms]
max_attempts = 2
sink_retries = 0
sink_backoff = 0
[sources.fake]
units = {units}
files = 1
[transformers.poison]
plugin = "poison_transformer"
keys = ["u0002"]
while_file = "{marker}"
[sinks.filesystem]
path = "archive"
[sinks.sqlite]
path = "search.db"
timeout = 0.05
"""


def _setup(tmp_path: Path, units: int = 3) -> Path:
    marker = tmp_path / "policy-bug"
    marker.touch()
    (tmp_path / "ecomms.toml").write_text(CONFIG.format(units=units, marker=marker))
    return marker


def _indexed(tmp_path: Path) -> Counter[str]:
    db = sqlite3.connect(tmp_path / "search.db")
    try:
        return Counter(
            k
            for (k,) in db.execute(
                "SELECT json_extract(json, '$.attributes.FakeUnitKey') FROM records"
            )
        )
    finally:
        db.close()


def test_a_transformer_bug_leaves_the_unit_archived_acknowledged_and_listed(tmp_path: Path) -> None:
    """The run succeeds; the broken unit's file is in the archive and released at the
    source; status and dlq list show its derivation error; audit verify passes."""
    marker = _setup(tmp_path)
    run = ecomms(tmp_path, "run", "--once", env=ENV)
    assert run.returncode == 0, run.stderr
    assert [a["key"] for a in read_acks(tmp_path / ".ecomms")] == ["u0001", "u0002", "u0003"]
    assert _indexed(tmp_path) == {"u0001": 3, "u0003": 3}
    status = ecomms(tmp_path, "status", env=ENV).stdout
    assert "committed=3" in status and "derivation: failed=1" in status
    assert "u0002 (failed): ValueError: policy bug on u0002" in status
    listed = ecomms(tmp_path, "dlq", "list", env=ENV).stdout
    assert "records are incomplete" in listed and "u0002  failed" in listed
    assert ecomms(tmp_path, "audit", "verify", env=ENV).returncode == 0

    assert ecomms(tmp_path, "run", "--once", env=ENV).returncode == 0  # second attempt: dead
    [dead] = json.loads(ecomms(tmp_path, "dlq", "list", "--json", env=ENV).stdout)
    assert dead["key"] == "u0002" and dead["stage"] == "derive"
    marker.unlink()
    config = tmp_path / "ecomms.toml"  # deriving again needs no source credential
    secret = 'files = 1\ntoken = { env = "UNSET" }'
    config.write_text(config.read_text().replace("files = 1", secret))
    retried = ecomms(tmp_path, "dlq", "retry", "--all", env=ENV)
    assert retried.returncode == 0 and f"{dead['id']}: committed" in retried.stdout
    assert _indexed(tmp_path) == {"u0001": 3, "u0002": 3, "u0003": 3}
    assert "derivation:" not in ecomms(tmp_path, "status", env=ENV).stdout
    assert ecomms(tmp_path, "audit", "verify", env=ENV).returncode == 0
