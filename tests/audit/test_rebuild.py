"""``ecomms rebuild SINK``: a lost search store refilled from the archive of record.

A capture of the Zoom simulator (policies on) into the filesystem archive and sqlite; the
sqlite file is deleted and rebuilt, and every search answers exactly as before. A rebuild
killed midway resumes where it stopped and ends with every record once.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from core.protocols import Context
from core.records import RECORD_KINDS
from core.testing.samples import make_blob, meeting_records
from plugins.sinks.filesystem import FilesystemSink
from tests.fixtures.cli import ecomms, start_ecomms
from tests.fixtures.zoom_simulator import run_ecomms, zoom_source_toml

_SEARCHES = [(), ("--min-risk", "1"), ("--kind", "chat")]


def _search_all(config: Path, sim) -> list[list[dict]]:
    answers = []
    for args in _SEARCHES:
        done = run_ecomms(config, sim, "search", *args, "--json", "--limit", "10000")
        assert done.returncode == 0, done.stderr
        answers.append([json.loads(line) for line in done.stdout.splitlines() if line.strip()])
    return answers


@pytest.mark.slow
def test_rebuild_of_a_deleted_sqlite_file_answers_every_search_as_before(
    zoom_simulator_factory, tmp_path
):
    sim = zoom_simulator_factory(seed=5, meetings=8, small_media=True, plan="unlimited")
    config = tmp_path / "ecomms.toml"
    config.write_text(
        '[ecomms]\nstate_dir = ".ecomms"\n'
        + zoom_source_toml(sim)
        + '[transformers.policies]\n[sinks.filesystem]\npath = "archive"\n'
        + '[sinks.sqlite]\npath = "search.db"\n'
    )
    assert run_ecomms(config, sim, "run", "--once").returncode == 0
    before = _search_all(config, sim)
    assert before[0] and before[1], "the capture should hold records and risky ones"
    for path in tmp_path.glob("search.db*"):
        path.unlink()
    assert run_ecomms(config, sim, "audit", "verify").returncode == 1  # the loss is named
    rebuilt = run_ecomms(config, sim, "rebuild", "sqlite")
    assert rebuilt.returncode == 0, rebuilt.stderr
    context = Context(name="filesystem", state_dir=tmp_path, spool_dir=tmp_path / "spool")
    archive = FilesystemSink(FilesystemSink.Config(path=str(tmp_path / "archive")), context)
    stored = sum(1 for _ in archive.records(kinds=tuple(RECORD_KINDS)))  # captures stay out
    assert f"rebuilt sqlite from filesystem: {stored} records" in rebuilt.stdout
    assert _search_all(config, sim) == before
    audit = run_ecomms(config, sim, "audit", "verify")
    assert audit.returncode == 0, audit.stdout
    again = run_ecomms(config, sim, "rebuild", "sqlite")  # idempotent
    assert again.returncode == 0 and _search_all(config, sim) == before


_CONFIG = """
[ecomms]
state_dir = ".ecomms"
[sinks.filesystem]
path = "archive"
[sinks.sqlite]
path = "search.db"
"""


def _archive(directory: Path, meetings: int) -> int:
    """An archive of ``meetings`` sample meetings written directly; the number of records."""
    context = Context(name="filesystem", state_dir=directory, spool_dir=directory / "spool")
    sink = FilesystemSink(FilesystemSink.Config(path=str(directory / "archive")), context)
    sha, blob = make_blob(directory / "spool", b"media bytes")
    records = [r for n in range(meetings) for r in meeting_records(f"uuid-{n}==", sha, 11)]
    sink.write(records, {sha: blob})
    return len(records)


def _rows(directory: Path) -> tuple[int, int]:
    db = sqlite3.connect(directory / "search.db")
    try:
        return db.execute("SELECT count(*), count(DISTINCT id) FROM records").fetchone()
    finally:
        db.close()


def test_a_killed_rebuild_resumes_and_ends_with_every_record_once(tmp_path):
    total = _archive(tmp_path, 60)
    (tmp_path / "ecomms.toml").write_text(_CONFIG)
    progress = tmp_path / ".ecomms" / "rebuild" / "sqlite.json"
    first = start_ecomms("rebuild", "sqlite", "--batch", "1", cwd=tmp_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and first.poll() is None:
        if progress.exists() and json.loads(progress.read_bytes())["records"] >= 20:
            os.kill(first.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    first.wait()
    assert first.returncode == -signal.SIGKILL, "the rebuild ended before it could be killed"
    done_before = json.loads(progress.read_bytes())["records"]
    assert 20 <= done_before < total
    resumed = ecomms("rebuild", "sqlite", "--batch", "50", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{total} records (resumed after {done_before} written before)" in resumed.stdout
    assert _rows(tmp_path) == (total, total)
    assert not progress.exists()


def test_rebuild_refuses_an_archive_and_an_unknown_sink_in_one_line(tmp_path):
    _archive(tmp_path, 1)
    (tmp_path / "ecomms.toml").write_text(_CONFIG)
    archive = ecomms("rebuild", "filesystem", cwd=tmp_path)
    assert archive.returncode == 2 and "is an archive of record" in archive.stderr
    unknown = ecomms("rebuild", "nope", cwd=tmp_path)
    assert unknown.returncode == 2 and "no enabled sink named nope" in unknown.stderr
    assert "Traceback" not in archive.stderr + unknown.stderr


@pytest.mark.opensearch
def test_rebuild_fills_a_new_opensearch_index_that_then_verifies(opensearch_url, tmp_path):
    """Pointed at a new index, the sink is refilled and holds every record the ledger names."""
    index = f"ecomms-rebuild-{os.getpid()}-{int(time.time())}"
    sink = f'[sinks.opensearch]\nhosts = ["{opensearch_url}"]\nindex = "{{index}}"\n'
    config = tmp_path / "ecomms.toml"
    base = '[ecomms]\nstate_dir = ".ecomms"\n[sources.fake]\nunits = 4\nfiles = 1\n'
    base += '[sinks.filesystem]\npath = "archive"\n'
    config.write_text(base + sink.format(index=index + "-a"))
    fake = {"ECOMMS_EXTRA_PLUGINS": "core.testing"}
    assert ecomms("run", "--once", cwd=tmp_path, env=fake).returncode == 0
    config.write_text(base + sink.format(index=index + "-b"))
    lost = ecomms("audit", "verify", cwd=tmp_path, env=fake)
    assert lost.returncode == 1 and "does not exist" in lost.stdout
    rebuilt = ecomms("rebuild", "opensearch", cwd=tmp_path, env=fake)
    assert rebuilt.returncode == 0, rebuilt.stderr
    audit = ecomms("audit", "verify", cwd=tmp_path, env=fake)
    assert audit.returncode == 0, audit.stdout
    assert "ok   sink opensearch verified" in audit.stdout
