"""Through the command line: capture into both embedded sinks, search, show, audit verify."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.fixtures.cli import ecomms

_CONFIG = """
[ecomms]
state_dir = ".ecomms"
[sources.fake]
units = 3
files = 1
[sinks.filesystem]
path = "archive"
[sinks.sqlite]
path = "search.db"
"""


def _ecomms(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return ecomms(*args, cwd=cwd, env={"ECOMMS_EXTRA_PLUGINS": "core.testing"})


def test_capture_search_show_and_verify_with_the_embedded_sinks(tmp_path):
    (tmp_path / "ecomms.toml").write_text(_CONFIG)
    run = _ecomms(tmp_path, "run", "--once")
    assert run.returncode == 0, run.stderr
    found = _ecomms(tmp_path, "search", "--where", "FakeUnitKey=u0002", "--json")
    assert found.returncode == 0, found.stderr
    records = [json.loads(line) for line in found.stdout.splitlines()]
    assert {r["attributes"]["FakeUnitKey"] for r in records} == {"u0002"} and records
    shown = _ecomms(tmp_path, "show", records[0]["id"], "--json")
    assert json.loads(shown.stdout)["id"] == records[0]["id"]
    assert _ecomms(tmp_path, "audit", "verify").returncode == 0
    again = _ecomms(tmp_path, "run", "--once")
    assert again.returncode == 0, again.stderr
    versions = list((tmp_path / "archive" / "records").rglob("*.json"))
    # 3 records and 1 capture record per unit, each stored once
    assert len(versions) == 3 * 4 and all(p.name == "v000001.json" for p in versions)


def test_audit_verify_names_a_tampered_record_file(tmp_path):
    (tmp_path / "ecomms.toml").write_text(_CONFIG)
    assert _ecomms(tmp_path, "run", "--once").returncode == 0
    victim = next((tmp_path / "archive" / "records").rglob("v000001.json"))
    victim.chmod(0o644)
    victim.write_bytes(victim.read_bytes().replace(b"Fake", b"Faux"))
    audit = _ecomms(tmp_path, "audit", "verify")
    assert audit.returncode != 0
    assert victim.relative_to(tmp_path / "archive").as_posix() in audit.stdout + audit.stderr


def test_searching_an_unknown_attribute_is_one_clear_line(tmp_path):
    (tmp_path / "ecomms.toml").write_text(_CONFIG)
    assert _ecomms(tmp_path, "run", "--once").returncode == 0
    bad = _ecomms(tmp_path, "search", "--where", "FakeUnit=u1")
    assert bad.returncode == 2
    assert "unknown attribute 'FakeUnit'" in bad.stderr and "FakeUnitKey" in bad.stderr
    assert "Traceback" not in bad.stderr
