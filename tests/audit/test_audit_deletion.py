"""``audit verify`` proves the ledger's claims: every deletion is named, never "ok".

One capture (the fake source, three units with a file each, into the filesystem archive and
the sqlite search store) is copied for each test, which then deletes something the ledger
says a sink confirmed.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

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


def _ecomms(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return ecomms(*args, cwd=cwd, env={"ECOMMS_EXTRA_PLUGINS": "core.testing"})


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the config, the state and both sinks after one capture."""
    directory = tmp_path_factory.mktemp("captured")
    (directory / "ecomms.toml").write_text(_CONFIG)
    run = _ecomms(directory, "run", "--once")
    assert run.returncode == 0, run.stderr
    return directory


@pytest.fixture
def copy(captured: Path, tmp_path: Path) -> Path:
    """A private copy of the capture to damage."""
    target = tmp_path / "copy"
    shutil.copytree(captured, target)
    return target


def _verify(directory: Path) -> subprocess.CompletedProcess[str]:
    return _ecomms(directory, "audit", "verify")


def _fails(directory: Path) -> str:
    audit = _verify(directory)
    assert audit.returncode == 1, audit.stdout + audit.stderr
    assert "Traceback" not in audit.stderr
    return audit.stdout


def _blob(directory: Path) -> Path:
    return next(p for p in (directory / "archive" / "blobs").rglob("*") if p.is_file())


def test_an_intact_capture_verifies_and_says_what(copy):
    audit = _verify(copy)
    assert audit.returncode == 0, audit.stdout
    lines = audit.stdout.splitlines()
    archive = next(line for line in lines if line.startswith("ok   sink filesystem verified"))
    assert re.search(r"names 3 units, \d+ records, 3 files", archive)
    assert re.search(r"the ledger's 3 artifacts and \d+ records .* all present", archive)
    assert "3 files verified" not in archive and "record versions, 3 artifacts" in archive
    search = next(line for line in lines if line.startswith("ok   sink sqlite verified"))
    assert re.search(r"names 3 units, \d+ records, 0 files", search)
    assert any(line.startswith("ok   ledger:") for line in lines)


def test_one_deleted_artifact_file_is_named(copy):
    blob = _blob(copy)
    blob.unlink()
    out = _fails(copy)
    assert f"FAIL filesystem missing: {blob.relative_to(copy / 'archive').as_posix()}" in out
    assert "FAIL sink filesystem:" in out


def test_one_deleted_record_file_is_named(copy):
    victim = next((copy / "archive" / "records").rglob("v000001.json"))
    victim.unlink()
    out = _fails(copy)
    assert victim.relative_to(copy / "archive").as_posix() in out
    assert "ok   sink sqlite verified" in out  # the other sink is untouched


def _cut_manifest(directory: Path, lines: int) -> list[str]:
    """Drop the manifest's last ``lines`` lines; return the paths they listed."""
    manifest = directory / "archive" / "manifest.jsonl"
    kept = manifest.read_bytes().splitlines(keepends=True)
    manifest.write_bytes(b"".join(kept[:-lines]))
    return [json.loads(line)["path"] for line in kept[-lines:]]


def test_the_tail_of_the_manifest_cut_is_named(copy):
    cut = _cut_manifest(copy, 3)
    out = _fails(copy)
    for path in cut:
        assert f"{path} is not listed in the manifest" in out
    assert "committed in the ledger, is stored but not in the manifest" in out


def test_the_manifest_tail_cut_with_its_files_deleted_is_still_named(copy):
    """The archive alone looks consistent then: only the ledger knows what is gone."""
    cut = _cut_manifest(copy, 3)
    for path in cut:
        (copy / "archive" / path).unlink()
    out = _fails(copy)
    assert "committed in the ledger, is not in the archive" in out
    for path in cut:
        name = Path(path).parent.name if path.startswith("records/") else Path(path).name
        assert name in out


def test_the_whole_archive_deleted_is_named(copy):
    shutil.rmtree(copy / "archive")
    out = _fails(copy)
    assert "no archive at this path" in out
    assert re.search(r"the ledger's 3 artifacts and \d+ records committed here", out)
    assert not (copy / "archive").exists()  # verifying never recreates it


def test_a_deleted_sqlite_row_is_named(copy):
    db = sqlite3.connect(copy / "search.db")
    (victim,) = db.execute("SELECT id FROM records ORDER BY id LIMIT 1").fetchone()
    db.execute("DELETE FROM records WHERE id = ?", (victim,))
    db.commit()
    db.close()
    out = _fails(copy)
    assert f"FAIL sqlite missing: record {victim}, committed in the ledger, is not stored" in out
    assert "ecomms rebuild sqlite" in out
    assert "ok   sink filesystem verified" in out


def test_a_deleted_sqlite_file_is_named(copy):
    (copy / "search.db").unlink()
    out = _fails(copy)
    assert re.search(r"no search store at this path; the ledger's \d+ records are all missing", out)
